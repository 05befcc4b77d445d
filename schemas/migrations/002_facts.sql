-- Facts found in documents, the relations between documents, and the bureau gazetteer.

CREATE TABLE facts (
    fact_id      VARCHAR PRIMARY KEY,          -- doc_id/f<seq>
    doc_id       VARCHAR NOT NULL,
    article_id   VARCHAR,                      -- deepest article holding the fact; null in a preamble
    kind         VARCHAR NOT NULL CHECK (kind IN ('money', 'percent', 'date', 'bureau', 'doc_number')),
    text         VARCHAR NOT NULL,             -- documents.text[char_start:char_end]
    value_num    DECIMAL(20, 6),               -- money in yuan; percent as a fraction
    value_text   VARCHAR,                      -- ISO date, canonical bureau, 文号
    role         VARCHAR,
    scope        VARCHAR,
    condition    VARCHAR,
    basis        VARCHAR,
    inferred     BOOLEAN NOT NULL DEFAULT false,  -- a date whose year was inferred
    sentence     VARCHAR,                      -- the sentence that states the fact, for analysts
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL
);

CREATE TABLE relations (
    from_doc_id      VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL CHECK (kind IN ('repeals', 'cites', 'quotes', 'revises')),
    to_doc_number    VARCHAR,
    to_title         VARCHAR,
    to_doc_id        VARCHAR,
    to_article_label VARCHAR,
    quoted_text      VARCHAR,                  -- for quotes: the text given as the article's
    quote_matches    BOOLEAN,                  -- quoted text found in the resolved article
    evidence         VARCHAR NOT NULL,
    char_start       INTEGER NOT NULL,
    char_end         INTEGER NOT NULL
);

CREATE TABLE bureaus (
    canonical    VARCHAR PRIMARY KEY,
    jurisdiction VARCHAR,
    aliases      VARCHAR[]
);
