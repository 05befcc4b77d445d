-- Typed windows and bureaus as rows. A date fact's value is ISO text as precise as the document
-- (2026-06-04, 2026-01 for 2026年1月底, 2027): the macros below read it as a DATE and say how precise
-- it is, so that analysts compare dates as dates and `closes::date` never fails.
CREATE MACRO date_precision(value) AS CASE
    WHEN regexp_full_match(value, '\d{4}-\d{2}-\d{2}') THEN 'day'
    WHEN regexp_full_match(value, '\d{4}-\d{2}') THEN 'month'
    WHEN regexp_full_match(value, '\d{4}') THEN 'year' END;

-- A window that opens in a month is open from its first day; one that closes, until its last.
CREATE MACRO date_first_day(value) AS CASE date_precision(value)
    WHEN 'day' THEN try_cast(value AS DATE)
    WHEN 'month' THEN try_cast(value || '-01' AS DATE)
    WHEN 'year' THEN try_cast(value || '-01-01' AS DATE) END;

CREATE MACRO date_last_day(value) AS CASE date_precision(value)
    WHEN 'day' THEN try_cast(value AS DATE)
    WHEN 'month' THEN last_day(try_cast(value || '-01' AS DATE))
    WHEN 'year' THEN try_cast(value || '-12-31' AS DATE) END;

-- The date as the document states it, to its precision: (2026-01-31, 'month') → '2026-01'.
CREATE MACRO date_as_written(due, due_precision) AS CASE due_precision
    WHEN 'day' THEN strftime(due, '%Y-%m-%d')
    WHEN 'month' THEN strftime(due, '%Y-%m')
    WHEN 'year' THEN strftime(due, '%Y') END;

-- Application and declaration windows only: a window_start paired with the next window_end of the
-- same sentence, a window_start with no end, or a window_end with no start before it.
DROP VIEW v_application_windows;
CREATE VIEW v_application_windows AS
WITH d AS (
    SELECT f.*, lead(role) OVER w AS next_role, lead(value_text) OVER w AS next_value
    FROM v_facts f WHERE kind = 'date'
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
       sentence, doc_id, article_id, fact_id
FROM windows;

-- Deadlines (报送, 兑现 … 前) and expiries (有效期至): when each falls due, on the last day its
-- precision allows (2026年1月底前 → 2026-01-31).
CREATE VIEW v_deadlines AS
SELECT doc_title AS document, doc_number, article_label, role AS kind,
       date_last_day(value_text) AS due, date_precision(value_text) AS due_precision,
       text, sentence, doc_id, article_id, fact_id
FROM v_facts
WHERE kind = 'date' AND role IN ('deadline', 'expires');

-- One row per measure (article) and bureau responsible for it: the bureaus named in the article,
-- else in its parent, else its grandparent, else anywhere in the document (负责解释, 主责部门).
-- A division (市科委、中关村管委会促进处) rolls up to the gazetteer body its name begins with.
CREATE VIEW v_measure_bureaus AS
WITH named AS (
    SELECT doc_id, article_id, value_text AS bureau, max(role) AS role
    FROM facts WHERE kind = 'bureau' GROUP BY ALL
), whole_doc AS (
    SELECT doc_id, value_text AS bureau, max(role) AS role FROM facts WHERE kind = 'bureau' GROUP BY ALL
), nearest AS (
    SELECT a.doc_id, d.doc_number, a.article_id, a.path_label AS article_label,
           CASE WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = a.article_id) THEN a.article_id
                WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = a.parent_id) THEN a.parent_id
                WHEN EXISTS (SELECT 1 FROM named n WHERE n.article_id = p.parent_id) THEN p.parent_id
           END AS named_in
    FROM articles a JOIN v_documents d USING (doc_id)
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
                r.bureau) AS parent_bureau
FROM responsible r;

-- Measures (articles with a money fact) and money per bureau, each measure and fact counted once
-- per bureau. The total is summed to the 分 (see 008_wide_values.sql).
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
