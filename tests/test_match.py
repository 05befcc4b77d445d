"""`gazette match`: the matcher on synthetic conditions, profile errors, the three profiles of
issue #23 against the texts of data/samples (each verdict with the sentence that makes it right),
and the `measures_for` macro agreeing with the CLI."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extractors.match import match_measure, money_total, read_profile
from extractors.match.money import measure_amount
from flows.cli.main import main
from schemas.errors import ProfileError
from schemas.match import Measure, MeasureCondition, MoneyAmount

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "examples" / "profiles"
TODAY = date(2026, 1, 15)
MEDICINE = "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见"
CHANGPING = "中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）"
TECH_SERVICES = "北京市支持科技服务业高质量发展若干措施"
SERVICE_GUIDE = "2026年经开区医药科技服务机构认定办事指南"
RECOVERY = "北京经济技术开发区关于推动经济持续回升向好的若干措施"


def profile(**fields):
    return read_profile({"as_of": TODAY, **fields}, "test.toml", TODAY)


def named(kind: str, value: str, scope: bool = False) -> MeasureCondition:
    return MeasureCondition(kind=kind, text=value, value_text=value, scope=scope)


def threshold(kind: str, op: str, yuan: int, basis: str | None = "previous_year", qualifier: str | None = None):
    return MeasureCondition(kind=kind, text=f"{kind} {op} {yuan}", op=op, value_num=Decimal(yuan), unit="yuan",
                            basis_year=basis, value_text=qualifier)


def measure(*conditions, money=(), rules=(), doc_id="d", article="1", jurisdiction=None) -> Measure:
    return Measure(doc_id=doc_id, article_id=f"{doc_id}/{article}", document="《测试》", doc_number=None,
                   article_label=article, conditions=tuple(conditions), document_rules=tuple(rules),
                   money=tuple(money), jurisdiction=jurisdiction)


def verdict(p, *conditions, **kw) -> str:
    return match_measure(p, measure(*conditions, **kw)).verdict


def amount(yuan: int, scope: str | None = None, sentence: str = "s1", role: str = "cap") -> MoneyAmount:
    return MoneyAmount(Decimal(yuan), role, scope, f"{yuan}元", f"citation {yuan}", sentence)


# --- the matcher on synthetic conditions ---

def test_a_place_is_met_by_a_company_in_a_place_within_it():
    in_jingkai = profile(registered_in="经开区")
    assert verdict(in_jingkai, named("location", "亦庄新城225平方公里")) == "qualifies"
    assert verdict(in_jingkai, named("location", "北京市")) == "qualifies"
    assert verdict(in_jingkai, named("location", "昌平区")) == "does_not"
    assert verdict(profile(registered_in="北京市"), named("location", "经开区")) == "does_not"
    assert verdict(profile(operates_in=["昌平区"]), named("location", "北京市")) == "qualifies"


def test_a_profile_silent_on_a_kind_leaves_it_unknown():
    silent = profile()
    assert verdict(silent, named("location", "经开区")) == "might"
    assert verdict(silent, named("status", "高新技术企业")) == "might"
    assert verdict(silent, threshold("revenue", ">=", 10_000_000)) == "might"
    assert verdict(silent, named("project_stage", "临床Ⅱ期")) == "might"


def test_industries_include_their_broader_ones():
    cro = profile(industries=["CRO"])
    assert verdict(cro, named("industry", "医药健康")) == "qualifies"
    assert verdict(cro, named("industry", "科技服务业")) == "qualifies"
    assert verdict(cro, named("industry", "工业")) == "does_not"


def test_alternatives_of_a_kind_are_met_by_one_and_statuses_are_each_required():
    cmo = profile(industries=["CMO"], statuses=["独立法人"])
    assert verdict(cmo, named("industry", "CRO"), named("industry", "CDMO"), named("industry", "CMO")) == "qualifies"
    assert verdict(cmo, named("status", "区域总部"), named("status", "独立法人")) == "does_not"


def test_stages_follow_the_drug_ladder():
    phase_three = profile(projects=[{"name": "X", "stage": "临床Ⅲ期"}])
    phase_one = profile(projects=[{"name": "X", "stage": "临床Ⅰ期", "reached": ["非注册性临床试验"]}])
    assert verdict(phase_three, named("project_stage", "临床Ⅱ期")) == "qualifies"
    assert verdict(phase_three, named("project_stage", "获得药品注册证书")) == "does_not"
    assert verdict(phase_one, named("project_stage", "临床Ⅱ期")) == "does_not"
    assert verdict(phase_one, named("project_stage", "非注册性临床试验")) == "qualifies"
    assert verdict(phase_one, named("project_stage", "落地生产")) == "does_not"
    assert verdict(profile(projects=[]), named("project_stage", "临床Ⅰ期")) == "does_not"
    assert verdict(profile(projects=[{"stage": "新获批上市"}]), named("project_stage", "临床Ⅲ期")) == "qualifies"


def test_thresholds_with_their_ops_and_years():
    p = profile(revenue={"previous_year": "3000万元", "2024": 20_000_000}, rd_spend={"2025": 6_000_000, "2024": 5_000_000})
    assert verdict(p, threshold("revenue", ">=", 30_000_000)) == "qualifies"
    assert verdict(p, threshold("revenue", ">", 30_000_000)) == "does_not"
    assert verdict(p, threshold("revenue", "<", 30_000_000)) == "does_not"  # 营业收入不足3000万元
    assert verdict(p, threshold("rd_spend", ">=", 10_000_000, "last_2_years")) == "qualifies"  # 上两年…总额
    assert verdict(p, threshold("rd_spend", ">=", 10_000_000, "last_3_years")) == "might"  # 2023 not given
    assert verdict(p, threshold("revenue", ">", 9_000_000, qualifier="增量")) == "qualifies"
    assert verdict(p, threshold("revenue", ">", 11_000_000, qualifier="增量")) == "does_not"
    assert verdict(p, threshold("revenue", ">=", 25_000_000, qualifier="首次")) == "qualifies"
    assert verdict(p, threshold("revenue", ">=", 15_000_000, qualifier="首次")) == "does_not"  # reached in 2024
    assert verdict(profile(revenue={"previous_year": 3}), threshold("revenue", ">=", 1, qualifier="首次")) == "might"


def test_a_lower_and_an_upper_bound_both_hold_and_tiers_need_one():
    p = profile(revenue={"previous_year": 50_000_000})
    assert verdict(p, threshold("revenue", ">=", 10_000_000), threshold("revenue", "<", 40_000_000)) == "does_not"
    assert verdict(p, threshold("revenue", ">", 100_000_000, qualifier="首次"),
                   threshold("revenue", ">", 1_000_000_000, qualifier="首次")) == "does_not"
    assert verdict(p, threshold("revenue", ">=", 30_000_000), threshold("revenue", ">=", 100_000_000)) == "qualifies"


def test_headcount_and_company_age():
    young = profile(founded=date(2023, 6, 1), headcount=12)
    age = MeasureCondition(kind="company_age", text="近三年新设立", op="<=", value_num=Decimal(3), unit="years")
    heads = MeasureCondition(kind="headcount", text="不少于10人", op=">=", value_num=Decimal(10), unit="persons")
    assert verdict(young, age, heads) == "qualifies"
    assert verdict(profile(founded=date(2020, 1, 1)), age) == "does_not"


def test_unparsed_conditions_are_unknown_unless_a_fact_decides_them():
    other = MeasureCondition(kind="other", text="拥有固定经营场所，场地面积原则上不低于500平方米", parsed=False)
    assert verdict(profile(), other) == "might"
    assert verdict(profile(facts={"固定经营场所": True}), other) == "qualifies"
    assert verdict(profile(facts={"固定经营场所": False}), other) == "does_not"


def test_a_scope_clause_alone_does_not_make_a_company_qualify():
    p = profile(registered_in="经开区")
    assert verdict(p, named("location", "经开区", scope=True)) == "might"
    assert verdict(p, named("location", "经开区", scope=True), named("industry", "CRO")) == "might"
    assert verdict(p, named("location", "昌平区", scope=True), named("industry", "CRO")) == "does_not"


def test_a_measure_naming_no_place_is_unknown_outside_its_issuers_jurisdiction():
    cro = profile(registered_in="经开区", industries=["CRO"])
    assert verdict(cro, named("industry", "CRO"), jurisdiction="昌平区") == "might"
    assert verdict(cro, named("industry", "CRO"), jurisdiction="北京市") == "qualifies"
    assert verdict(cro, named("industry", "CRO"), named("location", "北京市"), jurisdiction="昌平区") == "qualifies"


def test_a_yearly_cap_bounds_its_sentence_or_the_whole_article():
    # 京技管发〔2025〕9号 10.: the 200万元 yearly cap is the 服务券's; the next sentence gives up to 500万元.
    vouchers = [amount(50_000_000, sentence="a", role="budget"), amount(2_000_000, "per_enterprise_per_year", "a"),
                amount(5_000_000, sentence="b")]
    assert measure_amount(tuple(vouchers)).yuan == 5_000_000
    # 二/(一)/3: 单个企业每年支持额度不超过 1 亿元。 stands alone and bounds the awards above it.
    drugs = [amount(40_000_000, sentence="a", role="award"), amount(100_000_000, "per_enterprise_per_year", "c")]
    assert measure_amount(tuple(drugs)).yuan == 40_000_000
    assert measure_amount((amount(30_000_000, sentence="a"), amount(3_000_000, "per_enterprise_per_year", "b"))).yuan \
        == 3_000_000
    assert measure_amount((amount(2_000_000, "per_enterprise_per_year"),)).yuan == 2_000_000
    assert measure_amount(()) is None


def test_tiers_a_fenbie_pairs_with_amounts_pay_only_what_is_reached():
    text = "进入Ⅰ期、Ⅱ期、Ⅲ期临床试验，每个品种分别给予50万元、100万元、200万元的奖励；"
    stages = [MeasureCondition(kind="project_stage", text=f"{n}期", value_text=f"临床{n}期", char_start=100 + i,
                               char_end=102 + i) for n, i in (("Ⅰ", 2), ("Ⅱ", 5), ("Ⅲ", 8))]
    money = [MoneyAmount(Decimal(y), "award", None, t, "c", text, 100 + text.index(t), 100 + text.index(t) + len(t))
             for y, t in ((500_000, "50万元"), (1_000_000, "100万元"), (2_000_000, "200万元"))]
    tiered = Measure(doc_id="d", article_id="d/1", document="《测试》", doc_number=None, article_label="1",
                     conditions=tuple(stages), money=tuple(money), text=text, text_start=100)
    at = {stage: match_measure(profile(projects=[{"stage": stage}]), tiered).amount.yuan
          for stage in ("临床Ⅰ期", "临床Ⅱ期", "临床Ⅲ期")}
    assert at == {"临床Ⅰ期": 500_000, "临床Ⅱ期": 1_000_000, "临床Ⅲ期": 2_000_000}
    assert match_measure(profile(), tiered).amount.yuan == 2_000_000  # stage unknown: the most
    # no project: it does not qualify, and the measure still shows what it gives
    assert match_measure(profile(projects=[]), tiered).amount.yuan == 2_000_000
    # 京技管发〔2025〕9号 3.: three stages in the clause for two amounts do not pair.
    unpaired = Measure(doc_id="d", article_id="d/1", document="《测试》", doc_number=None, article_label="1",
                       conditions=tuple(stages[:2]), money=tuple(money), text=text, text_start=100)
    assert match_measure(profile(projects=[{"stage": "临床Ⅰ期"}]), unpaired).amount.yuan == 2_000_000


def test_best_not_cumulative_counts_only_a_documents_largest_measure():
    rule = MeasureCondition(kind="combination", text="择优不重复", rule="best_not_cumulative")
    p = profile(industries=["CRO"])
    cro = named("industry", "CRO")
    verdicts = [match_measure(p, measure(cro, money=[amount(y)], rules=[rule], doc_id="a", article=str(y)))
                for y in (1_000_000, 5_000_000)]
    verdicts.append(match_measure(p, measure(cro, money=[amount(2_000_000)], doc_id="b")))
    total = money_total(verdicts)
    assert total.yuan == 7_000_000
    assert [v.measure.article_label for v, _ in total.left_out] == ["1000000"]


# --- profiles that are wrong ---

@pytest.mark.parametrize(("data", "field"), [
    ({"revenu": {"previous_year": 1}}, "`revenu`"),
    ({"statuses": ["高企业"]}, "`statuses`"),
    ({"registered_in": "海淀"}, "`registered_in`"),
    ({"revenue": {"last_year": 1}}, "`revenue.last_year`"),
    ({"revenue": {"2025": "三千万"}}, "`revenue.2025`"),
    ({"founded": "2017-13-01"}, "`founded`"),
    ({"headcount": "60"}, "`headcount`"),
    ({"projects": [{"stage": "二期"}]}, "`projects[0].stage`"),
    ({"facts": {"固定经营场所": "yes"}}, "`facts`"),
], ids=["field", "status", "place", "year", "amount", "date", "count", "stage", "facts"])
def test_a_bad_profile_names_the_file_and_the_field(data, field):
    with pytest.raises(ProfileError) as error:
        read_profile(data, "cro.toml", TODAY)
    assert str(error.value).startswith(f"cro.toml: {field}: ")


def test_a_bad_profile_file_is_one_error_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('registered_in = "经开区"\nstatuses = ["高新技术企业", "独角兽企业"]\n', encoding="utf-8")
    assert main(["--db", str(tmp_path / "none.duckdb"), "match", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"gazette: {bad}: `statuses`: unknown status '独角兽企业'")
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert main(["match", str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"gazette: {broken}: not valid JSON")


# --- the three profiles of issue #23, against the texts ---

def matched(corpus_catalog, capsys, name: str) -> dict:
    assert main(["--db", str(corpus_catalog[0]), "match", str(PROFILES / name), "--format", "json", "--all"]) == 0
    return json.loads(capsys.readouterr().out)


def verdicts_of(result: dict) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {(m["document"], m["article"]): (m["verdict"], m["amount"] and m["amount"]["yuan"])
            for m in result["measures"]}


def test_a_cro_in_jingkai_with_30_million_revenue(corpus_catalog, capsys):
    result = matched(corpus_catalog, capsys, "cro-jingkai.toml")
    got = verdicts_of(result)
    # 9号 10.: "对科技服务业企业年营业收入增量部分按标准给予支持,年支持额度最高不超过 500 万元" — a CRO is
    # one of the 科技服务业机构 the article lists, and 四/1 "本意见适用于在亦庄新城 225 平方公里范围内" holds.
    assert got[(MEDICINE, "二/(二)/10")] == ("qualifies", "5000000")
    # 办事指南 三/（二）/1/（1）: "上年度营业收入不低于1000万元" — ¥30 million is more.
    assert got[(SERVICE_GUIDE, "三/（二）/1/（1）")] == ("qualifies", None)
    # 办事指南 三/（一）/2: "合同研发机构(CRO)、合同定制研发生产机构(CDMO)…" — one of them is enough.
    assert got[(SERVICE_GUIDE, "三/（一）/2")] == ("qualifies", None)
    # 办事指南 三/（二）/1/（4）: "上年度研发投入总额不低于500万元" — it spent ¥4 million.
    assert got[(SERVICE_GUIDE, "三/（二）/1/（4）")] == ("does_not", None)
    # 9号 3.: "首次进入临床二期、三期试验…分别一次性给予 1000 万元、3000 万元" — it has no drug of its own.
    assert got[(MEDICINE, "二/(一)/3")][0] == "does_not"
    # 9号 13.: "支持药品批发和零售企业发展,对于营收首次超过1亿元" — neither its trade nor its size.
    assert got[(MEDICINE, "二/(三)/13")][0] == "does_not"
    # 1号 四/7: "“首升规”且…营业收入实现正增长的服务业企业" — it has long been 规上, not newly.
    assert got[(RECOVERY, "四/7")][0] == "does_not"
    # 1号 二/5/(2): "对2024年总产值亿元规模以上建筑业企业" — it builds nothing.
    assert got[(RECOVERY, "二/5/(2)")][0] == "does_not"
    # 昌平 第十五条（一）: "支持CRO、CDMO、CMO等合同外包服务机构发展" names no place, but it is 昌平's
    # 办法 and the CRO is in 经开区: it might, if it operates there.
    assert got[(CHANGPING, "第五章/第十五条/（一）")] == ("might", None)
    # 昌平 第十三条: "对上一年度营业收入不足3000万元" — exactly ¥30 million is not less.
    assert got[(CHANGPING, "第四章/第十三条")][0] == "does_not"
    # 9号 四/2 "择优不重复": of 9号's measures only 10.'s 500万元 counts; nothing else it qualifies for has money.
    assert result["totals"]["qualifies"]["yuan"] == "5000000"


def test_a_changping_biotech_with_a_phase_two_drug(corpus_catalog, capsys):
    result = matched(corpus_catalog, capsys, "biotech-changping.toml")
    got = verdicts_of(result)
    # 昌平 第五条（一）: "进入Ⅰ期、Ⅱ期、Ⅲ期临床试验，每个品种分别给予50万元、100万元、200万元的奖励" — its Phase
    # II drug has entered Ⅱ期: 100万元, not the Ⅲ期 award.
    assert got[(CHANGPING, "第二章/第五条/（一）")] == ("qualifies", "1000000")
    # 昌平 第十三条: "上一年度营业收入不足3000万元、上两年研发投入总额达1000万元以上…的中小微企业" —
    # ¥12 million revenue, ¥9 + 7 million R&D, 中小微企业.
    assert got[(CHANGPING, "第四章/第十三条")] == ("qualifies", None)
    # 昌平 第六条（一）: "获得药品注册证书" — Phase II is not yet approval.
    assert got[(CHANGPING, "第二章/第六条/（一）")][0] == "does_not"
    # 9号 3. pays Phase II drugs, but 四/1: "本意见适用于在亦庄新城 225 平方公里范围内" — 昌平 is not there.
    assert got[(MEDICINE, "二/(一)/3")][0] == "does_not"
    # 昌平 第十七条 "从优不重复": 第十一条（二）'s 100万元 is not added to 第五条（一）'s 100万元.
    assert result["totals"]["qualifies"]["yuan"] == "1000000"
    ids = {(m["document"], m["article"]): m["article_id"] for m in result["measures"]}
    assert [x["article_id"] for x in result["totals"]["qualifies"]["left_out"]] \
        == [ids[(CHANGPING, "第四章/第十一条/（二）")]]


def test_a_beijing_tech_services_firm(corpus_catalog, capsys):
    result = matched(corpus_catalog, capsys, "techservice-beijing.toml")
    got = verdicts_of(result)
    # 科技服务 一/（三）: "对近三年在京新设立独立法人，上年度营业收入增量超过1000万元的规模以上科技服务业企业，
    # 分档给予最高100万元支持" — founded 2023, ¥65 − 40 million more, 规上.
    assert got[(TECH_SERVICES, "一/（三）")] == ("qualifies", "1000000")
    # 一/（一）: "在京设立区域总部或功能性总部" — it is no 区域总部.
    assert got[(TECH_SERVICES, "一/（一）")][0] == "does_not"
    # 二/（九）: "给予应用场景开放单位或应用场景技术供给单位最高1000万元支持" — who is one is not typed.
    assert got[(TECH_SERVICES, "二/（九）")] == ("might", "10000000")
    # 9号 10. is for 科技服务业 too, but only "在亦庄新城 225 平方公里范围内".
    assert got[(MEDICINE, "二/(二)/10")][0] == "does_not"
    assert result["totals"]["qualifies"]["yuan"] == "1000000"


def test_text_output_has_the_sections_the_totals_and_citations(corpus_catalog, capsys):
    assert main(["--db", str(corpus_catalog[0]), "match", str(PROFILES / "cro-jingkai.toml")]) == 0
    out = capsys.readouterr().out
    assert out.index("\nQualifies: ") < out.index("\nMight (a condition unknown): ") < out.index("\nDoes not: ")
    assert f"《{MEDICINE}》二/(二)/10  up to 500万元" in out
    assert f"500 万元: 《{MEDICINE}》第二部分（二）10，北京市人民政府公报2025年第27期第72页" in out
    assert "  qualifies: 500万元 from 1 measure(s)" in out
    assert "more not added under their documents' 择优不重复 rules" in out
    assert "fails: " not in out  # the does-not measures are listed only with --all


# --- the SQL macro ---

def test_the_macro_gives_the_clis_verdicts_for_what_it_checks(corpus_con):
    """A profile of only what measures_for takes: both give every measure the same verdict."""
    from flows.match_rows import JURISDICTION_SQL, MEASURES_SQL, MONEY_SQL, measures_of

    p = profile(registered_in="经开区", industries=["CRO"], statuses=["独立法人", "高新技术企业", "规上", "无重大违法记录"],
                revenue={"previous_year": 30_000_000}, rd_spend={"previous_year": 4_000_000},
                projects=[{"stage": "临床Ⅱ期"}])
    measures = measures_of(corpus_con.execute(MEASURES_SQL).fetchall(), corpus_con.execute(MONEY_SQL).fetchall(),
                           dict(corpus_con.execute(JURISDICTION_SQL).fetchall()))
    cli = {m.article_id: match_measure(p, m).verdict for m in measures}
    sql = dict(corpus_con.execute(
        "select article_id, verdict from measures_for(locations := ['经开区', '亦庄新城225平方公里', '北京市'], "
        "industries := ['CRO', '医药健康', '科技服务业', '现代服务业', '服务业'], "
        "statuses := ['独立法人', '高新技术企业', '规上', '无重大违法记录'], "
        "revenue_yuan := 30000000, rd_spend_yuan := 4000000, stage := '临床Ⅱ期')").fetchall())
    assert sql == cli
    assert {"qualifies", "might", "does_not"} <= set(sql.values())


def test_the_macro_names_failing_and_unknown_conditions(corpus_con):
    rows = corpus_con.execute(
        "select article_label, verdict, failing, unknown from measures_for(revenue_yuan := 30000000) "
        "where document = ? and article_label in ('二/(三)/13', '二/(二)/10') order by 1", [MEDICINE]).fetchall()
    assert rows == [
        ("二/(三)/13", "does_not", ["10亿元 / 营收首次超过1亿元"],  # alternatives in the order of their words
         ["亦庄新城 225 平方公里", "医药健康相关领域", "无近三年重大行政处罚公示信息和刑事犯罪记录", "药品批发和零售企业",
          "首次中标"]),
        ("二/(二)/10", "might", [],
         ["亦庄新城 225 平方公里", "医药健康相关领域", "无近三年重大行政处罚公示信息和刑事犯罪记录", "科技服务业"]),
    ]


def test_a_json_profile_reads_as_its_toml_twin(tmp_path):
    from flows.match_rows import load_profile_file

    toml = PROFILES / "biotech-changping.toml"
    as_toml = read_profile(load_profile_file(toml), "p", TODAY)
    twin = tmp_path / "biotech.json"
    twin.write_text(json.dumps({**load_profile_file(toml), "as_of": "2026-01-15", "founded": "2019-09-01"},
                               ensure_ascii=False), encoding="utf-8")
    assert read_profile(load_profile_file(twin), "p", TODAY) == as_toml
    assert as_toml.yearly["rd_spend"] == {2025: Decimal(9_000_000), 2024: Decimal(7_000_000)}
    assert as_toml.places == ("昌平区",) and as_toml.projects[0].stage == "临床Ⅱ期"


def test_output_tiers_first_reached_pay_the_highest_tier_reached(corpus_catalog, capsys, tmp_path):
    # 昌平 第十二条（三）: "单品种年产值首次突破5000万元、1亿元、5亿元、10亿元、20亿元的企业，分别给予20万元、
    # 40万元、200万元、500万元、1000万元" — ¥120 million, first above 1亿元 in 2025: 40万元.
    grower = tmp_path / "grower.toml"
    grower.write_text('as_of = 2026-01-15\nregistered_in = "昌平区"\nindustries = ["医药健康"]\n'
                      '[output]\nprevious_year = "1.2亿元"\n2024 = "4000万元"\n', encoding="utf-8")
    assert main(["--db", str(corpus_catalog[0]), "match", str(grower), "--format", "json"]) == 0
    got = verdicts_of(json.loads(capsys.readouterr().out))
    assert got[(CHANGPING, "第四章/第十二条/（三）")] == ("qualifies", "400000")
