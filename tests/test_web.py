"""`gazette web` on the bundled corpus: every route through Starlette's TestClient, the catalog
left byte for byte as it was, loopback by default, and the search, policy and redline pages in
headless Chromium (their DOM read, their screenshots kept in tests/artifacts/)."""
from __future__ import annotations

import hashlib
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from flows.cli.main import build_parser, main
from flows.cli.show import Annotation
from flows.cli.web import is_loopback
from flows.web.app import create_app
from flows.web.tree import Run, article_tree, fact_runs
from tests.browser import ROOT, needs_chromium, render
from tests.test_diff_html import Cells

# 京技管发〔2025〕9号: one document printed in the gazette (the text the catalog reads), as its
# own file and as that file's PDF (renditions: the file lacks the gazette's 服务 in 二/(二)/10);
# its PDF twin in the gazette.
JJGF_9 = "41ec1b749d30-08"
JJGF_9_FILE = "c3b6d5888ac2-01"
JJGF_9_FILE_PDF = "4392df3089f0-01"
JJGF_9_GAZETTE_PDF = "85441a93e4ef-08"
# The samples' one revision: 统计法 as amended in 2009 (version 1) and in 2024 (version 2).
STATISTICS_2009 = "8b6e9f545b0d-01"
STATISTICS_2024 = "5f53ceaf9604-01"
# 第四十一条 of 2009 → 第四十四条 of 2024: the fines of its 前款 paragraph raised.
FINES_ROW = "第四十一条 → 第四十四条 modified"
FINES_MARKS = [("modified", "old", "del", w) for w in ("直接负责的主管", "其他", "国家工作", "五", "五", "二")] + [
    ("modified", "new", "ins", w) for w in ("负有责任的领导", "公职", "、单位", "十", "十", "五")]
FINES_CHANGES = ["第四十四条 amount: 5万元 → 10万元", "第四十四条 amount: 5万元 → 10万元",
                 "第四十四条 amount: 20万元 → 50万元"]
TITLE_9 = "北京经济技术开发区关于促进医药健康产业高质量发展的若干意见"
MEASURE_10_FACTS = ('<mark class="fact money">5000万元</mark><span class="reading money">5000万元 fund_size</span>'
                    '医药创新服务券,企业单次申领金额最高不超过合同金额<mark class="fact percent">20%</mark>'
                    '<span class="reading percent">20% 合同金额</span>')


@pytest.fixture(scope="module")
def client(corpus_catalog):
    with TestClient(create_app(corpus_catalog[0])) as client:
        yield client


def text_of(html: str) -> str:
    """The words of a page without its tags, whitespace folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_front_page_lists_every_policy_by_its_current_version(client, corpus_con):
    page = client.get("/")
    assert page.status_code == 200
    links = re.findall(r'<a class="policy" href="http://testserver/policy/([^"]+)">([^<]+)</a>', page.text)
    expected = corpus_con.execute("select doc_id, title from policies "
                                  "order by latest_version_date desc nulls last, title").fetchall()
    assert links == [tuple(row) for row in expected] and len(links) == 12
    row = page.text[page.text.index(f"/policy/{JJGF_9}"):].split("</tr>")[0]
    assert re.findall(r'<td[^>]*>(?:<span[^>]*>)?([^<]*)', row) == [
        "京技管发〔2025〕9号", "现行有效", "1", "2025-04-30", "2025-04-30", "2027-12-31"]
    assert 'name="q"' in page.text and 'action="http://testserver/search"' in page.text


def test_search_lists_the_provisions_of_gazette_search_with_the_words_marked(client, corpus_catalog, capsys):
    page = client.get("/search", params={"q": "医药创新服务券"})
    assert page.status_code == 200
    hits = re.findall(r'<li class="hit">\s*<a href="http://testserver/policy/([^"#]+)#p-([^"]+)">', page.text)
    main(["search", "医药创新服务券", "--limit", "50", "--db", str(corpus_catalog[0])])
    printed = [line.split("  ")[:3] for line in capsys.readouterr().out.splitlines()]
    assert [doc_id for doc_id, _ in hits] == [doc_id for doc_id, _, _ in printed]
    assert hits[0] == (JJGF_9, "%E4%BA%8C/%28%E4%BA%8C%29/10")   # 二/(二)/10
    # the phrase is marked whole where it occurs whole, else the words jieba cuts it into
    assert page.text.count("<mark>医药创新服务券</mark>") == 2
    assert len(hits) == 5 and "5 provisions hold every word of <q>医药创新服务券</q> (医药 创新 服务 券)" in page.text
    fourth = page.text.split('<li class="hit">')[4].split("</li>")[0]
    assert re.findall(r"<mark>([^<]+)</mark>", fourth) == ["医药"]


@pytest.mark.parametrize(("q", "says"), [
    ("", "Give words to find"),
    ("，。！", "Nothing to search for in ，。！"),
    ("量子引力补贴", "No provision holds every word of 量子引力补贴"),
])
def test_search_says_why_nothing_is_listed(client, q, says):
    page = client.get("/search", params={"q": q})
    assert page.status_code == 200 and says in page.text and '<li class="hit">' not in page.text


def test_what_a_search_echoes_is_escaped(client):
    page = client.get("/search", params={"q": "<script>alert(1)</script>医药创新服务券"})
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;医药创新服务券" in page.text


def test_a_policy_page_has_its_header_status_and_its_one_version(client):
    page = client.get(f"/policy/{JJGF_9}")
    assert page.status_code == 200
    assert f"<h1>{TITLE_9}</h1>" in page.text
    about = text_of(page.text[page.text.index('<dl class="about">'):page.text.index("</dl>")])
    assert about == ("文号 京技管发〔2025〕9号 issuer 北京经济技术开发区管理委员会 type 意见 issued 2025-04-30 "
                     f"effective 2025-04-30 expires 2027-12-31 printed pages pp. 67–77 doc id {JJGF_9}")
    status = text_of(page.text[page.text.index('<table class="status">'):].split("</table>")[0])
    assert status.endswith("现行有效 2025-04-30 2028-01-01 effective 失效 2028-01-01 expiry · in force until 2027-12-31")
    # its file and that file's PDF are renditions of it, not versions: nothing to redline
    assert re.findall(r'<li class="version( this)?">', page.text) == [" this"]
    assert "/redline/" not in page.text and f"/policy/{JJGF_9_FILE}" not in page.text


def test_a_policy_page_says_where_a_rendition_is_printed_otherwise(client):
    page = client.get(f"/policy/{JJGF_9}").text
    header = page[page.index('<header class="policy">'):].split("</header>")[0]
    variant = ("reads otherwise than beijing-gazette-2025-27.txt, the text the catalog reads: "
               "「、开发、生产能力。对科技」 here, 「、开发、生产服务能力。对科技」 there")
    assert re.findall(r'<li class="warning rendition">(.+)</li>', header) == [
        f'in <span class="source">jjgf-2025-9.pdf</span> ({JJGF_9_FILE_PDF}): {variant}',
        f'in <span class="source">jjgf-2025-9.txt</span> ({JJGF_9_FILE}): {variant}']
    # a document's own warnings carry the provision they are about
    guide = client.get("/policy/f4d176d1d758-01").text
    assert re.findall(r'<li class="warning">(.+)</li>', guide) == [
        '<span class="label">4</span>: section 4 is printed with an Arabic numeral (4、) between Chinese-numbered sections']
    assert '<ul class="warnings">' not in client.get(f"/policy/{STATISTICS_2024}").text


def test_a_policy_page_nests_its_articles_with_their_pages_and_facts_highlighted(client):
    page = client.get(f"/policy/{JJGF_9}").text
    paths = re.findall(r'<section class="article level-(\d)" id="p-([^"]+)"', page)
    assert paths[:4] == [("1", "一"), ("1", "二"), ("2", "二/(一)"), ("3", "二/(一)/1")]
    assert len(paths) == 35 and "35 provisions, 79 facts highlighted" in page
    measure_10 = page[page.index('id="p-二/(二)/10"'):].split("</section>")[0]
    assert '<span class="page">p. 72</span>' in measure_10
    assert MEASURE_10_FACTS in measure_10
    # a sub-provision sits inside its parent's section: (二)'s section holds 8., 9. and 10.
    section_2 = page[page.index('id="p-二/(二)"'):]
    assert section_2.index('id="p-二/(二)/8"') < section_2.index('id="p-二/(二)/10"')


def test_the_first_version_links_the_second_and_has_no_redline_of_its_own(client):
    page = client.get(f"/policy/{STATISTICS_2009}").text
    assert f'href="http://testserver/policy/{STATISTICS_2024}"' in page
    # the one redline link is the second version's, from this one
    assert re.findall(r'href="http://testserver/redline/([^"]+)"', page) == [f"{STATISTICS_2009}/{STATISTICS_2024}"]
    assert re.findall(r'<span class="status (\w+)">', page)[-2:] == ["amended", "in_force"]


def test_the_second_version_lists_both_with_their_status(client):
    page = client.get(f"/policy/{STATISTICS_2024}").text
    assert re.findall(r'<li class="version( this)?">', page) == ["", " this"]
    versions = page[page.index('<ol class="versions">'):].split("</ol>")[0]
    assert re.findall(r'<span class="status (\w+)">', versions) == ["amended", "in_force"]
    assert f'href="http://testserver/policy/{STATISTICS_2009}"' in versions


@pytest.mark.parametrize("rendition", [JJGF_9_GAZETTE_PDF, JJGF_9_FILE, JJGF_9_FILE_PDF])
def test_a_rendition_left_out_of_the_views_is_shown_as_its_preferred_one(client, rendition):
    page = client.get(f"/policy/{rendition}", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"http://testserver/policy/{JJGF_9}"


def fines_row(html: str) -> Cells:
    """The <ins>/<del> marks of the redline row of 2009's 第四十一条 → 2024's 第四十四条."""
    start = html.rindex('<tr class="pair', 0, html.index(FINES_ROW))
    cells = Cells()
    cells.feed(html[start:html.index("</tr>", start) + len("</tr>")])
    return cells


def test_the_redline_page_embeds_gazette_diffs_redline(client):
    page = client.get(f"/redline/{STATISTICS_2009}/{STATISTICS_2024}")
    assert page.status_code == 200
    cells = Cells()
    cells.feed(page.text)
    assert cells.headers == ["old", "new"] and fines_row(page.text).marks == FINES_MARKS
    assert "22 modified, 27 renumbered, 3 added, 9 unchanged; 5 fact changes" in page.text
    assert re.findall(r'<li class="fact changed">([^<]+)</li>', page.text) == [
        *FINES_CHANGES, "第四十五条 amount: 1万元 → 5万元"]
    assert page.text.count('<tr class="pair renumbered"') == 27
    assert 'id="hide-unchanged" checked' in page.text


@pytest.mark.parametrize("url", [
    "/policy/no-such-doc", "/redline/no-such-doc/41ec1b749d30-08", "/redline/41ec1b749d30-08/no-such-doc",
    # a file path is what `gazette diff` also accepts: the page diffs catalog documents only
    "/redline/data%2Fsamples%2Fjjgf-2025-9.txt/41ec1b749d30-08",
    "/redline/jjgf-2025-9.txt/41ec1b749d30-08", "/no/such/page",
])
def test_an_unknown_document_or_page_is_a_404_page(client, url):
    page = client.get(url)
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text and 'href="http://testserver/"' in page.text


def test_the_404_page_names_the_unknown_document(client):
    assert "no document &#39;no-such-doc&#39; in the catalog" in client.get("/policy/no-such-doc").text


def test_a_catalog_gone_while_serving_is_a_page_saying_what_to_do(tmp_path):
    with TestClient(create_app(tmp_path / "gone.duckdb"), raise_server_exceptions=False) as client:
        page = client.get(f"/policy/{JJGF_9}")
    assert page.status_code == 503 and "The catalog cannot be read" in page.text
    assert "run `gazette ingest` first" in page.text


def test_the_windows_calendar_groups_windows_by_month_and_lists_deadlines(client):
    page = client.get("/windows").text
    assert re.findall(r'<section class="month" id="m-([\d-]+)">', page) == ["2024-12", "2026-06"]
    assert re.findall(r'<span class="span">([^<]+)</span>', page) == [
        "2024-12-01 – 2025-04-01", "2026-06-04 – 2026-06-23"]
    due = re.findall(r'<tr class="deadline (\w+)"><td class="date">([^<]+)</td>', page)
    assert due[:3] == [("deadline", "2025-07-31"), ("expires", "2025-12-31"), ("deadline", "2026-01")]
    assert len(due) == 8 and [d for _, d in due] == sorted(d for _, d in due)


def test_the_stylesheet_is_served(client):
    sheet = client.get("/static/style.css")
    assert sheet.status_code == 200 and "mark.fact.money" in sheet.text


ROUTES = ["/", "/search?q=医药创新服务券", f"/policy/{JJGF_9}", f"/policy/{STATISTICS_2009}",
          f"/policy/{JJGF_9_GAZETTE_PDF}", f"/redline/{STATISTICS_2009}/{STATISTICS_2024}", "/windows", "/policy/nope"]


def test_browsing_every_route_leaves_the_catalog_as_it_was(corpus_catalog):
    db = Path(corpus_catalog[0])
    before = (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns, sorted(db.parent.iterdir()))
    with TestClient(create_app(db)) as client:
        assert [client.get(url).status_code for url in ROUTES] == [200] * 7 + [404]
    assert (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_mtime_ns, sorted(db.parent.iterdir())) == before


def test_web_listens_on_loopback_unless_told_otherwise(corpus_catalog, monkeypatch, capsys):
    import uvicorn

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **_: served.append((host, port)))
    assert build_parser().parse_args(["web"]).host == "127.0.0.1"
    assert main(["web", "--db", str(corpus_catalog[0])]) == 0
    assert main(["web", "--host", "0.0.0.0", "--db", str(corpus_catalog[0])]) == 2
    assert "0.0.0.0 is not a loopback address" in capsys.readouterr().err
    assert main(["web", "--host", "0.0.0.0", "--allow-remote", "--port", "9000", "--db", str(corpus_catalog[0])]) == 0
    assert "warning: serving the catalog to every machine" in capsys.readouterr().err
    assert served == [("127.0.0.1", 8765), ("0.0.0.0", 9000)]


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.8.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("192.168.1.5", False), ("::", False), ("example.org", False),
])
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_web_without_a_catalog_says_what_to_do(tmp_path, capsys):
    assert main(["web", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "run `gazette ingest` first" in capsys.readouterr().err


@pytest.fixture(scope="module")
def served(corpus_catalog):
    """The app under uvicorn on a free loopback port, in a thread, for the browser."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(corpus_catalog[0]), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@needs_chromium
def test_the_search_page_in_a_browser(served, tmp_path):
    dom, shot = render(f"{served}/search?q=医药创新服务券", "web-search", tmp_path / "profile")
    assert re.findall(r'<span class="label">([^<]+)</span>', dom)[:3] == ["二/(二)/10", "一", "四"]
    assert dom.count('<li class="hit">') == 5 and dom.count("<mark>医药创新服务券</mark>") == 2
    assert 'value="医药创新服务券"' in dom and shot.stat().st_size > 10_000


@needs_chromium
def test_the_policy_page_in_a_browser(served, tmp_path):
    dom, shot = render(f"{served}/policy/{JJGF_9}", "web-policy", tmp_path / "profile", height=1600)
    assert f"<h1>{TITLE_9}</h1>" in dom and MEASURE_10_FACTS in dom
    assert len(re.findall(r'<section class="article level-\d"', dom)) == 35
    assert dom.count('<li class="warning rendition">') == 2 and "/redline/" not in dom
    assert shot.stat().st_size > 10_000


@needs_chromium
def test_the_redline_page_in_a_browser(served, tmp_path):
    dom, shot = render(f"{served}/redline/{STATISTICS_2009}/{STATISTICS_2024}", "web-redline", tmp_path / "profile")
    cells = Cells()
    cells.feed(dom)
    assert cells.headers == ["old", "new"] and fines_row(dom).marks == FINES_MARKS
    assert re.findall(r'<div class="fact changed">([^<]+)</div>', dom[dom.index(FINES_ROW):])[:3] == FINES_CHANGES
    assert f"Redline of {STATISTICS_2009} → {STATISTICS_2024}" in text_of(dom) and shot.stat().st_size > 10_000


def test_a_provisions_facts_cut_its_text_into_runs_read_after_their_words(client):
    # 京技管发〔2025〕1号 五/6, as the policy page shows it, and as fact_runs cuts it
    page = client.get("/policy/41ec1b749d30-03").text
    measure = page[page.index('id="p-五/6"'):].split("</section>")[0]
    assert ('有效期至 <mark class="fact date">2025 年 12 月 31 日</mark><span class="reading date">2025-12-31 expires'
            '</span>,政策兑现原则上于 <mark class="fact date">2026 年 6 月 30 日</mark>'
            '<span class="reading date">2026-06-30 deadline</span>前完成。') in measure
    text = "有效期至 2025 年 12 月 31 日,政策兑现"
    dates = [Annotation(21, 5, "date", "2025-12-31 expires")]
    assert fact_runs(text, 0, len(text), dates) == [
        Run("有效期至 "), Run("2025 年 12 月 31 日", "date", (("date", "2025-12-31 expires"),)), Run(",政策兑现")]
    # a fact over a fact (none in the samples yet): the inner one's kind, each read where it ends;
    # a fact running past a passage is read in the passage where it ends
    whole = [Annotation(len(text), 0, "money", "whole"), *dates]
    assert fact_runs(text, 0, len(text), whole) == [
        Run("有效期至 ", "money"), Run("2025 年 12 月 31 日", "date", (("date", "2025-12-31 expires"),)),
        Run(",政策兑现", "money", (("money", "whole"),))]
    assert fact_runs(text, 0, 9, dates) == [Run("有效期至 "), Run("2025", "date")]


def test_an_article_tree_keeps_every_character_once_in_reading_order():
    text = "通知\n一、目标\n（一）甲\n（二）乙\n附件"
    def node(article_id, parent_id, path_label, words):
        start = text.index(words)
        return {"article_id": article_id, "parent_id": parent_id, "label": path_label.split("/")[-1],
                "path_label": path_label, "heading": None, "level": path_label.count("/") + 1,
                "char_start": start, "char_end": start + len(words)}

    articles = [node("a", None, "一", "一、目标\n（一）甲\n（二）乙"), node("b", "a", "一/(一)", "（一）甲"),
                node("c", "a", "一/(二)", "（二）乙")]
    tree = article_tree(text, articles, [], {3: 5})

    def words(node) -> str:
        return "".join("".join(r.text for r in item.runs) if hasattr(item, "runs") else f"[{words(item)}]"
                       for item in node.items)

    assert words(tree) == "通知\n[一、目标\n[（一）甲][（二）乙]]\n附件"
    assert [c.path_label for c in tree.children] == ["一"] and tree.children[0].page == 5
    assert [c.path_label for c in tree.children[0].children] == ["一/(一)", "一/(二)"]


@pytest.fixture(scope="module")
def statistics_law(prefect_harness, tmp_path_factory):
    """统计法 as amended in 2009 and in 2024 (data/corpus/texts), ingested into a catalog of their own."""
    import shutil

    from flows.ingest.flow import ingest

    raw = tmp_path_factory.mktemp("statistics-raw")
    for year in (2009, 2024):
        shutil.copy(ROOT / "data" / "corpus" / "texts" / f"nat-statistics-law-{year}.txt", raw)
    db = tmp_path_factory.mktemp("statistics") / "catalog.duckdb"
    ingest([raw], db_path=db)
    with TestClient(create_app(db)) as client:
        yield client


def test_the_statistics_laws_revision_shows_its_fact_changes_and_renumbered_articles(statistics_law):
    front = statistics_law.get("/").text
    (current,) = re.findall(r'<a class="policy" href="http://testserver/policy/([^"]+)">中华人民共和国统计法</a>', front)
    policy = statistics_law.get(f"/policy/{current}").text
    (pair,) = re.findall(r'href="http://testserver/redline/([^"]+)"', policy)
    # both print 1983's adoption and 2010's 施行: the 2024 amendment dates the second
    assert "中华人民共和国统计法 issued 1983-12-08 已修改 since 2024-09-13 中华人民共和国统计法 issued 1983-12-08 现行有效 since 2024-09-13" in text_of(policy)
    page = statistics_law.get(f"/redline/{pair}").text
    assert "22 modified, 27 renumbered, 3 added, 9 unchanged; 5 fact changes" in page
    assert re.findall(r'<li class="fact changed">([^<]+)</li>', page) == [
        *FINES_CHANGES, "第四十五条 amount: 1万元 → 5万元"]
    assert page.count('<tr class="pair renumbered"') == 27
