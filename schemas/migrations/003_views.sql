-- Analysts' views. Renditions of one text (the gazette PDF and its text file) are counted once:
-- each view reads only the preferred rendition of a doc_key (the text file, else the first PDF).

CREATE VIEW v_documents AS
SELECT d.*, s.path AS source_path, s.media_type, s.ingested_at,
       count(*) OVER (PARTITION BY d.doc_key) AS renditions
FROM documents d JOIN sources s USING (source_id)
QUALIFY row_number() OVER (PARTITION BY d.doc_key
                           ORDER BY s.media_type = 'pdf', s.path, d.doc_id) = 1;

-- A fact with the label path of its article and the document it belongs to.
CREATE VIEW v_facts AS
SELECT f.*, d.doc_number, d.title AS doc_title, d.doc_key, d.is_draft,
       a.path_label AS article_label, a.parent_id AS article_parent_id
FROM facts f
JOIN v_documents d USING (doc_id)
LEFT JOIN articles a USING (article_id);

-- The bureau responsible for an article: named in the article itself, else in its parent,
-- else the bureaus the document names anywhere (负责解释, 主责部门).
CREATE VIEW v_article_bureaus AS
WITH named AS (
    SELECT doc_id, article_id, string_agg(DISTINCT value_text, '；' ORDER BY value_text) AS bureaus
    FROM facts WHERE kind = 'bureau' GROUP BY ALL
), whole_doc AS (
    SELECT doc_id, string_agg(DISTINCT value_text, '；' ORDER BY value_text) AS bureaus
    FROM facts WHERE kind = 'bureau' GROUP BY ALL
)
SELECT a.doc_id, a.article_id,
       coalesce(own.bureaus, parent.bureaus, grand.bureaus, whole_doc.bureaus) AS bureaus
FROM articles a
LEFT JOIN articles p ON p.article_id = a.parent_id
LEFT JOIN named own ON own.article_id = a.article_id
LEFT JOIN named parent ON parent.article_id = a.parent_id
LEFT JOIN named grand ON grand.article_id = p.parent_id
LEFT JOIN whole_doc ON whole_doc.doc_id = a.doc_id;

CREATE VIEW v_money_caps AS
SELECT f.doc_title AS document, f.doc_number, f.article_label, f.sentence,
       f.value_num AS cap_yuan, f.scope, f.condition,
       coalesce(b.bureaus, (SELECT string_agg(DISTINCT value_text, '；') FROM facts x
                            WHERE x.doc_id = f.doc_id AND x.kind = 'bureau')) AS bureau,
       f.is_draft, f.doc_id, f.fact_id, f.text
FROM v_facts f
LEFT JOIN v_article_bureaus b USING (article_id)
WHERE f.kind = 'money' AND f.role = 'cap';

-- Application, consultation and eligibility windows: a window_start paired with the next
-- window_end of the same sentence, and lone deadlines.
CREATE VIEW v_application_windows AS
WITH d AS (
    SELECT f.*, lead(role) OVER w AS next_role, lead(value_text) OVER w AS next_value
    FROM v_facts f WHERE kind = 'date'
    WINDOW w AS (PARTITION BY doc_id, sentence ORDER BY char_start)
)
SELECT doc_title AS document, doc_number, article_label,
       CASE WHEN role = 'window_start' THEN value_text END AS opens,
       CASE WHEN role = 'window_start' AND next_role = 'window_end' THEN next_value
            WHEN role IN ('window_end', 'deadline') THEN value_text END AS closes,
       role AS kind, sentence, doc_id
FROM d
WHERE role = 'window_start'
   OR role = 'deadline'
   OR (role = 'window_end' AND NOT EXISTS (
        SELECT 1 FROM facts s WHERE s.doc_id = d.doc_id AND s.role = 'window_start'
          AND s.sentence = d.sentence AND s.char_start < d.char_start));

-- Policies in force on a date (default today): the latest version of each policy that is
-- issued, not expired, not a draft, and not repealed by a catalog document in effect by then.
CREATE MACRO policies_in_force(as_of := current_date) AS TABLE
SELECT d.doc_id, d.doc_number, d.title, d.doc_type, d.issuer, d.issued_date,
       d.effective_date, d.expiry_date
FROM v_documents d
WHERE NOT d.is_draft
  AND coalesce(d.effective_date, d.issued_date, DATE '1900-01-01') <= as_of
  AND (d.expiry_date IS NULL OR d.expiry_date >= as_of)
  AND NOT EXISTS (
      SELECT 1 FROM relations r JOIN documents by_doc ON by_doc.doc_id = r.from_doc_id
      WHERE r.kind = 'repeals' AND NOT by_doc.is_draft
        AND coalesce(by_doc.effective_date, by_doc.issued_date, DATE '1900-01-01') <= as_of
        AND (r.to_doc_id = d.doc_id OR r.to_doc_number = d.doc_number))
QUALIFY row_number() OVER (PARTITION BY d.policy_key
                           ORDER BY d.issued_date DESC NULLS LAST, d.ingested_at DESC, d.doc_id) = 1;

CREATE VIEW v_policies_in_force AS SELECT * FROM policies_in_force();

-- Measures (articles with a money fact) and money per bureau.
CREATE VIEW v_bureau_workload AS
WITH money AS (
    SELECT f.article_id, f.doc_id, f.value_num, f.role FROM v_facts f WHERE f.kind = 'money'
), per_bureau AS (
    SELECT unnest(string_split(b.bureaus, '；')) AS bureau, m.*
    FROM money m JOIN v_article_bureaus b USING (article_id)
    WHERE b.bureaus IS NOT NULL
)
SELECT bureau, count(DISTINCT doc_id) AS documents, count(DISTINCT article_id) AS measures,
       count(*) FILTER (WHERE role = 'cap') AS caps,
       max(value_num) FILTER (WHERE role = 'cap') AS largest_cap_yuan,
       sum(value_num) FILTER (WHERE role IN ('cap', 'award')) AS money_caps_and_awards_yuan
FROM per_bureau GROUP BY bureau;
