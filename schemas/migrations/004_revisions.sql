-- Versions of one policy and what changed between them (flows/revisions.py, extractors/diff.py).

-- Every document's policy family. Versions are recognised by 文号 (policy_key), by title once
-- version markers are removed, by a repeal clause and by text similarity; renditions of one
-- text (doc_key) are one version.
CREATE TABLE policy_versions (
    doc_id       VARCHAR PRIMARY KEY,
    family_id    VARCHAR NOT NULL,             -- the policy: its first version's title, version markers removed
    doc_key      VARCHAR NOT NULL,
    version_no   INTEGER NOT NULL,             -- 1 = oldest; the renditions of a version share it
    preferred    BOOLEAN NOT NULL,             -- the rendition revisions are computed on
    linked_by    VARCHAR CHECK (linked_by IN ('policy_key', 'title', 'repeal', 'similarity', 'rendition')),
    linked_to    VARCHAR                       -- the document it was linked through; null for version 1
);

-- A version diffed against its predecessor.
CREATE TABLE revisions (
    revision_id    VARCHAR PRIMARY KEY,        -- old_doc_id..new_doc_id
    family_id      VARCHAR,
    old_doc_id     VARCHAR NOT NULL,
    new_doc_id     VARCHAR NOT NULL,
    old_doc_key    VARCHAR,
    new_doc_key    VARCHAR,
    old_version_no INTEGER,
    new_version_no INTEGER,
    unchanged      INTEGER NOT NULL,           -- provisions by kind of change
    modified       INTEGER NOT NULL,
    renumbered     INTEGER NOT NULL,
    moved          INTEGER NOT NULL,
    added          INTEGER NOT NULL,
    removed        INTEGER NOT NULL,
    split          INTEGER NOT NULL,
    merged         INTEGER NOT NULL,
    fact_changes   INTEGER NOT NULL,
    summary        VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL
);

-- One row per aligned provision pair (subject 'article', unchanged ones included) and per fact
-- that appeared, disappeared or changed (subject 'fact').
CREATE TABLE revision_changes (
    revision_id     VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    subject         VARCHAR NOT NULL CHECK (subject IN ('article', 'fact')),
    kind            VARCHAR NOT NULL CHECK (kind IN ('unchanged', 'modified', 'renumbered', 'moved',
                                                     'added', 'removed', 'split', 'merged', 'changed')),
    old_label       VARCHAR,                   -- 第十五条; parts joined by ' + ' for a split or merge
    new_label       VARCHAR,
    old_article_ids VARCHAR[],
    new_article_ids VARCHAR[],
    similarity      DOUBLE,                    -- 0..1, normalised text with labels left out
    old_text        VARCHAR,                   -- article: the bodies compared; fact: its surface text
    new_text        VARCHAR,
    text_ops        VARCHAR,                   -- JSON [[tag, old_start, old_end, new_start, new_end], …] into old_text/new_text
    fact_kind       VARCHAR,
    role            VARCHAR,                   -- cap, award, rate, threshold, window opens, bureau …
    old_fact_id     VARCHAR,
    new_fact_id     VARCHAR,
    old_value_num   DECIMAL(20, 6),
    new_value_num   DECIMAL(20, 6),
    old_value_text  VARCHAR,
    new_value_text  VARCHAR,
    summary         VARCHAR NOT NULL,          -- 第十五条（一） cap: 20% of 年度实际服务金额 → 30%
    PRIMARY KEY (revision_id, seq)
);

-- What changed, for analysts: substantive changes only, with both documents named.
CREATE VIEW v_revision_changes AS
SELECT r.family_id, o.doc_number AS old_doc_number, n.doc_number AS new_doc_number,
       n.title AS new_title, c.subject, c.kind, c.old_label, c.new_label, c.fact_kind, c.role,
       c.summary, c.revision_id, c.seq, r.old_doc_id, r.new_doc_id
FROM revision_changes c
JOIN revisions r USING (revision_id)
JOIN documents o ON o.doc_id = r.old_doc_id
JOIN documents n ON n.doc_id = r.new_doc_id
WHERE c.kind <> 'unchanged';
