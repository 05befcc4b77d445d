"""Stage 1 (read): encodings of text sources, and PDFs read into pages of lines and tables."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.read import decode_text, read_pdf
from schemas.errors import BadInputError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


@pytest.fixture(scope="module")
def jjgf_text() -> str:
    return (SAMPLES / "jjgf-2025-9.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def gazette_pages():
    return read_pdf(SAMPLES / "beijing-gazette-2025-27.pdf")


@pytest.mark.parametrize("encode", [
    lambda t: t.encode("utf-8"),
    lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    lambda t: t.encode("gb18030"),
    lambda t: t.encode("gbk"),
    lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
    lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
    lambda t: t.encode("utf-16-le"),
    lambda t: t.encode("utf-16-be"),
], ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-le-bom", "utf-16-be-bom",
        "utf-16-le-no-bom", "utf-16-be-no-bom"])
def test_every_encoding_decodes_to_the_same_text(jjgf_text, encode):
    assert decode_text(encode(jjgf_text), "jjgf-2025-9.txt") == jjgf_text


def test_the_corpus_texts_decode():
    for path in SAMPLES.glob("*.txt"):
        assert decode_text(path.read_bytes(), path.name) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"\xef\xbb\xbf\r\n  \n", "empty file"),
    (bytes(range(256)) * 8, "binary data"),
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "binary data"),
    ("第一条\x01\x02总则".encode(), "binary data"),
    (b"<!DOCTYPE html>\n<html><body>\xe5\x85\xac\xe6\x8a\xa5</body></html>", "HTML page"),
    (b"  <html lang='zh'>", "HTML page"),
    (b"caf\xe9 au lait \x80\x81", "encoding not detected"),
    (b"\xff\xfe\x00\xd8", "invalid utf-16-le"),
], ids=["empty", "bom-only", "bytes", "png", "control-chars", "doctype", "html", "latin-1", "bad-utf16"])
def test_bad_text_input_is_refused_with_the_file_name(data, reason):
    with pytest.raises(BadInputError) as error:
        decode_text(data, "policy-2025.txt")
    assert str(error.value).startswith("policy-2025.txt: ")
    assert reason in str(error.value)


def test_pdf_pages_keep_lines_and_tables(gazette_pages):
    assert len(gazette_pages) == 79
    assert [p.number for p in gazette_pages if p.tables] == [54, 55, 57, 61, 62, 63, 64, 65]
    page = gazette_pages[66]
    assert page.number == 67
    assert page.lines[0].text == "北京市人民政府公报\t2025年第27期"
    title = page.lines[1]
    assert (title.text, round(title.x0, 1), round(title.x1, 1), title.size) == (
        "北京经济技术开发区管理委员会", 146.6, 454.6, 22.0)
    assert "Bold" in title.font and "+" not in title.font
    assert page.lines[-1].text == "— 67 —"


def test_pdf_tables_read_row_by_row(gazette_pages):
    first = gazette_pages[53].tables[0]
    assert first.rows[0] == ("指标\n类别", "指标名称", "指标说明")
    assert first.rows[2] == ("", "2. 收入情况", "评价周期内营业收入情况,包含生产性服务业营业收入。")
    assert len(first.rows) == 13
    # the words of a table are not also read as lines
    assert not any("收入情况" in line.text for line in gazette_pages[53].lines)


def test_pdf_text_keeps_printed_spaces_only(gazette_pages):
    texts = [line.text for page in gazette_pages for line in page.lines]
    assert "北京市商务局关于进一步扩围 2025 年消费品" in texts
    assert "为深入贯彻落实《国家发展改革委 财政部关于 2025 年加" in texts
    assert "2025年7月24日 第27期 北京市人民政府办公厅主办" in texts
    # a tab stop, where pdfplumber's extract_text() puts a space between two Chinese characters
    assert "2025年第27期\t北京市人民政府公报" in texts
    # pdfium merges the two printed spaces into one (changping: "第一条  为贯彻")
    pages = read_pdf(SAMPLES / "changping-pharma-2025-draft.pdf")
    assert pages[0].lines[5].text.startswith("第一条  为贯彻落实")


def test_pdf_line_end_hyphen_is_a_hyphen():
    pages = read_pdf(SAMPLES / "changping-pharma-2025-draft.pdf")
    texts = [line.text for page in pages for line in page.lines]
    assert any(text.endswith("早期研发-") for text in texts)


def test_encrypted_pdf_is_refused(tmp_path):
    path = tmp_path / "locked.pdf"
    path.write_bytes(encrypted_pdf())
    with pytest.raises(BadInputError, match=r"^locked\.pdf: encrypted PDF"):
        read_pdf(path)


@pytest.mark.parametrize(("data", "reason"), [
    (lambda pdf: pdf[: len(pdf) // 2], "truncated PDF"),
    (lambda pdf: b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "damaged PDF"),
    (lambda pdf: b"<html>not a pdf</html>", "not a PDF"),
], ids=["truncated", "corrupt", "not-pdf"])
def test_broken_pdf_is_refused(tmp_path, data, reason):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data((SAMPLES / "jjgf-2025-9.pdf").read_bytes()))
    with pytest.raises(BadInputError, match=rf"^broken\.pdf: {reason}"):
        read_pdf(path)


def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler whose user password is not empty."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -44 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s><%s>] >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, b"ab" * 16, b"ab" * 16, xref))
    return bytes(out)
