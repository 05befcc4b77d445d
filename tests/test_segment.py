"""Stage 4 on the real corpus: article trees, labels, headings, offsets and numbering warnings."""
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.clean import clean_text_source
from extractors.segment import article_tree
from extractors.split import split_documents

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
CORPUS = ["beijing-gazette-2025-27.txt", "jjgf-2025-9.txt", "changping-pharma-2025-draft.txt",
          "yizhuang-pharma-service-guide-2026.txt", "beijing-tech-services-2025-draft.txt"]


def _documents():
    docs = {}
    for name in CORPUS:
        _, spans = split_documents(clean_text_source((SAMPLES / name).read_text(encoding="utf-8")))
        for span in spans:
            key = name if len(spans) == 1 else span.doc_number
            docs[key] = span.text
    return docs


DOCS = _documents()
TREES = {key: article_tree(text) for key, text in DOCS.items()}


def children(tree, node=None, kind=None):
    parent = None if node is None else node.seq
    return [n for n in tree.nodes if n.parent_seq == parent and (kind is None or n.kind == kind)]


def find(tree, label, kind=None):
    return next(n for n in tree.nodes if n.label == label and (kind is None or n.kind == kind))


@pytest.mark.parametrize("key", sorted(DOCS))
def test_offsets_and_nesting(key):
    text, tree = DOCS[key], TREES[key]
    by_seq = {n.seq: n for n in tree.nodes}
    assert [n.seq for n in tree.nodes] == list(range(len(tree.nodes)))
    for node in tree.nodes:
        assert node.text == text[node.char_start:node.char_end]
        assert node.char_start < node.char_end
        if node.parent_seq is None:
            assert node.level == 1
            continue
        parent = by_seq[node.parent_seq]
        assert parent.seq < node.seq and node.level == parent.level + 1
        assert parent.char_start <= node.char_start and node.char_end <= parent.char_end
    tops = children(tree)
    for before, after in zip(tops, tops[1:]):
        assert before.char_end < after.char_start


@pytest.mark.parametrize("key", ["京技管发〔2025〕9号", "jjgf-2025-9.txt"])
def test_jjgf_measures_numbered_across_parts(key):
    tree = TREES[key]
    assert tree.warnings == ()
    parts = children(tree)
    assert [(n.kind, n.label, n.heading) for n in parts] == [
        ("section", "一", "总体目标"), ("section", "二", "政策措施"),
        ("section", "三", "保障措施"), ("section", "四", "附则")]
    groups = children(tree, parts[1])
    assert [g.label for g in groups] == ["(一)", "(二)", "(三)", "(四)", "(五)"]
    measures = [m for g in groups for m in children(tree, g)]
    assert [(m.kind, m.label, m.number) for m in measures] == [
        ("subitem", str(i), i) for i in range(1, 21)]
    assert [len(children(tree, g)) for g in groups] == [7, 4, 3, 2, 4]
    assert measures[2].heading == "支持创新药品研发"
    assert measures[12].heading == "支持企业参与集中带量采购,加快药品批发和零售企业发展"
    assert [(n.label, n.number) for n in children(tree, parts[3])] == [(str(i), i) for i in range(1, 5)]
    assert [n.heading for n in children(tree, parts[2])] == ["加强组织领导", "加大宣传力度"]


def test_jjgf_measure_text_runs_to_the_next_measure():
    tree, text = TREES["jjgf-2025-9.txt"], DOCS["jjgf-2025-9.txt"]
    measure = find(tree, "3")
    assert measure.text.startswith("3. 支持创新药品研发。")
    assert measure.text.endswith("(责任单位:生物技术和大健康产业局)")
    assert text[measure.char_end + 1:].startswith("4. 支持高端医疗器械研发。")


def test_incubator_measures_have_39_continuous_articles():
    tree = TREES["京技管发〔2025〕5号"]
    assert tree.warnings == ()
    chapters = children(tree, kind="chapter")
    assert [(c.label, c.heading) for c in chapters] == [
        ("第一章", "总则"), ("第二章", "职责分工"), ("第三章", "认定条件"), ("第四章", "认定与支持"),
        ("第五章", "评价与支持"), ("第六章", "监督与管理"), ("第七章", "促进与引导"), ("第八章", "附则")]
    articles = [a for c in chapters for a in children(tree, c)]
    assert all(a.kind == "article" for a in articles)
    assert [a.number for a in articles] == list(range(1, 40))
    assert (articles[14].label, articles[-1].label) == ("第十五条", "第三十九条")
    assert [a.heading for a in articles[10:15]] == ["自主申报", "情况核查", "公示与确认", "运营支持", "准入支持"]
    assert articles[15].heading is None  # 第十六条 opens with a rule, not a title
    # 附件：… (the list line), then 附件 with its table continued under a repeated header row.
    attachments = children(tree, kind="attachment")
    assert [(a.label, a.text.split("\n")[0]) for a in attachments] == [
        ("附件", "附件：亦庄新城科技企业孵化器评价指标体系（暂行）"), ("附件", "附件")]
    assert [(t.kind, t.label) for t in children(tree, attachments[1])] == [("table", "表1"), ("table", "表2")]


def test_changping_chapters_articles_items():
    tree = TREES["changping-pharma-2025-draft.txt"]
    assert tree.warnings == ()
    chapters = children(tree)
    assert [c.label for c in chapters] == ["第一章", "第二章", "第三章", "第四章", "第五章", "第六章"]
    assert chapters[0].heading == "总则" and chapters[5].heading == "附则"
    articles = [a for c in chapters for a in children(tree, c)]
    assert [a.number for a in articles] == list(range(1, 19))
    assert [a.label for a in articles][:3] == ["第一条", "第二条", "第三条"]
    assert articles[-1].label == "第十八条"
    fifth = articles[4]
    assert (fifth.label, fifth.heading) == ("第五条", "支持新药临床研发")
    assert [(i.kind, i.label) for i in children(tree, fifth)] == [("item", "（一）"), ("item", "（二）")]
    assert find(tree, "第七条").heading is None
    assert [c.label for c in children(tree, find(tree, "第十六条"))] == ["（一）", "（二）", "（三）", "（四）"]


def test_gazette_measures_restart_under_other_provisions():
    tree = TREES["京技管发〔2025〕1号"]
    assert tree.warnings == ()
    sections = children(tree)
    assert [s.label for s in sections] == ["一", "二", "三", "四", "五"]
    measures = [m for s in sections[:4] for m in children(tree, s)]
    assert [m.number for m in measures] == list(range(1, 11))
    assert [m.number for m in children(tree, sections[4])] == [1, 2, 3, 4, 5, 6]
    fifth = measures[4]
    assert fifth.heading == "大力支持建筑业企业企稳向好"  # a one-sentence lead-in over (1) (2)
    assert [(p.kind, p.label) for p in children(tree, fifth)] == [("point", "(1)"), ("point", "(2)")]
    assert children(tree, sections[4])[5].heading is None  # 6. 本措施由…负责解释。


def test_items_numbered_across_sections_and_restarting():
    tree = TREES["京技管发〔2025〕4号"]
    assert tree.warnings == ()
    sections = children(tree)
    numbers = [[i.number for i in children(tree, s)] for s in sections]
    assert numbers == [[1, 2], [1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12, 13],
                       [14, 15, 16, 17, 18], [19, 20], [1, 2, 3], [1, 2, 3, 4]]


def test_closing_block_and_attachment_list_are_not_numbering():
    tree = TREES["京商流通字〔2025〕6号"]
    assert tree.warnings == ()
    assert [n.label for n in children(tree)] == ["一", "二", "三", "四", "五", "六", "七", "八", "附件"]
    attachment_list = children(tree)[-1]
    assert attachment_list.kind == "attachment"
    assert attachment_list.text == ("附件:1.项目申报书(略)\n2.项目申报情况表(略)\n"
                                    "3.项目初审情况汇总表(略)\n4. 项目申报单位承诺书(略)")
    assert not [n for n in tree.nodes if n.kind == "subitem"]
    notice = TREES["京商消二字〔2025〕16号"]
    assert children(notice)[-1].text.endswith("至补贴资金使用完毕截止。")


def test_noise_zoning_attachments_and_tables():
    tree = TREES["京技管发〔2025〕8号"]
    assert tree.warnings == ()
    attachments = children(tree, kind="attachment")
    assert [(a.label, a.number) for a in attachments] == [
        ("附件", None), ("附件1", 1), ("附件2", 2), ("附件3", 3)]
    assert attachments[0].text.startswith("- 附件:1. 4a类区适用的道路\n2. ")
    tables = [n for n in tree.nodes if n.kind == "table"]
    assert [t.label for t in tables] == [f"表{i}" for i in range(1, 9)]
    assert tables[0].parent_seq == find(tree, "1", kind="subitem").seq
    assert [t.parent_seq for t in tables[2:7]] == [attachments[1].seq] * 5
    assert [i.heading for i in children(tree, find(tree, "三"))] == ["1 类区", "2 类区", "3类区", "4类区"]


def test_gazette_has_ten_tables():
    tables = [n for key, t in TREES.items() if "〔" in key for n in t.nodes if n.kind == "table"]
    assert len(tables) == 10
    assert all("\t" in t.text.split("\n")[0] for t in tables)


def test_guide_section_printed_with_arabic_numeral_is_a_warning():
    tree = TREES["yizhuang-pharma-service-guide-2026.txt"]
    sections = children(tree)
    assert [(s.label, s.number) for s in sections] == [
        ("一", 1), ("二", 2), ("三", 3), ("4", 4), ("五", 5), ("六", 6), ("七", 7), ("八", 8),
        ("九", 9), ("十", 10), ("十一", 11), ("十二", 12)]
    assert [(w.article_label, w.message) for w in tree.warnings] == [
        ("4", "section 4 is printed with an Arabic numeral (4、) between Chinese-numbered sections")]
    conditions = children(tree, find(tree, "（二）"))
    assert [(c.label, c.heading) for c in conditions] == [
        ("1", "专业化服务机构"), ("2", "产教医融合的服务机构"), ("3", "已获认定的科技服务机构"),
        ("4", "高潜力服务机构")]
    assert [p.label for p in children(tree, conditions[0])] == ["（1）", "（2）", "（3）", "（4）", "（5）"]


def test_tech_services_items_across_sections():
    tree = TREES["beijing-tech-services-2025-draft.txt"]
    assert tree.warnings == ()
    items = [n for n in tree.nodes if n.kind == "item"]
    assert [i.number for i in items] == list(range(1, 15))
    assert (items[0].label, items[0].heading) == ("（一）", "支持龙头企业能级跃升")


def labels_and_warnings(text):
    tree = article_tree(text)
    return [n.label for n in tree.nodes], [(w.article_label, w.message) for w in tree.warnings]


def test_gap_is_a_warning():
    labels, warnings = labels_and_warnings("一、甲\n正文\n二、乙\n正文\n四、丁\n正文")
    assert labels == ["一", "二", "四"]
    assert warnings == [("四", "section 四 does not follow 二")]


def test_repeat_is_a_warning():
    _, warnings = labels_and_warnings("第一条 甲。\n第二条 乙。\n第二条 丙。")
    assert warnings == [("第二条", "article 第二条 repeats 第二条")]


def test_run_that_neither_restarts_nor_continues_is_a_warning():
    text = "一、甲\n1. 子甲\n2. 子乙\n二、乙\n4. 子丁"
    assert labels_and_warnings(text)[1] == [("4", "subitem run starts at 4: neither 1 nor continues from 2")]
    assert labels_and_warnings(text.replace("4. 子丁", "3. 子丙"))[1] == []
    assert labels_and_warnings(text.replace("4. 子丁", "1. 子丙"))[1] == []


@pytest.mark.parametrize("line", [
    "1.5亿元用于支持产业发展。", "2025年全年营业收入达到1000万元。", "2025.6.1 起施行。",
    "101 核心区居住区:由北顺时针为五环路", "0.1%给予支持;最高不超过100万元。", "一是项目申报书。",
])
def test_lines_that_are_not_numbering(line):
    tree = article_tree(f"一、总则\n{line}")
    assert [n.label for n in tree.nodes] == ["一"]
    assert tree.nodes[0].text == f"一、总则\n{line}"


def test_item_about_zone_4a_is_not_a_decimal():
    # The PDF rendition of 京技管发〔2025〕8号 loses the space in "1. 4a 类区为…".
    tree = article_tree("(一)4 类声环境功能区分为两种类型:\n1.4a类区为高速公路两侧区域。\n2.若临路建筑以低于三层楼房为主。")
    assert [(n.kind, n.label) for n in tree.nodes] == [("item", "(一)"), ("subitem", "1"), ("subitem", "2")]
    assert tree.warnings == ()
    # … but a decimal that does not continue the run stays body text.
    assert [n.label for n in article_tree("一、总则\n1. 甲\n1.5a类区。").nodes] == ["一", "1"]


@pytest.mark.parametrize("line,heading", [
    ("（一）指导思想。坚持以习近平新时代中国特色社会主义思想为指导。", "指导思想"),
    ("第五条  支持新药临床研发", "支持新药临床研发"),
    ("(二) 加快产业集群建设", "加快产业集群建设"),
    ("（一）对获得药品注册证书且实施产业化的1类生物制品、1类化学药和1类中药，单品种给予支持。", None),
    ("(二)所有项目资金支持比例不超过项目审定实际投资额的50%。单个项目最高补助金额不超过1000万元。", None),
    ("第三条  本办法主要支持以下方向：", None),
    ("（一）发挥昌平高水平医疗机构合作资源丰富的优势，围绕医药健康前沿技术、医疗器械开展合作。下一句。", None),
])
def test_heading(line, heading):
    assert article_tree(line).nodes[0].heading == heading


def test_empty_and_unnumbered_text():
    assert article_tree("").nodes == ()
    assert article_tree("特此公告。\n北京市商务局\n2025年6月19日").nodes == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "一、甲", "二、乙", "（一）丙", "(二)丁", "1. 戊", "2、己", "（1）庚", "第一章 总则", "第二条 辛",
    "附件", "附件 1", "附件：清单", "a\tb", "正文。", "2025年1月1日", "北京市商务局", "- (三)壬", "",
]), max_size=25))
def test_never_raises_and_offsets_hold(lines):
    text = "\n".join(lines)
    tree = article_tree(text)
    by_seq = {n.seq: n for n in tree.nodes}
    for node in tree.nodes:
        assert node.text == text[node.char_start:node.char_end]
        if node.parent_seq is not None:
            parent = by_seq[node.parent_seq]
            assert parent.char_start <= node.char_start and node.char_end <= parent.char_end


def test_labels_with_spaces_inside_as_pdf_and_ocr_print_them():
    # the mutation test of tests/test_properties.py found 第 一 条 / （ 一 ） read as body text
    tree = article_tree("第 一 章 总则\n第 一 条 为了规范。\n（ 一 ）项目。\n（ 二 ）项目。\n第 二 条 其他。")
    assert [(n.kind, n.label, n.number) for n in tree.nodes] == [
        ("chapter", "第一章", 1), ("article", "第一条", 1), ("item", "（一）", 1), ("item", "（二）", 2),
        ("article", "第二条", 2)]
    assert tree.warnings == ()


# LawRefBook/Laws 部门规章/市场监督管理总局/医疗器械注册与备案管理办法(2021-08-26).md: chapters with
# and without 节 (articles shortened after their first clause).
DEVICE_REGISTRATION = "\n".join([
    "第二章 基本要求",
    "第二十三条 医疗器械专业技术机构根据工作需要建立专家咨询制度。",
    "第三章 医疗器械注册",
    "第一节 产品研制",
    "第二十四条 医疗器械研制应当遵循风险管理原则。",
    "第二十五条 从事医疗器械产品研制实验活动，应当符合我国相关法律、法规和强制性标准等的要求。",
    "第二节 临床评价",
    "第三十三条 除本办法第三十四条规定情形外，医疗器械产品注册、备案，应当进行临床评价。",
    "医疗器械临床评价是指采用科学合理的方法对临床数据进行分析、评价。",
    "第三十四条 有下列情形之一的，可以免于进行临床评价：",
    "（一）工作机理明确、设计定型，生产工艺成熟的；",
    "（二）其他通过非临床评价能够证明该医疗器械安全、有效的。",
    "第六章 医疗器械备案",
    "第八十六条 第一类医疗器械生产前，应当进行产品备案。",
])


def paths(tree):
    by_seq = {n.seq: n for n in tree.nodes}

    def path(node):
        return path(by_seq[node.parent_seq]) + [node.label] if node.parent_seq is not None else [node.label]
    return {n.label: "/".join(path(n)) for n in tree.nodes}


def test_subchapters_between_chapters_and_articles():
    tree = article_tree(DEVICE_REGISTRATION)
    found = paths(tree)
    assert found["第二十三条"] == "第二章/第二十三条"
    assert found["第二十四条"] == "第三章/第一节/第二十四条"
    assert found["第三十四条"] == "第三章/第二节/第三十四条"
    assert found["（二）"] == "第三章/第二节/第三十四条/（二）"
    assert found["第八十六条"] == "第六章/第八十六条"
    assert [(n.kind, n.heading) for n in tree.nodes if n.kind == "subchapter"] == [
        ("subchapter", "产品研制"), ("subchapter", "临床评价")]
    # 款: the second paragraph of 第三十三条 is its text, not a node.
    article = find(tree, "第三十三条")
    assert article.text.endswith("医疗器械临床评价是指采用科学合理的方法对临床数据进行分析、评价。")
    assert [n.label for n in children(tree)] == ["第二章", "第三章", "第六章"]


def test_parts_above_chapters():
    # 中华人民共和国民法典 (articles shortened): 第一编 总则 / 第一章 基本规定, later 第二编 物权 with its
    # 第一分编, which is no level of the tree.
    tree = article_tree("\n".join([
        "第一编 总则", "第一章 基本规定", "第一条 为了保护民事主体的合法权益，制定本法。",
        "第二编 物权", "第一分编 通则", "第一章 一般规定", "第二百零五条 本编调整因物的归属和利用产生的民事关系。"]))
    found = paths(tree)
    assert found["第一条"] == "第一编/第一章/第一条"
    assert found["第二百零五条"] == "第二编/第一章/第二百零五条"
    assert [(n.kind, n.heading) for n in children(tree)] == [("part", "总则"), ("part", "物权")]


@pytest.mark.parametrize("toc", [
    # http://law633.infoeach.com/view-NjMzfDE1Mw==.html (中华人民共和国国家通用语言文字法)
    ["目录", "第一章 总则", "第二章 国家通用语言文字的使用", "第三章 管理和监督", "第四章 附则"],
    # https://www.ivcon.net/post/14589.html (北京市突发公共卫生事件应急条例): 目录 twice, 节 listed.
    ["目录", "目录", "第一章总则", "第二章应急准备", "第三章监测预警", "第四章应急处置", "第一节应对措施",
     "第二节四方责任", "第三节监督实施", "第五章应急保障", "第六章法律责任", "第七章补充规定"],
])
def test_table_of_contents_is_no_node(toc):
    body = ["第一章 总则", "第一条 为推动国家通用语言文字的规范化、标准化及其健康发展，根据宪法，制定本法。",
            "第二章 国家通用语言文字的使用", "第九条 国家机关以普通话和规范汉字为公务用语用字。"]
    tree = article_tree("\n".join(toc + body))
    assert [(n.kind, n.label) for n in tree.nodes] == [
        ("chapter", "第一章"), ("article", "第一条"), ("chapter", "第二章"), ("article", "第九条")]
    assert tree.nodes[0].text.startswith("第一章 总则\n第一条")


def test_articles_numbered_in_spaced_digits():
    # loc-jl-liuhe-key-industries-2023 (中共柳河县委 柳河县人民政府): 第 1 条 … 第 2 3 条 inside 一、 sections.
    path = SAMPLES.parent / "corpus" / "texts" / "loc-jl-liuhe-key-industries-2023.txt"
    _, [span] = split_documents(clean_text_source(path.read_text(encoding="utf-8")))
    tree = article_tree(span.text)
    articles = [n for n in tree.nodes if n.kind == "article"]
    assert [(a.label, a.number) for a in articles] == [(f"第{k}条", k) for k in range(1, 27)]
    assert [n.label for n in children(tree)] == ["一", "二", "三", "四", "五"]
    assert find(tree, "第23条").text.startswith("第 2 3 条  新建重点产业项目一年以上未动工建设的")


def test_land_regulation_tree():
    # nat-land-admin-law-implementing-regs-2021: seven chapters, five 节 in 第四章 建设用地 only.
    path = SAMPLES.parent / "corpus" / "texts" / "nat-land-admin-law-implementing-regs-2021.txt"
    _, [span] = split_documents(clean_text_source(path.read_text(encoding="utf-8")))
    tree = article_tree(span.text)
    assert [n.label for n in children(tree)] == [f"第{c}章" for c in "一二三四五六七"]
    chapter_four = find(tree, "第四章")
    assert [(n.label, n.heading) for n in children(tree, chapter_four)] == [
        ("第一节", "一般规定"), ("第二节", "农用地转用"), ("第三节", "土地征收"), ("第四节", "宅基地管理"),
        ("第五节", "集体经营性建设用地管理")]
    found = paths(tree)
    assert found["第十四条"] == "第四章/第一节/第十四条"
    assert found["第二十三条"] == "第四章/第二节/第二十三条"
    assert found["第四十四条"] == "第五章/第四十四条"
    assert [n.label for n in tree.nodes if n.kind == "article"] == [
        f"第{label}条" for label in (
            "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六 十七 十八 十九 二十 二十一 二十二 二十三 "
            "二十四 二十五 二十六 二十七 二十八 二十九 三十 三十一 三十二 三十三 三十四 三十五 三十六 三十七 三十八 "
            "三十九 四十 四十一 四十二 四十三 四十四 四十五 四十六 四十七 四十八 四十九 五十 五十一 五十二 五十三 "
            "五十四 五十五 五十六 五十七 五十八 五十九 六十 六十一 六十二 六十三 六十四 六十五 六十六 六十七").split()]
    assert tree.warnings == ()


def test_joint_signature_dated_in_chinese_numerals_closes_the_last_section():
    # notice-gov-office-abandoned-chemical-weapons-1996 ends 国务院办公厅　中央军委办公厅 / 一九九六年六月二十九日.
    path = SAMPLES.parent / "corpus" / "texts" / "notice-gov-office-abandoned-chemical-weapons-1996.txt"
    _, [span] = split_documents(clean_text_source(path.read_text(encoding="utf-8")))
    last = article_tree(span.text).nodes[-1]
    assert last.label == "三" and last.text.endswith("都要立即逐级上报，不得擅自处理。")


def test_a_paragraph_after_a_laws_items_that_cites_the_one_above_is_the_articles():
    # nat-statistics-law-2024 第四十四条: items (一)…(五), the last ending in 。, then two 款 that cite
    # 前款 and 本条第一款; their fines are the article's, not item (五)'s.
    _, [span] = split_documents(clean_text_source((SAMPLES / "nat-statistics-law-2024.txt").read_text(encoding="utf-8")))
    tree = article_tree(span.text)
    article = find(tree, "第四十四条")
    items = children(tree, article)
    assert [n.label for n in items] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert items[-1].text == ("（五）转移、隐匿、篡改、毁弃或者拒绝提供原始记录和凭证、统计台账、统计调查表"
                              "及其他相关证明和资料的。")
    assert article.text.endswith("企业事业单位或者其他组织有前款所列行为之一的，可以并处十万元以下的罚款；情节严重的，"
                                 "并处十万元以上五十万元以下的罚款。\n个体工商户有本条第一款所列行为之一的，由县级以上"
                                 "人民政府统计机构责令改正，给予警告，可以并处一万元以下的罚款。")
    # 第四十二条: the same after its (四), "统计人员有前款所列行为之一的"
    fourty_two = find(tree, "第四十二条")
    assert children(tree, fourty_two)[-1].text.endswith("造成统计资料毁损、灭失的。")
    assert fourty_two.text.endswith("灭失的。\n统计人员有前款所列行为之一的，依法给予处分。")
    assert tree.warnings == ()
