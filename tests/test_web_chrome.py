"""Web-page chrome (breadcrumbs, widgets, page metadata, footers) at a saved page's head and tail."""
from pathlib import Path

import pytest

from extractors.clean import clean_text_source
from extractors.segment import article_tree
from extractors.split import split_documents
from extractors.web_chrome import is_web_chrome, web_chrome_lines

DATA = Path(__file__).resolve().parent.parent / "data"

# Lines as the pages print them (the page named per line).
CHROME = [
    ("您的位置: 首页 » 法律资料网 » 法律法规 »", "http://law633.infoeach.com/view-NjMzfDE1Mw==.html"),
    ("时间:2024-04-29 19:28:23 来源: 法律资料网 作者:法律资料网 阅读:9237", "http://law633.infoeach.com/view-NjMzfDE1Mw==.html"),
    ("下载地址: 点击此处下载", "http://law604.infoeach.com/view-NjA0fDI2NA==.html"),
    ("作者:法律资料网 时间:2024-07-22 08:17:50   浏览:8464   来源:法律资料网", "http://law604.infoeach.com/view-NjA0fDI2NA==.html"),
    ("热门站点| 世界资料网 | 专利资料网 | 世界资料网论坛", "http://law331.infoeach.com/view-MzMxfDEyNjA1Mw==.html"),
    ("收藏本站| 设为首页| 首页", "http://law331.infoeach.com/view-MzMxfDEyNjA1Mw==.html"),
    ("浏览量:          时间:2016-01-17 23:45:19", "https://0798ci.com/law/8240.html"),
    ("当前位置:首页 > 政务公开 > 依申请公开须知", "https://www.32y984sdnfdf.com/html/applypublicnotic.html"),
    ("您当前的位置:首页 >政务公开 >法定主动公开内容 >应急预案",
     "http://cqlp.gov.cn/qs/zwgk_29815/fdzdgknr_29817/yjya/202306/t20230603_12026259.html"),
    ("当前位置:工程项目OA系统 > OA系统企业版 > 相关软件 > 公文管理系统", "https://www.fanpusoft.com/xingzheng/gw/88784.html"),
    ("发布时间:2020-09-27  分类:天富娱乐招商  作者:dadiao  浏览:16", "https://www.ivcon.net/post/14589.html"),
    # Mirror sites print the traditional forms.
    ("當前位置 : 首頁 > 行業新聞 > 政策法規", "http://www.hooverssubs.com/28/16009.html"),
    ("發布時間:2025-03-24 19:15 來源:新華社", "http://www.hwali.cn/gyhxxhb/jgsj/zxqyj/mtjj/art/2025/art_719b4798fae444ee86004342f992a33b.html"),
    ("發布時間:2023-03-15 09:28信息來源:懷化市人民政府辦公室",
     "http://jzmfx.com/huaihua/c135241/202304/e2610237152548d1a17d78a4f72d9cbb.shtml"),
    ("返回首頁 | 今天是 |", "http://www.nokiadz.com/index.php/detail/fg/1891"),
    ("發布日期:2021-08-27    閱讀: 3202次", "http://www.nokiadz.com/index.php/detail/fg/1891"),
    ("网易首页>网易号>正文", "issue 19: a 网易号 page whose chrome became the title"),
]
# Lines of the same pages that belong to the document.
NOT_CHROME = [
    ("中华人民共和国国家通用语言文字法", "http://law633.infoeach.com/view-NjMzfDE1Mw==.html"),
    ("全国人民代表大会常务委员会", "http://law633.infoeach.com/view-NjMzfDE1Mw==.html"),
    ("2000年10月31日", "http://law633.infoeach.com/view-NjMzfDE1Mw==.html"),
    ("中华人民共和国主席令(九届第37号)", "http://law633.infoeach.com/view-NjMzfDE1Mw==.html"),
    ("(1991年3月26日济南市人民政府令19号发布)", "http://law331.infoeach.com/view-MzMxfDEyNjA1Mw==.html"),
    ("科工法字[2000] 851号", "http://law907.infoeach.com/view-OTA3fDc3MTI0.html"),
    ("各军工集团公司,各省、自治区、直辖市国防科技工业管理机构,委管各单位,国务院有关部门:", "http://law907.infoeach.com/view-OTA3fDc3MTI0.html"),
    ("鲁政发〔2014〕20号", "https://0798ci.com/law/8240.html"),
    ("HHCR-2023-01005", "http://jzmfx.com/huaihua/c135241/202304/e2610237152548d1a17d78a4f72d9cbb.shtml"),
    # A government site's information box is the document's metadata, not the site's.
    ("[ 成文日期 ] 2023-06-03 [ 发布日期 ] 2023-06-03",
     "http://cqlp.gov.cn/qs/zwgk_29815/fdzdgknr_29817/yjya/202306/t20230603_12026259.html"),
    ("发布机构:政府办, 发文日期:2020年05月07日",
     "http://zjkyx.gov.cn/govaffair/content.jsp?code=746899294/2020-34839&name=%E8%A7%84%E8%8C%83%E6%80%A7%E6%96%87%E4%BB%B6"),
]


@pytest.mark.parametrize("line,page", CHROME, ids=[c[0] for c in CHROME])
def test_chrome_lines(line, page):
    assert is_web_chrome(line)


@pytest.mark.parametrize("line,page", NOT_CHROME, ids=[c[0] for c in NOT_CHROME])
def test_document_lines_are_not_chrome(line, page):
    assert not is_web_chrome(line)


def corpus_texts():
    return sorted((DATA / "samples").glob("*.txt")) + sorted((DATA / "corpus" / "texts").glob("*.txt"))


@pytest.mark.parametrize("path", corpus_texts(), ids=lambda p: p.name)
def test_no_line_of_a_corpus_document_is_chrome(path):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert [lines[i] for i in sorted(web_chrome_lines(lines))] == []


# The head of http://law633.infoeach.com/view-NjMzfDE1Mw==.html as saved from the browser.
LANGUAGE_LAW_PAGE = """您的位置: 首页 » 法律资料网 » 法律法规 »

中华人民共和国国家通用语言文字法

时间:2024-04-29 19:28:23 来源: 法律资料网 作者:法律资料网 阅读:9237
下载地址: 点击此处下载

中华人民共和国国家通用语言文字法

全国人民代表大会常务委员会


中华人民共和国主席令(九届第37号)

《中华人民共和国国家通用语言文字法》已由中华人民共和国第九届全国人民代表大会常务委员会第十八次会议于2000年10月31日通过,现予公布,自2001年1月1日起施行。

                 中华人民共和国主席 江泽民
                         2000年10月31日


中华人民共和国国家通用语言文字法


(2000年10月31日第九届全国人民代表大会常务委员会第十八次会议通过 2000年10月31日中华人民共和国主席令第三十七号公布 自2001年1月1日起施行)

目录
第一章 总则
第二章 国家通用语言文字的使用
第三章 管理和监督
第四章 附则
第一章 总则
第一条 为推动国家通用语言文字的规范化、标准化及其健康发展,使国家通用语言文字在社会生活中更好地发挥作用,促进各民族、各地区经济文化交流,根据宪法,制定本法。
第二条 本法所称的国家通用语言文字是普通话和规范汉字。
"""
# The head of http://law331.infoeach.com/view-MzMxfDEyNjA1Mw==.html, site links first.
CULTURE_MARKET_PAGE = """热门站点| 世界资料网 | 专利资料网 | 世界资料网论坛
收藏本站| 设为首页| 首页

济南市文化娱乐市场管理规定

作者:法律资料网 时间:2024-07-22 18:21:41  浏览:9436   来源:法律资料网
下载地址: 点击此处下载

济南市文化娱乐市场管理规定

山东省济南市人民政府


济南市文化娱乐市场管理规定

 (1991年3月26日济南市人民政府令19号发布)




 第一条 为加强本市文化娱乐市场管理,促进社会主义精神文明建设,根据国家有关规定和《山东省文化市场管理条例》,结合本市实际情况,制定本规定。


 第二条 本规定所称文化娱乐经营活动系指营业性文艺演出、电影放映、文化艺术品展销、文化艺术培训、时装表演和经营游艺场、歌舞厅、音乐茶(餐)座、台球、电子游戏、字画裱贴销售等以及为文化娱乐演出提供场所和其他中介服务取得经济收入的活动(“卡拉OK”经营管理执行省有关规定)。
"""


@pytest.mark.parametrize("page,title,number,issued,chapters", [
    (LANGUAGE_LAW_PAGE, "中华人民共和国国家通用语言文字法", "中华人民共和国主席令第三十七号", "2000-10-31", 1),
    (CULTURE_MARKET_PAGE, "济南市文化娱乐市场管理规定", "济南市人民政府令19号", "1991-03-26", 0),
])
def test_page_chrome_never_becomes_title(page, title, number, issued, chapters):
    clean = clean_text_source(page)
    assert not any(word in clean.text for word in ("法律资料网", "点击此处下载", "首页"))
    _, [span] = split_documents(clean)
    assert (span.title, span.doc_number, span.issued_date.isoformat()) == (title, number, issued)
    tree = article_tree(span.text)
    assert sum(n.kind == "chapter" for n in tree.nodes) == chapters


def test_tail_chrome_after_the_last_provision():
    # Site rows after the last article (law331's link rows, which other pages print at their
    # foot) go; a signature and its date after the last sentence stay.
    last = "第二十四条 本办法自公布之日起施行。"
    assert web_chrome_lines([last, "热门站点| 世界资料网 | 专利资料网 | 世界资料网论坛", "收藏本站| 设为首页| 首页"]) == {1, 2}
    assert web_chrome_lines([last, "北京市商务局", "2025 年 6 月 19 日"]) == set()
