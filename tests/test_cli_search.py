"""`gazette search`: provisions of the bundled corpus that hold every word of a phrase."""
from __future__ import annotations

from flows.cli.main import main
from flows.cli.search import search_words


def search(corpus_catalog, capsys, *args) -> tuple[int, list[str], str]:
    code = main(["search", *args, "--db", str(corpus_catalog[0])])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_the_whole_phrase_ranks_before_its_words(corpus_catalog, capsys):
    # 京技管发〔2025〕9号 第十条 once (the standalone file is a printing of the gazette's), the guide
    # that quotes it, then provisions holding 医药, 创新, 服务 and 券 apart.
    code, lines, _ = search(corpus_catalog, capsys, "医药创新服务券", "--limit", "3")
    assert code == 0 and [line.split("  ")[:3] for line in lines] == [
        ["41ec1b749d30-08", "京技管发〔2025〕9号", "二/(二)/10"],
        ["f4d176d1d758-01", "2026年经开区医药科技服务机构认定办事指南", "一"],
        ["41ec1b749d30-05", "京技管发〔2025〕4号", "四"]]
    assert lines[0].split("  ")[3] == "…务,每年发放5000万元医药创新服务券,企业单次申领金额最高不超过合同金额20%,同一企业每自然…"


def test_every_word_is_required_and_the_smallest_provision_shown(corpus_catalog, capsys):
    code, lines, _ = search(corpus_catalog, capsys, "临床试验 1类新药", "--limit", "3")
    assert code == 0 and lines == [
        "8299e6910fdc-01  中国（北京）自贸试验区科技创新片区昌平组团促进医药健康产业发展支持办法（修订稿）  第二章/第五条  "
        "…支持新药临床研发 对开展临床试验并实施产业化的新药，按照临床进度分阶段予以支持。 （一）1类生物…",
        "41ec1b749d30-08  京技管发〔2025〕9号  二/(一)  …、实验室自动化、AI辅助临床试验等领域研发,加快大模型为医药企业创新产品开发提供助力。建设、开放…"]


def test_the_words_of_a_phrase_leave_punctuation_and_repeats_out():
    assert search_words("临床试验，临床试验 1类新药") == ["临床试验", "1", "类", "新药"]


def test_no_hit_and_no_words_say_so(corpus_catalog, capsys):
    code, lines, err = search(corpus_catalog, capsys, "量子引力")
    assert code == 0 and lines == [] and "no provision holds every word of '量子引力' (量子 引力)" in err
    assert search(corpus_catalog, capsys, "，。")[0] == 2
