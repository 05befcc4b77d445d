-- Bureaus as rows with their roles, abbreviations folded. A bureau named several times for one
-- measure keeps its strongest role (lead, then cooperating, then interpreter); `canonical` folds an
-- abbreviation to the body it stands for (经开区管委会 → 北京经济技术开发区管理委员会) and
-- `parent_bureau` also rolls a division up to its body (bureau_canonical, 015_bureau_aliases.sql).
-- The workload counts each canonical body once per measure.
CREATE OR REPLACE VIEW v_measure_bureaus_all_versions AS
WITH ranked AS (
    SELECT doc_id, article_id, value_text AS bureau,
           CASE role WHEN 'lead' THEN 1 WHEN 'cooperating' THEN 2 WHEN 'interpreter' THEN 3 END AS role_rank
    FROM facts WHERE kind = 'bureau'
), named AS (
    SELECT doc_id, article_id, bureau, min(role_rank) AS role_rank FROM ranked GROUP BY ALL
), whole_doc AS (
    SELECT doc_id, bureau, min(role_rank) AS role_rank FROM ranked GROUP BY ALL
), nearest AS (
    SELECT a.doc_id, d.doc_number, a.article_id, a.path_label AS article_label, d.family_id, d.version_no,
           CASE WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = a.article_id) THEN a.article_id
                WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = a.parent_id) THEN a.parent_id
                WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = p.parent_id) THEN p.parent_id
           END AS named_in
    FROM articles a JOIN v_documents_all_versions d USING (doc_id)
    LEFT JOIN articles p ON p.article_id = a.parent_id
), responsible AS (
    SELECT m.* EXCLUDE (named_in), n.bureau, n.role_rank
    FROM nearest m JOIN named n ON n.article_id = m.named_in
    UNION ALL
    SELECT m.* EXCLUDE (named_in), w.bureau, w.role_rank
    FROM nearest m JOIN whole_doc w ON w.doc_id = m.doc_id
    WHERE m.named_in IS NULL
)
SELECT r.doc_id, r.doc_number, r.article_id, r.article_label,
       ['lead', 'cooperating', 'interpreter'][r.role_rank] AS role, r.bureau,
       coalesce((SELECT a.canonical FROM bureau_aliases a WHERE a.alias = r.bureau), r.bureau) AS canonical,
       bureau_canonical(r.bureau) AS parent_bureau,
       r.family_id, r.version_no
FROM responsible r;

CREATE OR REPLACE VIEW v_measure_bureaus AS
SELECT * FROM v_measure_bureaus_all_versions WHERE doc_id IN (SELECT doc_id FROM v_current_versions);

-- The workload of the current versions' measures, or with `all_versions` of every version's (a
-- measure kept from one version to the next is a measure of each).
CREATE MACRO bureau_workload(all_versions := false) AS TABLE
WITH money AS (
    SELECT f.fact_id, f.article_id, f.doc_id, f.value_num, f.role FROM v_facts_all_versions f
    WHERE f.kind = 'money' AND (all_versions OR f.doc_id IN (SELECT doc_id FROM v_current_versions))
), per_bureau AS (
    SELECT DISTINCT b.canonical AS bureau, m.* FROM money m JOIN v_measure_bureaus_all_versions b USING (article_id)
)
SELECT bureau, count(DISTINCT doc_id) AS documents, count(DISTINCT article_id) AS measures,
       count(*) FILTER (WHERE role = 'cap') AS caps,
       max(value_num) FILTER (WHERE role = 'cap') AS largest_cap_yuan,
       money_human(max(value_num) FILTER (WHERE role = 'cap')) AS largest_cap,
       sum(value_num::DECIMAL(38, 2)) FILTER (WHERE role IN ('cap', 'award')) AS money_caps_and_awards_yuan,
       money_human(sum(value_num::DECIMAL(38, 2)) FILTER (WHERE role IN ('cap', 'award'))) AS money_caps_and_awards
FROM per_bureau GROUP BY bureau;

CREATE OR REPLACE VIEW v_bureau_workload AS SELECT * FROM bureau_workload();
CREATE OR REPLACE VIEW v_bureau_workload_all_versions AS SELECT * FROM bureau_workload(all_versions := true);

-- Money as analysts read it (300万元, 1.2亿元) beside the exact yuan (016_money_human.sql).
CREATE OR REPLACE VIEW v_money_caps_all_versions AS
SELECT f.doc_title AS document, f.doc_number, f.article_label, f.sentence,
       f.value_num AS cap_yuan, money_human(f.value_num) AS cap, f.scope, f.condition,
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
