from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from citybrand_kg.errors import InputError
from citybrand_kg.read.documents import html_main_text, normalized, read_document

TEXT = "关于对市政协第12号提案的答复\n张三委员：\n您提出的建议收悉。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
    ],
)
def test_text_files_decode_exactly(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "reply.txt"
    path.write_bytes(data)
    document = read_document(path)
    assert document.text == TEXT
    assert document.encoding == encoding
    assert document.source == "reply.txt"


def test_crlf_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes("第一行\r\n第二行".encode())
    assert read_document(path).text == "第一行\r\n第二行"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03PK\x00\x00binary", "binary"),
        (b"   \n\t  ", "no text"),
        (bytes(range(128, 256)) * 4, "neither UTF-8 nor GB18030"),
    ],
)
def test_bad_files_get_one_sentence_naming_them(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_document(path)
    text = str(info.value)
    assert str(path) in text and message in text
    assert "\n" not in text


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_document(tmp_path / "nope.txt")


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(InputError, match="larger than the 20 MB limit"):
        read_document(path)


def test_html_main_text_drops_scripts_and_navigation(tmp_path: Path) -> None:
    page = "<html><head><title>标题</title><script>var x='不要';</script></head><body><nav>首页 | 导航</nav><div><p>王五代表：</p><p>您好！答复如下。</p></div><footer>版权所有</footer></body></html>"
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    document = read_document(path)
    assert document.text == "王五代表：\n您好！答复如下。"
    assert document.media_type == "text/html"
    assert html_main_text("<p>a&amp;b</p>") == "a&b"


def test_docx_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "reply.docx"
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>李四委员：</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>现答复</w:t></w:r><w:r><w:t>如下。</w:t></w:r></w:p>"
        "</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", body)
    assert read_document(path).text == "李四委员：\n现答复如下。"


def test_broken_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="not a readable .docx"):
        read_document(path)


@pytest.mark.parametrize("text", ["（一）ＡＢＣ１２３，", "㈠ ﬁ ＂", "普通文本", ""])
def test_normalized_view_keeps_offsets(text: str) -> None:
    folded = normalized(text)
    assert len(folded) == len(text)


def test_normalized_folds_full_width_forms() -> None:
    assert normalized("（１２）：Ａ") == "(12):A"


@pytest.mark.parametrize(("text", "expected"), [
    ('打响"山海之城"品牌', "打响“山海之城”品牌"),
    ("打响＂山海之城＂、＂温泉之乡＂品牌", "打响“山海之城”、“温泉之乡”品牌"),
    ('一行"甲\n乙"行', '一行"甲\n乙"行'),  # a mark without its pair on the line stays
    ('5" 屏', '5" 屏'),
])
def test_normalized_pairs_straight_quotes_within_a_line(text: str, expected: str) -> None:
    assert normalized(text) == expected
