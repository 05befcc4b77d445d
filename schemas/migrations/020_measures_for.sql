-- measures_for(...): the verdict of every current measure for a company described by a few typed
-- facts, the SQL counterpart of `gazette match` (extractors/match/) for the conditions SQL can
-- check. A parameter left NULL leaves its conditions unknown; a list given is complete.
--   locations   every place the company is in, broadest included (['经开区', '亦庄新城225平方公里', '北京市'])
--   industries  every industry it is in, broader ones included (['CRO', '医药健康', '科技服务业'])
--   statuses    every status it holds (['高新技术企业', '规上'])
--   revenue_yuan / output_yuan / rd_spend_yuan  last year's figure
--   stage       its most advanced project's stage (临床Ⅱ期); the drug ladder is extractors/data/match.yaml's
-- Alternatives of one kind in one article (CRO、CDMO、CMO; Ⅰ期、Ⅱ期、Ⅲ期; tiers) are met when one is.
-- A measure naming no place is unknown outside the one place its document's bodies govern, and a
-- measure whose own article states no condition is at best `might`, as in the CLI.
CREATE MACRO measures_for(locations := NULL, industries := NULL, statuses := NULL, revenue_yuan := NULL,
                          output_yuan := NULL, rd_spend_yuan := NULL, stage := NULL) AS TABLE
WITH items AS (
    SELECT m.doc_id, m.article_id, u.item.c AS c, u.item.in_scope AS in_scope
    FROM v_measure_eligibility m,
         unnest(list_transform(m.conditions, x -> {'c': x, 'in_scope': false})
                || list_transform(list_filter(m.document_conditions, x -> x.rule = 'document_scope'),
                                  x -> {'c': x, 'in_scope': true})) AS u(item)
), jurisdictions AS (
    SELECT m.doc_id, any_value(b.jurisdiction) AS place
    FROM v_measure_bureaus m JOIN bureaus b ON b.canonical = m.parent_bureau
    WHERE b.jurisdiction IS NOT NULL GROUP BY m.doc_id HAVING count(DISTINCT b.jurisdiction) = 1
), implied AS (
    SELECT m.doc_id, m.article_id, true AS in_scope,
           CASE WHEN locations IS NOT NULL AND list_contains(locations, j.place) THEN 'met' ELSE 'unknown' END AS state,
           '(issued for ' || j.place || ')' AS text
    FROM v_measure_eligibility m JOIN jurisdictions j USING (doc_id)
    WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.article_id = m.article_id AND i.c.kind = 'location')
), ladder AS (
    SELECT ['临床Ⅰ期', '临床Ⅱ期', '临床Ⅲ期', '上市申请受理', '获得药品注册证书'] AS stages
), figures AS (
    SELECT *, CASE c.kind WHEN 'revenue' THEN revenue_yuan WHEN 'output' THEN output_yuan
                          WHEN 'rd_spend' THEN rd_spend_yuan END::DECIMAL(20, 6) AS figure
    FROM items WHERE c.kind <> 'combination'
), states AS (
    SELECT doc_id, article_id, in_scope, c.kind, c.text,
           CASE WHEN c.kind = 'status' OR NOT c.parsed THEN c.kind || ':' || coalesce(c.value_text, c.text)
                WHEN c.op IS NOT NULL THEN c.kind || ':' || left(c.op, 1) || coalesce(c.value_text, '')
                ELSE c.kind END AS alternatives,
           CASE
               WHEN NOT c.parsed THEN 'unknown'
               WHEN c.kind = 'location' THEN CASE WHEN locations IS NULL OR c.value_text = '本地' THEN 'unknown'
                   WHEN list_contains(locations, c.value_text) THEN 'met' ELSE 'fails' END
               WHEN c.kind = 'industry' THEN CASE WHEN industries IS NULL THEN 'unknown'
                   WHEN list_contains(industries, c.value_text) THEN 'met' ELSE 'fails' END
               WHEN c.kind = 'status' THEN CASE WHEN statuses IS NULL THEN 'unknown'
                   WHEN list_contains(statuses, c.value_text) THEN 'met' ELSE 'fails' END
               WHEN c.kind = 'project_stage' THEN CASE WHEN stage IS NULL THEN 'unknown'
                   WHEN c.value_text = stage THEN 'met'
                   WHEN list_position((SELECT stages FROM ladder), c.value_text) IS NOT NULL
                        AND list_position((SELECT stages FROM ladder), stage)
                            >= list_position((SELECT stages FROM ladder), c.value_text) THEN 'met'
                   ELSE 'fails' END
               WHEN figure IS NULL OR coalesce(c.basis_year, 'previous_year') NOT IN ('previous_year', 'annual')
                    OR c.value_text = '增量' THEN 'unknown'
               WHEN CASE c.op WHEN '>=' THEN figure >= c.value_num WHEN '>' THEN figure > c.value_num
                              WHEN '<=' THEN figure <= c.value_num WHEN '<' THEN figure < c.value_num END
                   THEN CASE WHEN c.value_text = '首次' THEN 'unknown' ELSE 'met' END
               ELSE 'fails'
           END AS state
    FROM figures
), checks AS (
    SELECT doc_id, article_id, in_scope,
           CASE WHEN bool_or(state = 'met') THEN 'met' WHEN bool_or(state = 'unknown') THEN 'unknown'
                ELSE 'fails' END AS state,
           string_agg(DISTINCT text, ' / ' ORDER BY text) AS text
    FROM states GROUP BY doc_id, article_id, in_scope, alternatives
    UNION ALL
    SELECT * FROM implied
)
SELECT m.document, m.doc_number, m.article_label,
       CASE WHEN list_contains(list(k.state), 'fails') THEN 'does_not'
            WHEN list_contains(list(k.state), 'unknown') OR NOT coalesce(bool_or(NOT k.in_scope), false) THEN 'might'
            ELSE 'qualifies' END AS verdict,
       coalesce(list(k.text ORDER BY k.text) FILTER (WHERE k.state = 'fails'), []) AS failing,
       coalesce(list(k.text ORDER BY k.text) FILTER (WHERE k.state = 'unknown'), []) AS unknown,
       m.is_draft, m.doc_id, m.article_id
FROM v_measure_eligibility m
LEFT JOIN checks k USING (doc_id, article_id)
GROUP BY ALL;
