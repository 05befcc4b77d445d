-- One row per policy measure, not per copy or version. Renditions of one text were already counted
-- once (the preferred rendition of each doc_key); versions of one policy (policy_versions) were
-- not: a policy in two versions listed each of its caps twice. Each analyst view X now reads the
-- current version of each policy, and X_all_versions reads every version, with its family_id and
-- version_no. A document that policy_versions does not hold yet is a family of its own.

CREATE VIEW v_documents_all_versions AS
SELECT d.*, s.path AS source_path, s.media_type, s.ingested_at,
       count(*) OVER (PARTITION BY d.doc_key) AS renditions,
       coalesce(v.family_id, d.doc_key) AS family_id, coalesce(v.version_no, 1) AS version_no
FROM documents d JOIN sources s USING (source_id)
LEFT JOIN policy_versions v ON v.doc_id = d.doc_id
QUALIFY row_number() OVER (PARTITION BY d.doc_key
                           ORDER BY s.media_type = 'pdf', s.path, d.doc_id) = 1;

-- Every version with its status on a date: a draft is never in force; an undated one (no effective
-- and no issue date) is in force on no date; a repeal counts once a catalog document other than
-- the version itself, not a draft, is in effect. `version_rank` orders a family's versions by
-- issue (else effective) date, then version_no, oldest first; an undated version sorts with the
-- dated version before it in version_no order (a draft of a revision after the text it revises).
CREATE MACRO versions_as_of(as_of := current_date) AS TABLE
WITH dated AS (
    SELECT d.*, coalesce(d.issued_date, d.effective_date) AS version_date,
           coalesce(coalesce(d.issued_date, d.effective_date),
                    max(coalesce(d.issued_date, d.effective_date)) OVER (
                        PARTITION BY d.family_id ORDER BY d.version_no
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS sorts_as
    FROM v_documents_all_versions d
)
SELECT d.doc_id, d.family_id, d.version_no, d.is_draft, d.version_date,
       row_number() OVER (PARTITION BY d.family_id
                          ORDER BY d.sorts_as NULLS FIRST, d.version_no, d.doc_id) AS version_rank,
       CASE WHEN d.is_draft THEN 'draft'
            WHEN coalesce(d.effective_date, d.issued_date) IS NULL THEN 'undated'
            WHEN EXISTS (
                SELECT 1 FROM relations r
                JOIN documents by_doc ON by_doc.doc_id = r.from_doc_id
                LEFT JOIN documents named ON named.doc_id = r.to_doc_id
                WHERE r.kind = 'repeals' AND NOT by_doc.is_draft AND by_doc.doc_key <> d.doc_key
                  AND coalesce(by_doc.effective_date, by_doc.issued_date, DATE '1900-01-01') <= as_of
                  AND (named.doc_key = d.doc_key OR r.to_doc_number = d.doc_number)) THEN 'repealed'
            WHEN coalesce(d.effective_date, d.issued_date) > as_of THEN 'not_yet_effective'
            WHEN d.expiry_date < as_of THEN 'expired'
            ELSE 'in_force' END AS status
FROM dated d;

-- The current version of each policy: the latest version in force today, else the latest of any
-- kind (a policy known only as a draft shows its draft). `chosen_as` says which rule chose it.
CREATE VIEW v_current_versions AS
SELECT family_id, doc_id, version_no, count(*) OVER (PARTITION BY family_id) AS versions, is_draft,
       CASE WHEN status = 'in_force' THEN 'in_force' WHEN is_draft THEN 'latest_draft' ELSE 'latest' END
           AS chosen_as,
       status
FROM versions_as_of()
QUALIFY row_number() OVER (PARTITION BY family_id
                           ORDER BY status = 'in_force' DESC, version_rank DESC) = 1;

-- Policies in force on a date (default today): the latest version of each policy in force then.
CREATE OR REPLACE MACRO policies_in_force(as_of := current_date) AS TABLE
SELECT d.doc_id, d.doc_number, d.title, d.doc_type, d.issuer, d.issued_date,
       d.effective_date, d.expiry_date, d.family_id, d.version_no
FROM versions_as_of(as_of := as_of) v JOIN v_documents_all_versions d ON d.doc_id = v.doc_id
WHERE v.status = 'in_force'
QUALIFY row_number() OVER (PARTITION BY d.family_id ORDER BY v.version_rank DESC) = 1;

CREATE OR REPLACE VIEW v_policies_in_force AS SELECT * FROM policies_in_force();

-- One row per policy: its current version's title, 文号 and dates, and its status today.
CREATE VIEW policies AS
WITH family AS (
    SELECT family_id, min(version_date) AS first_version_date, max(version_date) AS latest_version_date
    FROM versions_as_of() GROUP BY family_id
)
SELECT c.family_id, d.title, d.doc_number, c.versions, c.doc_id, c.is_draft, d.issuer, d.doc_type,
       d.issued_date, d.effective_date, d.expiry_date, c.status, c.chosen_as,
       f.first_version_date, f.latest_version_date
FROM v_current_versions c
JOIN v_documents_all_versions d ON d.doc_id = c.doc_id
JOIN family f ON f.family_id = c.family_id;

CREATE OR REPLACE VIEW v_documents AS
SELECT * FROM v_documents_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

CREATE VIEW v_facts_all_versions AS
SELECT f.*, d.doc_number, d.title AS doc_title, d.doc_key, d.is_draft,
       a.path_label AS article_label, a.parent_id AS article_parent_id, d.family_id, d.version_no
FROM facts f
JOIN v_documents_all_versions d USING (doc_id)
LEFT JOIN articles a USING (article_id);

CREATE OR REPLACE VIEW v_facts AS
SELECT * FROM v_facts_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

-- As in 003_views.sql, over the preferred rendition of every version.
CREATE VIEW v_article_bureaus_all_versions AS
WITH named AS (
    SELECT doc_id, article_id, string_agg(DISTINCT value_text, '；' ORDER BY value_text) AS bureaus
    FROM facts WHERE kind = 'bureau' GROUP BY ALL
), whole_doc AS (
    SELECT doc_id, string_agg(DISTINCT value_text, '；' ORDER BY value_text) AS bureaus
    FROM facts WHERE kind = 'bureau' GROUP BY ALL
)
SELECT a.doc_id, a.article_id,
       coalesce(own.bureaus, parent.bureaus, grand.bureaus, whole_doc.bureaus) AS bureaus,
       d.family_id, d.version_no
FROM articles a
JOIN v_documents_all_versions d ON d.doc_id = a.doc_id
LEFT JOIN articles p ON p.article_id = a.parent_id
LEFT JOIN named own ON own.article_id = a.article_id
LEFT JOIN named parent ON parent.article_id = a.parent_id
LEFT JOIN named grand ON grand.article_id = p.parent_id
LEFT JOIN whole_doc ON whole_doc.doc_id = a.doc_id;

CREATE OR REPLACE VIEW v_article_bureaus AS
SELECT * FROM v_article_bureaus_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

-- As in 006_policy_terms.sql, over the preferred rendition of every version.
CREATE VIEW v_article_terms_all_versions AS
SELECT a.article_id, a.doc_id,
       list_sort(list_distinct(list(t.term) FILTER (WHERE t.term IS NOT NULL))) AS terms,
       d.family_id, d.version_no
FROM articles a
JOIN v_documents_all_versions d ON d.doc_id = a.doc_id
LEFT JOIN articles p ON p.article_id = a.parent_id
LEFT JOIN policy_terms t ON t.article_id IN (a.article_id, a.parent_id, p.parent_id)
GROUP BY a.article_id, a.doc_id, d.family_id, d.version_no;

CREATE OR REPLACE VIEW v_article_terms AS
SELECT * FROM v_article_terms_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

CREATE VIEW v_money_caps_all_versions AS
SELECT f.doc_title AS document, f.doc_number, f.article_label, f.sentence,
       f.value_num AS cap_yuan, f.scope, f.condition,
       coalesce(b.bureaus, (SELECT string_agg(DISTINCT value_text, '；') FROM facts x
                            WHERE x.doc_id = f.doc_id AND x.kind = 'bureau')) AS bureau,
       coalesce(t.terms, []) AS terms,
       f.is_draft, f.doc_id, f.fact_id, f.text, f.family_id, f.version_no
FROM v_facts_all_versions f
LEFT JOIN v_article_bureaus_all_versions b USING (article_id)
LEFT JOIN v_article_terms_all_versions t USING (article_id)
WHERE f.kind = 'money' AND f.role = 'cap';

CREATE OR REPLACE VIEW v_money_caps AS
SELECT * FROM v_money_caps_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

-- As in 011_windows_bureaus.sql, over every version.
CREATE VIEW v_application_windows_all_versions AS
WITH d AS (
    SELECT f.*, lead(role) OVER w AS next_role, lead(value_text) OVER w AS next_value
    FROM v_facts_all_versions f WHERE kind = 'date'
    WINDOW w AS (PARTITION BY doc_id, sentence ORDER BY char_start)
), windows AS (
    SELECT *, CASE WHEN role = 'window_start' THEN value_text END AS opens_text,
           CASE WHEN role = 'window_end' THEN value_text
                WHEN next_role = 'window_end' THEN next_value END AS closes_text
    FROM d
    WHERE role = 'window_start'
       OR (role = 'window_end' AND NOT EXISTS (
            SELECT 1 FROM facts s WHERE s.doc_id = d.doc_id AND s.role = 'window_start'
              AND s.sentence = d.sentence AND s.char_start < d.char_start))
)
SELECT doc_title AS document, doc_number, article_label,
       date_first_day(opens_text) AS opens, date_precision(opens_text) AS opens_precision,
       date_last_day(closes_text) AS closes, date_precision(closes_text) AS closes_precision,
       sentence, doc_id, article_id, fact_id, family_id, version_no
FROM windows;

CREATE OR REPLACE VIEW v_application_windows AS
SELECT * FROM v_application_windows_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

CREATE VIEW v_deadlines_all_versions AS
SELECT doc_title AS document, doc_number, article_label, role AS kind,
       date_last_day(value_text) AS due, date_precision(value_text) AS due_precision,
       text, sentence, doc_id, article_id, fact_id, family_id, version_no
FROM v_facts_all_versions
WHERE kind = 'date' AND role IN ('deadline', 'expires');

CREATE OR REPLACE VIEW v_deadlines AS
SELECT * FROM v_deadlines_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

CREATE VIEW v_measure_bureaus_all_versions AS
WITH named AS (
    SELECT doc_id, article_id, value_text AS bureau, max(role) AS role
    FROM facts WHERE kind = 'bureau' GROUP BY ALL
), whole_doc AS (
    SELECT doc_id, value_text AS bureau, max(role) AS role FROM facts WHERE kind = 'bureau' GROUP BY ALL
), nearest AS (
    SELECT a.doc_id, d.doc_number, a.article_id, a.path_label AS article_label, d.family_id, d.version_no,
           CASE WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = a.article_id) THEN a.article_id
                WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = a.parent_id) THEN a.parent_id
                WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = p.parent_id) THEN p.parent_id
           END AS named_in
    FROM articles a JOIN v_documents_all_versions d USING (doc_id)
    LEFT JOIN articles p ON p.article_id = a.parent_id
), responsible AS (
    SELECT m.* EXCLUDE (named_in), n.bureau, n.role
    FROM nearest m JOIN named n ON n.article_id = m.named_in
    UNION ALL
    SELECT m.* EXCLUDE (named_in), w.bureau, w.role
    FROM nearest m JOIN whole_doc w ON w.doc_id = m.doc_id
    WHERE m.named_in IS NULL
)
SELECT r.doc_id, r.doc_number, r.article_id, r.article_label, r.role, r.bureau,
       coalesce((SELECT arg_max(b.canonical, length(b.canonical)) FROM bureaus b
                 WHERE starts_with(r.bureau, b.canonical) AND b.canonical <> r.bureau),
                r.bureau) AS parent_bureau,
       r.family_id, r.version_no
FROM responsible r;

CREATE OR REPLACE VIEW v_measure_bureaus AS
SELECT * FROM v_measure_bureaus_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

-- Per bureau, so not a restriction of rows: the current versions' measures and money, and every
-- version's (a measure kept from one version to the next is a measure of each).
CREATE VIEW v_bureau_workload_all_versions AS
WITH money AS (
    SELECT f.article_id, f.doc_id, f.value_num, f.role FROM v_facts_all_versions f WHERE f.kind = 'money'
), per_bureau AS (
    SELECT b.bureau, m.* FROM money m JOIN v_measure_bureaus_all_versions b USING (article_id)
)
SELECT bureau, count(DISTINCT doc_id) AS documents, count(DISTINCT article_id) AS measures,
       count(*) FILTER (WHERE role = 'cap') AS caps,
       max(value_num) FILTER (WHERE role = 'cap') AS largest_cap_yuan,
       sum(value_num::DECIMAL(38, 2)) FILTER (WHERE role IN ('cap', 'award')) AS money_caps_and_awards_yuan
FROM per_bureau GROUP BY bureau;

CREATE OR REPLACE VIEW v_bureau_workload AS
WITH money AS (
    SELECT f.article_id, f.doc_id, f.value_num, f.role FROM v_facts f WHERE f.kind = 'money'
), per_bureau AS (
    SELECT b.bureau, m.* FROM money m JOIN v_measure_bureaus b USING (article_id)
)
SELECT bureau, count(DISTINCT doc_id) AS documents, count(DISTINCT article_id) AS measures,
       count(*) FILTER (WHERE role = 'cap') AS caps,
       max(value_num) FILTER (WHERE role = 'cap') AS largest_cap_yuan,
       sum(value_num::DECIMAL(38, 2)) FILTER (WHERE role IN ('cap', 'award')) AS money_caps_and_awards_yuan
FROM per_bureau GROUP BY bureau;
