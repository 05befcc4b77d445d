-- The kinds of fact are the extractors' registry (extractors/facts FACT_KINDS), which every writer
-- copies into `fact_kinds`; `gazette doctor` checks each fact's kind against it. A CHECK listing
-- the kinds in SQL would make every new kind a migration, so it goes.
CREATE TABLE fact_kinds (
    kind        VARCHAR PRIMARY KEY,
    noun        VARCHAR NOT NULL,              -- how a diff names a fact of the kind without a role
    value_unit  VARCHAR                        -- what value_num counts: 'yuan', 'fraction', or null
);
-- The kinds facts already hold; the next writer replaces them with the registry's.
INSERT INTO fact_kinds VALUES ('doc_number', '文号', NULL), ('date', 'date', NULL), ('bureau', 'bureau', NULL),
    ('money', 'amount', 'yuan'), ('percent', 'rate', 'fraction');

-- A CHECK cannot be dropped in place: the table is rebuilt with its rows.
ALTER TABLE facts RENAME TO facts_before_010;
CREATE TABLE facts (
    fact_id      VARCHAR PRIMARY KEY,          -- doc_id/f<seq>
    doc_id       VARCHAR NOT NULL,
    article_id   VARCHAR,                      -- deepest article holding the fact; null in a preamble
    kind         VARCHAR NOT NULL,             -- a kind of fact_kinds
    text         VARCHAR NOT NULL,             -- documents.text[char_start:char_end]
    value_num    DECIMAL(38, 6),               -- money in yuan; percent as a fraction
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
INSERT INTO facts SELECT * FROM facts_before_010;
DROP TABLE facts_before_010;
