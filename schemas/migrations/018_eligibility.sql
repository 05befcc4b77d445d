-- Eligibility conditions as data (extractors/eligibility/): what a company must be or have for a
-- measure, typed so that a matcher can compare a company profile with them.

CREATE TABLE eligibility_conditions (
    condition_id VARCHAR NOT NULL,
    doc_id       VARCHAR NOT NULL,
    article_id   VARCHAR,                      -- deepest article holding the condition
    kind         VARCHAR NOT NULL,             -- location, industry, revenue, output, investment, rd_spend,
                                               -- tax, headcount, company_age, status, project_stage,
                                               -- combination, other (unparsed)
    op           VARCHAR,                      -- >=, >, <, <= for a threshold or cap
    value_num    DECIMAL(20, 6),               -- in `unit`
    unit         VARCHAR,                      -- yuan, persons, years, months
    value_text   VARCHAR,                      -- canonical named condition (经开区, 高新技术企业, 临床Ⅱ期);
                                               -- 首次 / 增量 for a threshold first reached / on the increase
    basis_year   VARCHAR,                      -- previous_year, annual, last_2_years, last_3_years
    rule         VARCHAR,                      -- combination rule code; document_scope for a scope clause
    parsed       BOOLEAN NOT NULL,             -- false: a condition sentence kept as text, kind 'other'
    text         VARCHAR NOT NULL,             -- documents.text[char_start:char_end]
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL
);

-- One row per measure: an article stating conditions or money, with the conditions stated in it or
-- its two nearest ancestors (`conditions`), and those of its document's scope clauses
-- and its rules for combining with other support (`document_conditions`: 本意见适用于…, 择优不重复),
-- each as a struct.
CREATE OR REPLACE VIEW v_measure_eligibility AS
WITH measures AS (
    SELECT a.article_id FROM articles a
    WHERE EXISTS (SELECT 1 FROM eligibility_conditions c WHERE c.article_id = a.article_id)
       OR EXISTS (SELECT 1 FROM facts f WHERE f.article_id = a.article_id AND f.kind = 'money'
                                         AND f.role IN ('cap', 'award'))
), conditions AS (
    SELECT c.*, struct_pack(kind := c.kind, op := c.op, value_num := c.value_num, unit := c.unit,
                            value_text := c.value_text, basis_year := c.basis_year, rule := c.rule,
                            parsed := c.parsed, text := c.text, condition_id := c.condition_id) AS item
    FROM eligibility_conditions c
), document_wide AS (
    SELECT doc_id, list(item ORDER BY char_start) AS items FROM conditions
    WHERE rule IN ('document_scope', 'best_not_cumulative')
    GROUP BY doc_id
)
SELECT d.title AS document, d.doc_number, a.path_label AS article_label,
       coalesce((SELECT list(c.item ORDER BY c.char_start) FROM conditions c
                 WHERE c.article_id IN (a.article_id, a.parent_id, p.parent_id)
                   AND c.rule IS DISTINCT FROM 'document_scope'
                   AND c.rule IS DISTINCT FROM 'best_not_cumulative'), []) AS conditions,
       coalesce(w.items, []) AS document_conditions,
       d.is_draft, a.doc_id, a.article_id
FROM measures m
JOIN articles a USING (article_id)
JOIN v_documents d ON d.doc_id = a.doc_id
LEFT JOIN articles p ON p.article_id = a.parent_id
LEFT JOIN document_wide w ON w.doc_id = a.doc_id;
