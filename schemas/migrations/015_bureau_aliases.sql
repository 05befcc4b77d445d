-- Other names of a body, for analysts to fold: facts keep a name as written (经开区管委会, 工信部:
-- the gold labels surface names), the loader fills this table from extractors/data/bureaus.yaml
-- (aliases and abbreviations) on every ingest, as it does `bureaus`.
CREATE TABLE bureau_aliases (
    alias      VARCHAR PRIMARY KEY,
    canonical  VARCHAR NOT NULL               -- a bureaus.canonical
);

-- The one body a bureau name stands for: an alias's canonical (经开区管委会 and
-- 北京经济技术开发区管理委员会 are one), a gazetteer body itself, a division (市科委、中关村管委会促进处)
-- the canonical of the longest known name it begins with, else the name as given. A name that only
-- begins with a known one (商务部门, 商务部) is no division of it.
CREATE MACRO bureau_canonical(name) AS coalesce(
    (SELECT a.canonical FROM bureau_aliases a WHERE a.alias = name),
    (SELECT b.canonical FROM bureaus b WHERE b.canonical = name),
    (SELECT arg_max(coalesce(a.canonical, k.known), length(k.known))
     FROM (SELECT canonical AS known FROM bureaus UNION ALL SELECT alias FROM bureau_aliases) k
     LEFT JOIN bureau_aliases a ON a.alias = k.known
     WHERE starts_with(name, k.known)
       AND regexp_full_match(name[length(k.known) + 1:], '\p{Han}{1,12}(?:处|科|室|司|中心)')),
    name);
