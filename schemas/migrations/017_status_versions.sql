-- One notion of 时效性. A version's status on a date is its document_status span covering that day
-- (flows/revisions/status.py derives the history: 已修改 from a later version's effect, 已废止,
-- 部分失效, 失效), 尚未生效 before its first span; versions_as_of, v_current_versions, policies and
-- policies_in_force all read it. Of two renditions of one text the best one is listed: a text
-- file, then a PDF's text layer, then an OCR reading; of two, the one printed in a gazette issue
-- (the standard text), as extractors/diff/renditions.py ranks them.
CREATE OR REPLACE VIEW v_documents_all_versions AS
SELECT d.*, s.path AS source_path, s.media_type, s.ingested_at,
       count(*) OVER (PARTITION BY d.doc_key) AS renditions,
       coalesce(v.family_id, d.doc_key) AS family_id, coalesce(v.version_no, 1) AS version_no
FROM documents d JOIN sources s USING (source_id)
LEFT JOIN policy_versions v ON v.doc_id = d.doc_id
QUALIFY row_number() OVER (PARTITION BY d.doc_key
                           ORDER BY list_contains(coalesce(s.warnings, []), 'read by OCR: characters may be misread'),
                                    s.media_type = 'pdf', d.issue_id IS NULL, s.path, d.doc_id) = 1;

-- A version's date is where its status history begins (a revised law's last 修订/修正 date, not
-- the adoption date it reprints), else its issue or effective date.
CREATE OR REPLACE MACRO versions_as_of(as_of := current_date) AS TABLE
WITH first_span AS (
    SELECT doc_id, min(valid_from) AS since FROM document_status WHERE NOT placeholder GROUP BY doc_id
), versioned AS (
    SELECT d.*, coalesce(f.since, d.issued_date, d.effective_date) AS version_date
    FROM v_documents_all_versions d LEFT JOIN first_span f USING (doc_id)
), dated AS (
    SELECT d.*, coalesce(d.version_date,
                         max(d.version_date) OVER (PARTITION BY d.family_id ORDER BY d.version_no
                                                   ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS sorts_as
    FROM versioned d
)
SELECT d.doc_id, d.family_id, d.version_no, d.is_draft, d.version_date,
       row_number() OVER (PARTITION BY d.family_id
                          ORDER BY d.sorts_as NULLS FIRST, d.version_no, d.doc_id) AS version_rank,
       coalesce((SELECT s.status FROM document_status s
                 WHERE s.doc_id = d.doc_id AND NOT s.placeholder
                   AND (s.valid_from IS NULL OR s.valid_from <= as_of)
                   AND (s.valid_to IS NULL OR as_of < s.valid_to)
                 ORDER BY s.seq DESC LIMIT 1),
                CASE WHEN d.is_draft THEN 'draft'
                     WHEN coalesce(d.effective_date, d.issued_date) IS NULL THEN 'undated'
                     ELSE 'not_yet_effective' END) AS status
FROM dated d;

-- In force on a date: 现行有效, or 部分失效 (what is left of it still binds).
CREATE OR REPLACE VIEW v_current_versions AS
SELECT family_id, doc_id, version_no, count(*) OVER (PARTITION BY family_id) AS versions, is_draft,
       CASE WHEN status IN ('in_force', 'partially_repealed') THEN 'in_force'
            WHEN is_draft THEN 'latest_draft' ELSE 'latest' END AS chosen_as,
       status
FROM versions_as_of()
QUALIFY row_number() OVER (PARTITION BY family_id
                           ORDER BY status IN ('in_force', 'partially_repealed') DESC, version_rank DESC) = 1;

CREATE OR REPLACE MACRO policies_in_force(as_of := current_date) AS TABLE
SELECT d.doc_id, d.doc_number, d.title, d.doc_type, d.issuer, d.issued_date,
       d.effective_date, d.expiry_date, d.family_id, d.version_no, v.status
FROM versions_as_of(as_of := as_of) v JOIN v_documents_all_versions d ON d.doc_id = v.doc_id
WHERE v.status IN ('in_force', 'partially_repealed')
QUALIFY row_number() OVER (PARTITION BY d.family_id ORDER BY v.version_rank DESC) = 1;

CREATE OR REPLACE VIEW v_policies_in_force AS SELECT * FROM policies_in_force();
