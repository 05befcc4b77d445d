"""HTML policy pages → article text (extractors/html_text.py), on pages shaped like bureaus' CMSs."""
from __future__ import annotations

from extractors.html_text import decode_html, html_article, page_links

ZOOM_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>北京经济技术开发区关于推动经济持续回升向好的若干措施_北京经济技术开发区门户网站</title>
<style>p { color: red }</style></head><body>
<div id="header"><ul><li><a href="/">首页</a></li><li>政务公开</li></ul></div>
<div class="main"><div id="zoom">
<p>一、支持企业扩大生产</p>
<p>（一）对年产值首次突破5亿元的企业，给予最高<strong>2000万元</strong>奖励。</p>
<table><tr><td>档次</td><td>奖励</td></tr><tr><td>5亿元</td><td>200万元</td></tr></table>
</div></div><div id="footer">网站标识码 1100000000 京ICP备05000000号</div></body></html>"""


def test_zoom_container_title_without_site_name_and_table_rows():
    article = html_article(ZOOM_PAGE)
    assert article.title == "北京经济技术开发区关于推动经济持续回升向好的若干措施"
    assert article.text == (
        "北京经济技术开发区关于推动经济持续回升向好的若干措施\n"
        "一、支持企业扩大生产\n"
        "（一）对年产值首次突破5亿元的企业，给予最高2000万元奖励。\n"
        "档次\t奖励\n5亿元\t200万元\n")


def test_gb2312_page_decoded_by_its_meta_charset():
    body = ZOOM_PAGE.encode("gb18030")
    assert decode_html(body) == ZOOM_PAGE
    assert decode_html(body, "GBK") == ZOOM_PAGE  # a declared GBK is read as GB18030


def test_densest_block_without_a_known_container():
    page = ("<html><body><div class='side'><a href='/a'>相关链接一</a><a href='/b'>相关链接二</a></div>"
            "<div class='c'><span>发布时间：2025-04-30</span></div>"
            "<div class='x'><p>第一条 为促进产业发展，制定本办法。</p><p>第二条 本办法自发布之日起施行。</p></div>"
            "</body></html>")
    assert html_article(page).paragraphs == ("第一条 为促进产业发展，制定本办法。", "第二条 本办法自发布之日起施行。")


def test_unclosed_head_and_no_text():
    assert html_article("<html><head><title>通知</title><body><div class='TRS_Editor'><p>"
                        "第一条 本办法由区科技和产业促进局负责解释。</p></div>").paragraphs == (
        "第一条 本办法由区科技和产业促进局负责解释。",)
    assert html_article("").paragraphs == () and html_article("").text == ""


def test_page_links_absolute_once_without_fragments():
    html = "<a href='a.pdf#page=2'>a</a><a href='/b.txt'> b </a><a href='a.pdf'>again</a><a href='mailto:x@y'>m</a>"
    assert page_links(html, "http://127.0.0.1:8000/list/") == [
        ("http://127.0.0.1:8000/list/a.pdf", "a"), ("http://127.0.0.1:8000/b.txt", "b")]
