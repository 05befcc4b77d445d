-- Policy terms (CRO, 1类新药, 医疗器械…) each article names, so analysts can ask which measures
-- fund a given kind of target; v_money_caps gains the terms of the cap's article.

CREATE TABLE policy_terms (
    doc_id       VARCHAR NOT NULL,
    article_id   VARCHAR,                      -- deepest article holding the mention
    term         VARCHAR NOT NULL,             -- canonical: CRO, 1类新药, 医疗器械
    category     VARCHAR NOT NULL,             -- service_org, drug, device, therapy, stage, …
    text         VARCHAR NOT NULL,             -- documents.text[char_start:char_end]
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL
);

-- The terms of an article and of its ancestors (a measure's heading names what its items fund).
CREATE VIEW v_article_terms AS
SELECT a.article_id, a.doc_id,
       list_sort(list_distinct(list(t.term) FILTER (WHERE t.term IS NOT NULL))) AS terms
FROM articles a
LEFT JOIN articles p ON p.article_id = a.parent_id
LEFT JOIN policy_terms t ON t.article_id IN (a.article_id, a.parent_id, p.parent_id)
GROUP BY a.article_id, a.doc_id;

CREATE OR REPLACE VIEW v_money_caps AS
SELECT f.doc_title AS document, f.doc_number, f.article_label, f.sentence,
       f.value_num AS cap_yuan, f.scope, f.condition,
       coalesce(b.bureaus, (SELECT string_agg(DISTINCT value_text, '；') FROM facts x
                            WHERE x.doc_id = f.doc_id AND x.kind = 'bureau')) AS bureau,
       coalesce(t.terms, []) AS terms,
       f.is_draft, f.doc_id, f.fact_id, f.text
FROM v_facts f
LEFT JOIN v_article_bureaus b USING (article_id)
LEFT JOIN v_article_terms t USING (article_id)
WHERE f.kind = 'money' AND f.role = 'cap';
