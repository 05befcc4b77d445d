-- Values of any size a text states. DECIMAL(20, 6) held less than 10^14 yuan: 8062357亿元 did not
-- fit, and its whole source was quarantined. The value columns widen to DECIMAL(38, 6) (less than
-- 10^32 yuan, to six places); the views read them as they are, so only the one that sums them is
-- made again. DuckDB changes a column's type in place, views and keys notwithstanding.

ALTER TABLE facts ALTER value_num TYPE DECIMAL(38, 6);
ALTER TABLE revision_changes ALTER old_value_num TYPE DECIMAL(38, 6);
ALTER TABLE revision_changes ALTER new_value_num TYPE DECIMAL(38, 6);

-- A fact the catalog cannot hold (a value of 10^32 yuan or more, or any other value its columns'
-- types refuse) is left out, recorded here with its exact value; its document and source are kept.
CREATE TABLE fact_warnings (
    source_id    VARCHAR NOT NULL,
    doc_id       VARCHAR NOT NULL,
    fact_id      VARCHAR NOT NULL,             -- the id the fact would have had
    kind         VARCHAR,
    text         VARCHAR,                      -- documents.text[char_start:char_end]
    value        VARCHAR,                      -- its exact value as text: value_num, else value_text
    reason       VARCHAR NOT NULL,             -- the column that refused it, and why
    char_start   BIGINT,
    char_end     BIGINT
);

-- Measures (articles with a money fact) and money per bureau. The total is summed to the 分:
-- a sum of DECIMAL(38, 6) overflows at 1.7 × 10^32 (two of the largest facts), of
-- DECIMAL(38, 2) at 1.7 × 10^36.
CREATE OR REPLACE VIEW v_bureau_workload AS
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
       sum(value_num::DECIMAL(38, 2)) FILTER (WHERE role IN ('cap', 'award')) AS money_caps_and_awards_yuan
FROM per_bureau GROUP BY bureau;
