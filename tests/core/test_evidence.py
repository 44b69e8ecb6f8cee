"""Evidence checks: links, text, and files sniffed by their first bytes."""

import io

import pytest

from xblock_plchoice.core.context import Limits
from xblock_plchoice.core.errors import FileTooLarge, UnsupportedFile, ValidationError
from xblock_plchoice.core.evidence import classify_upload, normalize_links, read_limited, safe_filename

from .helpers import make_ctx

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 64


@pytest.mark.parametrize("name, head, kind, mime", [
    ("diagram.png", PNG, "file", "image/png"),
    ("essay.PDF", PDF, "file", "application/pdf"),
    ("talk.webm", WEBM, "video", "video/webm"),
    ("talk.webm", WEBM, "audio", "audio/webm"),
    ("notes.md", "# Notes ✓".encode(), "file", "text/markdown"),
])
def test_accepted_files(name, head, kind, mime):
    assert classify_upload(name, head, kind)[1] == mime


@pytest.mark.parametrize("name, head, kind", [
    ("page.html", b"<html><script>alert(1)</script>", "file"),
    ("image.svg", b"<svg onload=alert(1)>", "file"),
    ("fake.png", b"<html><script>alert(1)</script>", "file"),
    ("notes.txt", b"<!DOCTYPE html><script>x</script>", "file"),
    ("binary.txt", b"\x00\x01\x02", "file"),
    ("run.exe", b"MZ\x90\x00", "file"),
    ("essay.pdf", PDF, "audio"),
    ("noext", PDF, "file"),
])
def test_refused_files(name, head, kind):
    with pytest.raises(UnsupportedFile) as caught:
        classify_upload(name, head, kind)
    assert caught.value.status == 415 and caught.value.render()


def test_size_limit_stops_the_stream():
    with pytest.raises(FileTooLarge) as caught:
        list(read_limited(io.BytesIO(b"x" * 5000), 4096, "file"))
    assert "4.0 KB" in caught.value.render()
    assert b"".join(read_limited(io.BytesIO(b"x" * 4096), 4096, "file")) == b"x" * 4096


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>", "ftp://x.org/a",
                                  "http://", "https://exa mple.org", "//evil.org"])
def test_bad_links(link):
    with pytest.raises(ValidationError):
        normalize_links([link], make_ctx())


def test_links_deduplicated_and_limited():
    ctx = make_ctx(limits=Limits(links_max=2))
    assert normalize_links(["https://a.org", "https://a.org", " http://b.org "], ctx) == ["https://a.org",
                                                                                           "http://b.org"]
    with pytest.raises(ValidationError):
        normalize_links(["https://a.org", "https://b.org", "https://c.org"], ctx)
    with pytest.raises(ValidationError):
        normalize_links("https://a.org", ctx)


def test_safe_filename():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\me\\essay.pdf") == "essay.pdf"
    assert safe_filename("\x00\n.hidden") == "hidden"
    assert safe_filename("") == "evidence"
