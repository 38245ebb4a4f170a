"""read_input / expand_inputs: text, HTML, folders, stdin and URLs (a local server, no network)."""

from __future__ import annotations

import io
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsbrief.errors import InputError
from newsbrief.inputs import (
    expand_inputs,
    html_support_installed,
    is_url,
    needs_html,
    read_input,
)

from .conftest import SEED

pytest.importorskip("trafilatura")

PARAGRAPH_1 = (
    "NATO may expand the number of troops present in Iraq for its training mission from 500 "
    "to as high as 5,000, several diplomats told Reuters."
)
PARAGRAPH_2 = (
    "The military alliance’s defence ministers are set to agree to the specifics of the "
    "expansion plan in a video conference on Thursday, officials said."
)
PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>NATO may expand troops in Iraq – Rudaw</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>NATO may expand troops in Iraq</h1>
<p>{PARAGRAPH_1}</p>
<p>{PARAGRAPH_2}</p>
</article>
<footer>Copyright 2021 Rudaw Media Network. All rights reserved.</footer>
</body></html>
""".encode()
EMPTY_PAGE = b"<!doctype html><html><head><title>x</title></head><body></body></html>"


def assert_is_the_article(text: str) -> None:
    paragraphs = text.removesuffix("\n").split("\n\n")
    assert paragraphs[0] == "NATO may expand troops in Iraq"
    assert PARAGRAPH_1 in paragraphs and PARAGRAPH_2 in paragraphs
    assert "Home" not in text and "Copyright" not in text
    assert text.endswith("\n")


# ---------------------------------------------------------------- files, folders, stdin


def test_a_text_file_is_read_exactly_without_its_bom(tmp_path: Path) -> None:
    raw = "Headline\r\n\r\n“Quoted,” she said — 5,000 troops.\u00a0\n"
    path = tmp_path / "a.txt"
    path.write_bytes(b"\xef\xbb\xbf" + raw.encode())
    assert read_input(str(path)) == (str(path), raw)


def test_a_text_file_that_is_not_utf8_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Café owners said prices rose.".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.txt is not valid utf-8 text"):
        read_input(str(path))


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_input(str(tmp_path / "nope.txt"))


def test_an_html_file_becomes_its_article_text(tmp_path: Path) -> None:
    path = tmp_path / "page.HTM"
    path.write_bytes(PAGE)
    name, text = read_input(str(path))
    assert name == str(path)
    assert_is_the_article(text)


def test_an_html_file_without_article_text_says_so(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_bytes(EMPTY_PAGE)
    with pytest.raises(InputError, match="no article text found"):
        read_input(str(path))


def test_missing_trafilatura_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import now fails
    assert not html_support_installed()
    path = tmp_path / "page.html"
    path.write_bytes(PAGE)
    with pytest.raises(InputError, match=r"pip install 'newsbrief\[html\]'"):
        read_input(str(path))


def test_standard_input_is_read_as_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    data = SEED.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    assert read_input("-") == ("<stdin>", data.decode("utf-8"))


def test_a_folder_expands_to_its_articles_sorted(tmp_path: Path) -> None:
    for name in ("b.txt", "a.html", "c.htm", "notes.md", "z.TXT"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub.txt").mkdir()  # a folder named like an article is not one
    expected = [str(tmp_path / n) for n in ("a.html", "b.txt", "c.htm", "z.TXT")]
    assert expand_inputs([str(tmp_path), "-", "https://example.org/a"]) == [
        *expected,
        "-",
        "https://example.org/a",
    ]


def test_expanding_rejects_what_cannot_be_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        expand_inputs([str(tmp_path / "missing.txt")])
    with pytest.raises(InputError, match=r"no \.txt, \.html or \.htm files"):
        expand_inputs([str(tmp_path)])
    with pytest.raises(InputError, match="only once"):
        expand_inputs(["-", "-"])


def test_what_needs_html_extraction() -> None:
    assert is_url("https://example.org/x") and is_url("HTTP://example.org")
    assert not is_url("ftp://example.org/x") and not is_url("article.txt")
    assert needs_html("page.html") and needs_html("PAGE.HTM") and needs_html("http://x.org/a.txt")
    assert not needs_html("article.txt") and not needs_html("-")


# ---------------------------------------------------------------- URLs, from a local server


class _Handler(BaseHTTPRequestHandler):
    release: threading.Event

    def do_GET(self) -> None:
        routes: dict[str, tuple[int, str, bytes]] = {
            "/article": (200, "text/html; charset=utf-8", PAGE),
            "/plain.txt": (200, "text/plain; charset=utf-8", "Plain “text”.\n".encode()),
            "/latin1.txt": (200, "text/plain; charset=iso-8859-1", "Café.\n".encode("latin-1")),
            "/empty": (200, "text/html", EMPTY_PAGE),
            "/image.png": (200, "image/png", b"\x89PNG\r\n"),
        }
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/article")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/slow":
            self.release.wait(5)  # bounded: the test's timeout is far shorter
        status, content_type, body = routes.get(
            self.path, (404, "text/plain", b"not found") if self.path != "/slow" else (200, "", b"")
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type or "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_a_url_to_an_html_page_becomes_its_article_text(server: str) -> None:
    name, text = read_input(f"{server}/article")
    assert name == f"{server}/article"
    assert_is_the_article(text)


def test_a_redirect_is_followed(server: str) -> None:
    assert_is_the_article(read_input(f"{server}/moved")[1])


def test_a_plain_text_url_is_taken_as_it_is_in_its_charset(server: str) -> None:
    assert read_input(f"{server}/plain.txt")[1] == "Plain “text”.\n"
    assert read_input(f"{server}/latin1.txt")[1] == "Café.\n"


def test_an_http_error_is_one_clear_input_error(server: str) -> None:
    with pytest.raises(InputError, match=r"cannot fetch .*/missing: HTTP 404"):
        read_input(f"{server}/missing")


def test_a_page_that_is_neither_html_nor_text_is_refused(server: str) -> None:
    with pytest.raises(InputError, match=r"not an HTML or text page \(image/png\)"):
        read_input(f"{server}/image.png")


def test_a_page_without_article_text_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="no article text found"):
        read_input(f"{server}/empty")


def test_a_slow_server_times_out(server: str) -> None:
    began = time.monotonic()
    with pytest.raises(InputError, match=r"no answer within 0\.3 s"):
        read_input(f"{server}/slow", timeout_s=0.3)
    assert time.monotonic() - began < 3


def test_a_refused_connection_is_an_input_error(server: str) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(InputError, match="cannot fetch"):
        read_input(f"http://127.0.0.1:{port}/article", timeout_s=2)
