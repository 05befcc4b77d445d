-- 时效性: every document's status history, placeholders for the documents cited or repealed that
-- the catalog does not hold, the policies in force on a date read from that history, and the
-- provisions of a policy as they stood on a date (extractors/status.py, flows/revisions/status.py).

-- A document cited, quoted or repealed by catalog documents and not in the catalog, as cited.
CREATE TABLE cited_documents (
    placeholder_id VARCHAR PRIMARY KEY,        -- cited: and its 文号, else its title as cited
    doc_number     VARCHAR,
    title          VARCHAR,
    cited_by       VARCHAR NOT NULL,           -- the first catalog document citing it
    citations      INTEGER NOT NULL,           -- catalog documents (renditions counted once) citing it
    repealed       BOOLEAN NOT NULL,           -- a repeal clause of a document in effect names it
    evidence       VARCHAR NOT NULL            -- the citation as printed in cited_by
);

-- A status a document (or placeholder) holds from valid_from until the day before valid_to.
CREATE TABLE document_status (
    doc_id       VARCHAR NOT NULL,             -- documents.doc_id, or cited_documents.placeholder_id
    placeholder  BOOLEAN NOT NULL,
    seq          INTEGER NOT NULL,             -- 0 = first status
    status       VARCHAR NOT NULL CHECK (status IN ('draft', 'undated', 'not_yet_effective', 'in_force',
                                                    'partially_repealed', 'amended', 'repealed', 'expired')),
    status_label VARCHAR NOT NULL,             -- 征求意见稿, 日期不详, 尚未生效, 现行有效, 部分失效, 已修改, 已废止, 失效
    valid_from   DATE,                         -- null for an undated document
    valid_to     DATE,                         -- exclusive; null while the status holds
    cause        VARCHAR NOT NULL CHECK (cause IN ('draft', 'undated', 'issued', 'effective', 'later_version',
                                                   'repeal', 'partial_repeal', 'expiry')),
    cause_doc_id VARCHAR,                      -- the later version or the repealing document
    cause_text   VARCHAR,                      -- the repeal clause's citation, the version, the expiry
    summary      VARCHAR NOT NULL,             -- 《…》(京技管发〔2023〕8号) 已废止 by 《…》 from 2025-04-12
    PRIMARY KEY (doc_id, seq)
);

-- Policies in force on a date (default today): the latest version of each policy whose status on
-- that day is 现行有效 or 部分失效. A document with neither an effective nor an issued date is
-- never in force: no day can be told for it.
CREATE OR REPLACE MACRO policies_in_force(as_of := current_date) AS TABLE
SELECT d.doc_id, d.doc_number, d.title, d.doc_type, d.issuer, d.issued_date,
       d.effective_date, d.expiry_date, s.status
FROM v_documents d JOIN document_status s ON s.doc_id = d.doc_id AND NOT s.placeholder
WHERE s.status IN ('in_force', 'partially_repealed')
  AND s.valid_from <= as_of AND (s.valid_to IS NULL OR as_of < s.valid_to)
QUALIFY row_number() OVER (PARTITION BY d.policy_key
                           ORDER BY s.valid_from DESC, d.issued_date DESC NULLS LAST, d.ingested_at DESC,
                                    d.doc_id) = 1;

CREATE OR REPLACE VIEW v_policies_in_force AS SELECT * FROM policies_in_force();

-- The provisions of a policy (named by 文号, family_id, title or doc id) as they stood on a date:
-- every article of the version in force then, with its status; when none was in force, one row
-- with no article saying the status of the latest version by then (尚未生效 before the first).
-- A document the catalog knows only as cited (cited_documents) has its status row alone (no
-- status: none is known on that day, as for a document cited and never repealed).
CREATE MACRO article_as_of(policy, as_of := current_date) AS TABLE
WITH family AS (
    SELECT DISTINCT p.family_id FROM policy_versions p JOIN documents d USING (doc_id)
    WHERE policy IN (d.doc_id, d.doc_number, p.family_id, d.title)
       OR regexp_replace(d.title, '\s', '', 'g') = regexp_replace(policy, '\s', '', 'g')
), version AS (
    SELECT p.family_id, p.doc_id, p.version_no, s.status, s.status_label, s.valid_from, s.valid_to
    FROM policy_versions p JOIN family USING (family_id)
    LEFT JOIN document_status s ON s.doc_id = p.doc_id AND NOT s.placeholder
         AND coalesce(s.valid_from, DATE '0001-01-01') <= as_of AND (s.valid_to IS NULL OR as_of < s.valid_to)
    WHERE p.preferred
), in_force AS (
    SELECT * FROM version WHERE status IN ('in_force', 'partially_repealed')
    QUALIFY row_number() OVER (PARTITION BY family_id ORDER BY valid_from DESC, version_no DESC) = 1
), latest AS (
    SELECT v.family_id, v.doc_id, v.version_no, coalesce(v.status, 'not_yet_effective') AS status,
           coalesce(v.status_label, '尚未生效') AS status_label, v.valid_from, v.valid_to
    FROM version v WHERE v.family_id NOT IN (SELECT family_id FROM in_force)
    QUALIFY row_number() OVER (PARTITION BY v.family_id
                               ORDER BY v.status IS NOT NULL DESC,
                                        CASE WHEN v.status IS NULL THEN v.version_no ELSE -v.version_no END) = 1
), provisions AS (
    SELECT v.family_id, v.doc_id, d.doc_number, d.title, v.version_no, v.status, v.status_label,
           v.valid_from, v.valid_to, a.article_id, a.path_label, a.text, a.seq
    FROM in_force v JOIN documents d USING (doc_id) JOIN articles a USING (doc_id)
    UNION ALL
    SELECT v.family_id, v.doc_id, d.doc_number, d.title, v.version_no, v.status, v.status_label,
           v.valid_from, v.valid_to, NULL, NULL, NULL, NULL
    FROM latest v JOIN documents d USING (doc_id)
    UNION ALL
    SELECT NULL, c.placeholder_id, c.doc_number, c.title, NULL, s.status, s.status_label, s.valid_from, s.valid_to, NULL, NULL, NULL, NULL
    FROM cited_documents c
    LEFT JOIN document_status s ON s.doc_id = c.placeholder_id AND s.placeholder
         AND s.valid_from <= as_of AND (s.valid_to IS NULL OR as_of < s.valid_to)
    WHERE policy IN (c.placeholder_id, c.doc_number, c.title)
)
SELECT * EXCLUDE (seq) FROM provisions ORDER BY family_id NULLS LAST, doc_id, seq NULLS FIRST;
