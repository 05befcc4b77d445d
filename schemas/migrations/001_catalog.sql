-- The catalog contract of shared/DESIGN.md: sources, issues, documents, articles.
-- Ids are deterministic text so that a rebuild from data/raw gives the same rows.

CREATE TABLE sources (
    source_id    VARCHAR PRIMARY KEY,          -- sha256 of the raw bytes
    path         VARCHAR NOT NULL,             -- first path seen, relative to data/raw when inside it
    media_type   VARCHAR NOT NULL CHECK (media_type IN ('pdf', 'text')),
    status       VARCHAR NOT NULL CHECK (status IN ('ok', 'quarantined')),
    error        VARCHAR,
    pages        INTEGER,
    bytes        BIGINT NOT NULL,
    warnings     VARCHAR[],
    ingested_at  TIMESTAMP NOT NULL
);

-- Same bytes under several names: one source, every path recorded.
CREATE TABLE source_paths (
    source_id    VARCHAR NOT NULL,
    path         VARCHAR NOT NULL,
    first_seen   TIMESTAMP NOT NULL,
    PRIMARY KEY (source_id, path)
);

CREATE TABLE issues (
    issue_id     VARCHAR PRIMARY KEY,          -- issue_key@source prefix: one row per rendition
    issue_key    VARCHAR NOT NULL,             -- shared by renditions: 北京市人民政府公报/2025/27
    source_id    VARCHAR NOT NULL,
    publication  VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    issue_no     INTEGER NOT NULL,
    total_no     INTEGER,
    issue_date   DATE
);

-- The issue's printed table of contents, checked against the split.
CREATE TABLE issue_toc (
    issue_id     VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    section      VARCHAR,
    title_zh     VARCHAR NOT NULL,
    title_en     VARCHAR,
    doc_number   VARCHAR,
    printed_page INTEGER,
    doc_id       VARCHAR,                      -- the document the entry was found as; null when missing
    PRIMARY KEY (issue_id, seq)
);

CREATE TABLE documents (
    doc_id         VARCHAR PRIMARY KEY,        -- source prefix + position: stable across rebuilds
    doc_key        VARCHAR NOT NULL,           -- content key: renditions of one text share it
    policy_key     VARCHAR NOT NULL,           -- 文号, else normalised title: versions share it
    source_id      VARCHAR NOT NULL,
    issue_id       VARCHAR,
    seq            INTEGER NOT NULL,
    doc_number     VARCHAR,
    title          VARCHAR NOT NULL,
    notice_title   VARCHAR,
    issuer         VARCHAR,
    doc_type       VARCHAR,
    is_draft       BOOLEAN NOT NULL,
    issued_date    DATE,
    effective_date DATE,
    expiry_date    DATE,
    text           VARCHAR NOT NULL,
    page_start     INTEGER,
    page_end       INTEGER,
    toc_title_en   VARCHAR,
    toc_page       INTEGER
);

-- Gaps and repeats in numbering, kept instead of silently accepted.
CREATE TABLE document_warnings (
    doc_id         VARCHAR NOT NULL,
    article_label  VARCHAR,
    message        VARCHAR NOT NULL
);

CREATE TABLE articles (
    article_id   VARCHAR PRIMARY KEY,          -- doc_id/seq
    doc_id       VARCHAR NOT NULL,
    parent_id    VARCHAR,
    seq          INTEGER NOT NULL,
    level        INTEGER NOT NULL,
    kind         VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    path_label   VARCHAR NOT NULL,             -- ancestors' labels and its own: 四/3, 第五条/（一）
    number       INTEGER,
    heading      VARCHAR,
    text         VARCHAR NOT NULL,
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL
);

CREATE TABLE schema_migrations (
    version      INTEGER PRIMARY KEY,
    name         VARCHAR NOT NULL,
    applied_at   TIMESTAMP NOT NULL
);
