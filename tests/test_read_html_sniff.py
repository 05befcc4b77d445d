"""An HTML page saved under a text name is refused as HTML, however its head begins; a policy
text that mentions a tag is still text."""
from __future__ import annotations

import pytest

from extractors.html_sniff import looks_like_html
from extractors.read import decode_text, iter_decoded
from schemas.errors import BadInputError

PAGE = "<html><head><meta charset='utf-8'><title>关于印发《支持办法》的通知</title></head><body><p>第一条</p></body></html>"
SAVED = "<!-- saved from url=(0045)https://www.beijing.gov.cn/zhengce/zhengcefagui/ -->\n" + PAGE
XHTML = ('<?xml version="1.0" encoding="UTF-8"?>\n'
         '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
         '<html xmlns="http://www.w3.org/1999/xhtml"><body><div>第一条</div></body></html>')
# A fragment of a page, saved from its article container.
FRAGMENT = ("<div class='TRS_Editor'><p>第一条 为促进产业发展，制定本办法。</p><p>第二条 本办法适用于本区企业。</p>"
            "<p>第三条 本办法自发布之日起施行。</p></div><div class='share'></div>")
POLICY = ("关于加强政府网站建设的通知\n"
          "一、各单位网页应以<html>标签开头，并在<head>中以<meta>声明编码。\n"
          "二、本通知自发布之日起施行。\n")


@pytest.mark.parametrize("data", [
    SAVED.encode("utf-8"),
    XHTML.encode("utf-8"),
    b"\xef\xbb\xbf\r\n\r\n   \n" + PAGE.upper().encode("utf-8"),
    "\n\n<!-- 另存为 -->\n<!-- another comment -->\n".encode("gb18030") + PAGE.encode("gb18030"),
    b"\xff\xfe" + ("\n" * 3 + "<body><p>" + "第一条" * 50 + "</p></body>").encode("utf-16-le"),
    FRAGMENT.encode("utf-8"),
], ids=["saved-from-comment", "xml-declaration-xhtml", "bom-blank-lines-upper-case",
        "comments-gb18030", "utf16-bom-leading-lines-body", "saved-fragment"])
def test_a_saved_page_is_refused_as_html(data):
    with pytest.raises(BadInputError) as error:
        decode_text(data, "page.txt")
    assert str(error.value) == ("page.txt: an HTML page saved as text; save the document's text "
                                "(or the PDF) instead")


def test_a_policy_text_that_mentions_tags_is_still_text():
    assert decode_text(POLICY.encode("utf-8"), "policy.txt") == POLICY
    assert not looks_like_html(POLICY * 200)


def test_a_page_too_large_to_hold_is_refused_as_html_too(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(SAVED + "<p>第一条</p>" * 1000, encoding="utf-8")
    with pytest.raises(BadInputError, match="^page.txt: an HTML page saved as text"):
        list(iter_decoded(path, path.name))
    path.write_text(POLICY * 1000, encoding="utf-8")
    assert "".join(iter_decoded(path, path.name)) == POLICY * 1000
