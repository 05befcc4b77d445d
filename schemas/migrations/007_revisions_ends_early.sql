-- A newer text that stops short of the old one (a copy cut off, an excerpt) is told apart from a
-- revision that removed provisions: the provisions past its end are 'not_in_newer', and the
-- revision says where the newer text ends (extractors/diff.py, ends_early).

ALTER TABLE revisions ADD COLUMN not_in_newer INTEGER DEFAULT 0;     -- provisions past ends_at
ALTER TABLE revisions ADD COLUMN ends_at VARCHAR;            -- label the newer text ends at: 第三条（四）

-- A CHECK cannot be altered in place: the table is rebuilt with the new kind allowed.
DROP VIEW v_revision_changes;
ALTER TABLE revision_changes RENAME TO revision_changes_before_007;
CREATE TABLE revision_changes (
    revision_id     VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,
    subject         VARCHAR NOT NULL CHECK (subject IN ('article', 'fact')),
    kind            VARCHAR NOT NULL CHECK (kind IN ('unchanged', 'modified', 'renumbered', 'moved',
                                                     'added', 'removed', 'split', 'merged', 'changed',
                                                     'not_in_newer')),
    old_label       VARCHAR,
    new_label       VARCHAR,
    old_article_ids VARCHAR[],
    new_article_ids VARCHAR[],
    similarity      DOUBLE,
    old_text        VARCHAR,
    new_text        VARCHAR,
    text_ops        VARCHAR,
    fact_kind       VARCHAR,
    role            VARCHAR,
    old_fact_id     VARCHAR,
    new_fact_id     VARCHAR,
    old_value_num   DECIMAL(20, 6),
    new_value_num   DECIMAL(20, 6),
    old_value_text  VARCHAR,
    new_value_text  VARCHAR,
    summary         VARCHAR NOT NULL,
    PRIMARY KEY (revision_id, seq)
);
INSERT INTO revision_changes SELECT * FROM revision_changes_before_007;
DROP TABLE revision_changes_before_007;

-- What changed, for analysts: substantive changes only, with both documents named; what a
-- newer text cut short does not hold is no change of the policy.
CREATE VIEW v_revision_changes AS
SELECT r.family_id, o.doc_number AS old_doc_number, n.doc_number AS new_doc_number,
       n.title AS new_title, c.subject, c.kind, c.old_label, c.new_label, c.fact_kind, c.role,
       c.summary, c.revision_id, c.seq, r.old_doc_id, r.new_doc_id
FROM revision_changes c
JOIN revisions r USING (revision_id)
JOIN documents o ON o.doc_id = r.old_doc_id
JOIN documents n ON n.doc_id = r.new_doc_id
WHERE c.kind NOT IN ('unchanged', 'not_in_newer');
