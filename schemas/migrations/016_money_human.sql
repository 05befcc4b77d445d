-- Money as an analyst reads it, beside the exact yuan: 3000000 → '300万元', 120000000 → '1.2亿元',
-- 5000 → '5000元', as alerts word it (flows/alerts/text.py format_yuan). Digits are cut from the
-- exact micro-yuan, never from a float, so 15000.5 is '1.50005万元' and no amount gains a digit.
CREATE MACRO yuan_in_unit(yuan, unit) AS
    CAST(replace(CAST(try_cast(yuan AS DECIMAL(38, 6)) AS VARCHAR), '.', '')::HUGEINT
         // (unit * 1000000::HUGEINT) AS VARCHAR)
    || CASE WHEN replace(CAST(try_cast(yuan AS DECIMAL(38, 6)) AS VARCHAR), '.', '')::HUGEINT
                 % (unit * 1000000::HUGEINT) = 0 THEN ''
            ELSE '.' || rtrim(lpad(CAST(replace(CAST(try_cast(yuan AS DECIMAL(38, 6)) AS VARCHAR), '.', '')::HUGEINT
                                        % (unit * 1000000::HUGEINT) AS VARCHAR),
                                   CAST(length(CAST(unit * 1000000::HUGEINT AS VARCHAR)) - 1 AS INTEGER), '0'), '0') END;

CREATE MACRO money_human(yuan) AS CASE
    WHEN yuan >= 100000000 THEN yuan_in_unit(yuan, 100000000) || '亿元'
    WHEN yuan >= 10000 THEN yuan_in_unit(yuan, 10000) || '万元'
    WHEN yuan IS NOT NULL THEN yuan_in_unit(yuan, 1) || '元' END;

-- A changed amount in both units: the exact yuan of each side and its 万元/亿元 words.
CREATE OR REPLACE VIEW v_revision_changes AS
SELECT r.family_id, o.doc_number AS old_doc_number, n.doc_number AS new_doc_number,
       n.title AS new_title, c.subject, c.kind, c.old_label, c.new_label, c.fact_kind, c.role,
       c.summary, c.revision_id, c.seq, r.old_doc_id, r.new_doc_id,
       CASE WHEN k.value_unit = 'yuan' THEN c.old_value_num END AS old_yuan,
       CASE WHEN k.value_unit = 'yuan' THEN money_human(c.old_value_num) END AS old_money,
       CASE WHEN k.value_unit = 'yuan' THEN c.new_value_num END AS new_yuan,
       CASE WHEN k.value_unit = 'yuan' THEN money_human(c.new_value_num) END AS new_money
FROM revision_changes c
JOIN revisions r USING (revision_id)
JOIN documents o ON o.doc_id = r.old_doc_id
JOIN documents n ON n.doc_id = r.new_doc_id
LEFT JOIN fact_kinds k ON k.kind = c.fact_kind
WHERE c.kind NOT IN ('unchanged', 'not_in_newer');
