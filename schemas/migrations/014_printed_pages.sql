-- The page a reader cites is the one the gazette prints (`— 74 —`), not the PDF's own index: a
-- document keeps where each of its pages begins in its text and the number that page prints, and
-- its articles and facts the printed page they begin on. `page_source` says where the numbers come
-- from: 'footer' (printed on the page), 'pdf_index' (the PDF prints none it can be trusted for) or
-- 'toc_start' (a text rendition without a PDF: its issue's table of contents, first page only).
ALTER TABLE documents ADD COLUMN printed_page_start INTEGER;
ALTER TABLE documents ADD COLUMN printed_page_end INTEGER;
ALTER TABLE documents ADD COLUMN page_source VARCHAR;
ALTER TABLE documents ADD COLUMN page_offsets INTEGER[];   -- where each page begins in `text`; the first is 0
ALTER TABLE documents ADD COLUMN page_numbers INTEGER[];   -- the number each of those pages prints
ALTER TABLE articles ADD COLUMN printed_page INTEGER;
ALTER TABLE facts ADD COLUMN printed_page INTEGER;
-- The 款 of its 第X条 a fact stands in (第四十五条第二款), in a 条 of two 款 or more; 款 are no articles.
ALTER TABLE facts ADD COLUMN paragraph INTEGER;

-- The printed page holding a character offset of a document's text.
CREATE MACRO printed_page_at(page_offsets, page_numbers, pos) AS
    page_numbers[greatest(1, len(list_filter(page_offsets, o -> o <= pos)))];

-- An article's labels as an analyst cites them: `二/(二)/10` → `第二部分（二）10`, `第二章/第五条/（一）` →
-- `第五条（一）` (a 条's number is the document's own: its 编, 章 and 节 go; a bare 一、 heads a
-- part of the document; brackets as the full-width ones printed), with the 款 after its 条:
-- `citation_label('第四十五条', 2)` → `第四十五条第二款`.
CREATE MACRO citation_label(path_label, paragraph := NULL) AS array_to_string(list_transform(
    list_filter(string_split(path_label, '/'), part -> NOT (regexp_full_match(part, '第.+[编章节]')
                                                            AND regexp_matches(path_label, '第[^/]+条'))),
    part -> CASE WHEN regexp_full_match(part, '[一二三四五六七八九十百零〇]+') THEN '第' || part || '部分'
                 WHEN regexp_full_match(part, '第.+条') AND paragraph IS NOT NULL
                     THEN part || '第' || coalesce(['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一',
                         '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十'][paragraph],
                         paragraph::VARCHAR) || '款'
                 ELSE replace(replace(part, '(', '（'), ')', '）') END), '');

-- How an analyst cites a fact: the policy's title in 《》, the article's labels as printed, and the
-- gazette issue and its printed page; a document outside an issue gives its 文号 instead, and
-- `page_source` says whether the page is printed on it or only its table of contents' first page.
CREATE OR REPLACE VIEW v_fact_citations AS
SELECT f.fact_id, f.doc_id, f.kind, f.text, f.printed_page, d.page_source,
       '《' || d.title || '》' || coalesce(citation_label(a.path_label, f.paragraph), '')
       || CASE WHEN i.issue_id IS NOT NULL OR d.doc_number IS NOT NULL OR f.printed_page IS NOT NULL
               THEN '，' || coalesce(i.publication || i.year || '年第' || i.issue_no || '期', d.doc_number, '')
                    || coalesce('第' || f.printed_page || '页', '') ELSE '' END AS citation
FROM facts f
JOIN documents d USING (doc_id)
LEFT JOIN articles a ON a.article_id = f.article_id
LEFT JOIN issues i ON i.issue_id = d.issue_id;
