"""`gazette show`: a document or one provision of the bundled corpus, its facts marked inline."""
from __future__ import annotations

import os
import re
import subprocess
import sys

from flows.cli.main import main
from tests.conftest import ROOT
from tests.terminal import run_in_terminal

# 京技管发〔2025〕9号 as its own file (jjgf-2025-9.txt; its PDF twin gives the pages it prints, 74–84).
JJGF_9 = "c3b6d5888ac2-01"
ARTICLE_10 = (
    "10. 鼓励医药科技服务业发展。加大对面向医药产品早期探索、成果转化、临床研究、中试生产、注册上市、"
    "市场销售等全生命周期提供解决方案的医药科技服务业的支持。支持创新企业向中试服务机构、高端制剂机构、"
    "合同研发机构(CRO)、合同定制研发生产机构(CDMO)、合同外包生产机构(CMO),以及新药评价、实验动物、"
    "检测检验、医药供应链、设备维护等科技服务业机构购买服务,每年发放5000万元【5000万元 fund_size】"
    "医药创新服务券,企业单次申领金额最高不超过合同金额20%【20% 合同金额】,同一企业每自然年度累计申请和兑付创新"
    "服务券金额不超过200万元【200万元 cap per_enterprise_per_year】,同一合同仅能申请一次。支持头部医药"
    "CDMO企业新建产能、提升研发、开发、生产能力。对科技服务业企业年营业收入增量部分按标准给予支持,"
    "年支持额度最高不超过 500 万元【500万元 cap】。(责任单位:生物技术和大健康产业链【生物技术和大健康产业局 lead】,"
    "科技和产业促进局【bureau cooperating】)")


def show(corpus_catalog, capsys, *args) -> tuple[int, list[str], str]:
    code = main(["show", *args, "--db", str(corpus_catalog[0])])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_a_provision_by_its_path_with_its_facts_marked(corpus_catalog, capsys):
    code, lines, _ = show(corpus_catalog, capsys, JJGF_9, "二/(二)/10")
    assert code == 0
    assert lines == ["京技管发〔2025〕9号 北京经济技术开发区关于促进医药健康产业高质量发展的若干意见",
                     f"{JJGF_9} · 北京经济技术开发区管理委员会 · 2025-04-30 · pp. 74–84",
                     "二/(二)/10 · p. 79", "", ARTICLE_10]


def test_a_provision_by_its_label_as_printed(corpus_catalog, capsys):
    assert show(corpus_catalog, capsys, JJGF_9, "10")[1][-1] == ARTICLE_10


def test_a_percentage_names_what_it_applies_to(corpus_catalog, capsys):
    lines = show(corpus_catalog, capsys, JJGF_9, "二/(一)/6")[1]
    assert "按照企业设备租赁费用20%【20% 设备租赁费用】的比例给予支持,年度支持额度不超过50万元【50万元 cap】," in lines[-1]


def test_a_whole_document_marks_its_文号_and_dates(corpus_catalog, capsys):
    code, lines, _ = show(corpus_catalog, capsys, JJGF_9)
    assert code == 0 and lines[2:6] == [
        "", "北京经济技术开发区管理委员会印发《北京经济技术开发区关于促进医药健康产业高质量发展的若干意见》的通知",
        "京技管发〔2025〕9号【doc_number】", "工委、管委会各机构，各重点国有企业："]
    assert sum(line.count("【") for line in lines) == 79


def test_each_article_beginning_a_line_shows_its_printed_page(corpus_catalog, capsys):
    """(二) 加快产业集群建设 begins on — 78 — of jjgf-2025-9.pdf, 10. on — 79 — (pdfplumber, by hand)."""
    lines = show(corpus_catalog, capsys, JJGF_9, "二/(二)")[1]
    assert lines[2] == "二/(二) · p. 78"
    assert [line[:12] for line in lines[5:9]] == ["[p. 78] 8. 支", "[p. 78] 9. 鼓", "[p. 79] 10. ", "[p. 79] 11. "]


def test_a_document_by_title_fragment_and_a_nested_label(corpus_catalog, capsys):
    code, lines, _ = show(corpus_catalog, capsys, "自贸试验区", "第六条/（一）")
    assert code == 0 and lines[:3] == [
        "中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）",
        "8299e6910fdc-01 · pp. 1–10", "第二章/第六条/（一） · p. 4"]  # 第六条 is on - 4 -
    assert lines[4].startswith("（一）对获得药品注册证书且实施产业化的1类生物制品、1类化学药和1类中药，"
                               "单品种给予最高1000万元【1000万元 cap per_product】资金支持。")


def test_a_文号_printed_twice_shows_the_gazettes_text(corpus_catalog, capsys):
    code, lines, _ = show(corpus_catalog, capsys, "京技管发〔2025〕9号", "二/(二)/10")
    assert code == 0 and lines[1].startswith("41ec1b749d30-08 · ") and "生产服务能力" in lines[-1]


def test_a_title_fragment_of_several_documents_asks_for_a_doc_id(corpus_catalog, capsys):
    code, _, err = show(corpus_catalog, capsys, "医药健康产业")
    assert code == 2 and "names 2 documents" in err and "41ec1b749d30-08" in err and "8299e6910fdc-01" in err


def test_a_label_under_several_parents_asks_for_its_path(corpus_catalog, capsys):
    code, _, err = show(corpus_catalog, capsys, JJGF_9, "(一)")
    assert code == 2 and "(二/(一), 三/(一)): give its path" in err


def test_an_unknown_document_says_how_to_name_one(corpus_catalog, capsys):
    code, _, err = show(corpus_catalog, capsys, "no such policy")
    assert code == 2 and "give a doc id, a 文号 or part of a title" in err


def test_a_page_known_only_from_the_table_of_contents_says_so():
    from flows.cli.show import heading

    doc = {"doc_number": "京技管发〔2025〕9号", "title": "若干意见", "doc_id": "d-08", "issuer": None, "issued_date": None}
    assert heading(doc, (74, None, "toc_start"), None).splitlines()[1] == "d-08 · p. 74 (table of contents)"
    assert heading(doc, (1, 11, "pdf_index"), None).splitlines()[1] == "d-08 · pp. 1–11 (PDF pages)"


ANSI = re.compile(r"\x1b\[[0-9;]*m")
YELLOW, CYAN, BOLD, RESET = "\x1b[33m", "\x1b[36m", "\x1b[1m", "\x1b[0m"


def test_with_colour_each_fact_is_highlighted_in_its_kinds_colour(corpus_catalog, capsys):
    code, lines, _ = show(corpus_catalog, capsys, JJGF_9, "10", "--color=always")
    assert code == 0
    assert (f"金额不超过{BOLD}{YELLOW}200万元{RESET}{YELLOW}【200万元 cap per_enterprise_per_year】{RESET},"
            in lines[-1])
    assert (f"(责任单位:{BOLD}{CYAN}生物技术和大健康产业链{RESET}{CYAN}【生物技术和大健康产业局 lead】{RESET},"
            in lines[-1])
    # 6 facts: their words bold, coloured and reset, their readings coloured and reset
    assert len(ANSI.findall(lines[-1])) == 6 * 5
    assert ANSI.sub("", lines[-1]) == ARTICLE_10 and not ANSI.search("".join(lines[:-1]))


def test_never_colours_even_when_asked_for_auto_on_a_pipe(corpus_catalog, capsys):
    for option in ("--color=never", "--color=auto"):
        assert show(corpus_catalog, capsys, JJGF_9, "10", option)[1][-1] == ARTICLE_10


def test_on_a_terminal_colour_unless_no_color_or_never(corpus_catalog):
    """As an analyst runs it: coloured on a terminal, plain when NO_COLOR is set, with
    --color=never, or when piped."""
    command = [sys.executable, "-m", "flows.cli", "--db", str(corpus_catalog[0]), "show", JJGF_9, "10"]
    env = {name: value for name, value in os.environ.items() if name != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT)
    code, shown, err = run_in_terminal(command, env)
    assert (code, err) == (0, "") and f"{BOLD}{YELLOW}200万元{RESET}" in shown
    assert ANSI.sub("", shown).splitlines()[-1] == ARTICLE_10
    for args, extra in ((command, {"NO_COLOR": "1"}), (command + ["--color=never"], {})):
        code, shown, _ = run_in_terminal(args, {**env, **extra})
        assert code == 0 and "\x1b" not in shown and shown.splitlines()[-1] == ARTICLE_10
    piped = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and "\x1b" not in piped.stdout and piped.stdout.splitlines()[-1] == ARTICLE_10
