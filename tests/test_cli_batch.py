"""`newsbrief summarize` with several inputs, folders, HTML, URLs, --out and every format."""

from __future__ import annotations

import html
import json
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import newsbrief
from newsbrief import pipeline
from newsbrief.brief import Brief
from newsbrief.cli import app
from newsbrief.inputs import html_support_installed
from newsbrief.options import Settings

from .conftest import FIXTURES

RESPONSES = str(FIXTURES / "responses")
REPLAY = ["--fixtures", "replay", "--fixtures-dir", RESPONSES]
ARTICLES = FIXTURES / "articles"
CUP = ARTICLES / "cup-final-late-winner.txt"
GLACIER = ARTICLES / "glacier-retreat-survey.txt"
HARBOUR = ARTICLES / "harbour-strike-rotterdam.txt"
UNRECORDED = "Harbour pilots in the fictional port of Quellmouth walked out, the union said.\n"
runner = CliRunner()
needs_trafilatura = pytest.mark.skipif(
    not html_support_installed(), reason="needs newsbrief[html] (trafilatura)"
)

_real_summarize = pipeline.summarize_article


def run(*args: str, input: bytes | None = None) -> Any:
    return runner.invoke(app, ["summarize", *args, *REPLAY], input=input)


def as_html(article: Path) -> str:
    """An HTML page whose article text trafilatura recovers byte for byte."""
    paragraphs = article.read_text(encoding="utf-8").removesuffix("\n").split("\n\n")
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[1:])
    title = html.escape(paragraphs[0])
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><nav>Home | Sport</nav><article><h1>{title}</h1>{body}</article>"
        "<footer>All rights reserved.</footer></body></html>"
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Three recorded articles, an empty one and one with no recorded calls."""
    articles = tmp_path / "in"
    articles.mkdir()
    for path in (CUP, GLACIER, HARBOUR):
        shutil.copy(path, articles / path.name)
    (articles / "d-empty.txt").write_text("  \n", encoding="utf-8")
    (articles / "e-unrecorded.txt").write_text(UNRECORDED, encoding="utf-8")
    (articles / "notes.md").write_text("not an article", encoding="utf-8")
    return articles


def test_several_files_print_one_markdown_section_each_in_order() -> None:
    result = run(str(GLACIER), str(CUP), "-f", "markdown")
    assert result.exit_code == 0, result.output
    assert result.stdout.index(f"# {GLACIER}") < result.stdout.index(f"# {CUP}")
    assert result.stdout.count("## Figures") == 2
    assert result.stderr == ""


def test_a_folder_with_failures_writes_the_others_and_reports_each_failure(
    folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = run(str(folder), "--out", str(out), "-f", "json")
    assert result.exit_code == 1
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "cup-final-late-winner.json",
        "glacier-retreat-survey.json",
        "harbour-strike-rotterdam.json",
    ]
    for name in written:
        brief = Brief.model_validate_json((out / name).read_text(encoding="utf-8"))
        assert brief.article == (ARTICLES / name.replace(".json", ".txt")).read_text("utf-8")
    lines = result.stderr.splitlines()
    assert lines[0] == f"newsbrief: {folder / 'd-empty.txt'}: InputError: article is empty"
    assert lines[1].startswith(f"newsbrief: {folder / 'e-unrecorded.txt'}: FixtureMissError: ")
    assert len(lines) == 2
    assert "Traceback" not in result.output


def test_jsonl_has_one_record_per_input_in_order_errors_included(folder: Path) -> None:
    result = run(str(folder), "-f", "jsonl")
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == [
        str(p) for p in sorted(folder.iterdir()) if p.suffix == ".txt"
    ]
    assert [("brief" in r) for r in records] == [True, False, False, True, True]
    assert records[1]["error"] == {"type": "InputError", "message": "article is empty"}
    assert Brief.model_validate(records[0]["brief"]).article == CUP.read_text("utf-8")


def test_jsonl_with_out_writes_one_file(tmp_path: Path) -> None:
    target = tmp_path / "briefs.jsonl"
    result = run(str(CUP), str(GLACIER), "-f", "jsonl", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2


def test_one_input_with_out_writes_that_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "cup.md"
    result = run(str(CUP), "-f", "markdown", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("## Summary")
    assert result.stdout == ""


def test_rich_output_to_files_is_plain_text(tmp_path: Path) -> None:
    result = run(str(CUP), str(GLACIER), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "cup-final-late-winner.txt").read_text(encoding="utf-8")
    assert "Summary" in text and "\x1b[" not in text


def test_outputs_named_alike_get_a_number(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(CUP, other / CUP.name)
    result = run(str(CUP), str(other / CUP.name), "-f", "markdown", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "cup-final-late-winner-2.md",
        "cup-final-late-winner.md",
    ]


def test_standard_input_among_several_inputs(tmp_path: Path) -> None:
    result = run("-", str(GLACIER), "-f", "markdown", "-o", str(tmp_path), input=CUP.read_bytes())
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "glacier-retreat-survey.md",
        "stdin.md",
    ]


@needs_trafilatura
def test_an_html_file_is_summarized_from_its_article_text(tmp_path: Path) -> None:
    page = tmp_path / "cup.html"
    page.write_text(as_html(CUP), encoding="utf-8")
    result = run(str(page), "-f", "json")
    assert result.exit_code == 0, result.output
    assert Brief.model_validate_json(result.stdout).article == CUP.read_text("utf-8")


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A local web server with one article page; stopped after the test."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    page = as_html(CUP).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/news/cup-final.html"
            body = page if found else b"not found"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@needs_trafilatura
def test_a_url_is_fetched_and_a_missing_page_is_one_failure(site: str, tmp_path: Path) -> None:
    good, bad = f"{site}/news/cup-final.html", f"{site}/news/gone.html"
    result = run(good, bad, "-f", "json", "--out", str(tmp_path))
    assert result.exit_code == 1
    brief = Brief.model_validate_json((tmp_path / "cup-final.json").read_text("utf-8"))
    assert brief.article == CUP.read_text("utf-8")
    assert result.stderr.strip() == (
        f"newsbrief: {bad}: InputError: cannot fetch {bad}: HTTP 404 Not Found"
    )


def test_html_without_trafilatura_is_a_usage_error_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    page = tmp_path / "a.html"
    page.write_text("<p>x</p>", encoding="utf-8")
    for spec in (str(page), "https://example.org/news"):
        result = run(spec)
        assert result.exit_code == 2
        assert result.stderr.strip().endswith("pip install 'newsbrief[html]'")
        assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{tmp}/missing.txt"], "cannot read"),
        (["{tmp}"], "no .txt, .html or .htm files"),
        ([str(CUP), str(GLACIER), "-f", "json"], "needs --out FOLDER or --format jsonl"),
        ([str(CUP), "-j", "0"], "Invalid value"),
        ([str(CUP), "-f", "pdf"], "Invalid value"),
        ([str(CUP), "--out", str(CUP)], "would overwrite the input"),
        ([str(CUP), str(GLACIER), "--out", str(CUP)], "must be a folder"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(
    args: list[str], message: str, tmp_path: Path
) -> None:
    empty = tmp_path / "empty-folder"
    empty.mkdir()
    result = run(*[a.replace("{tmp}", str(empty)) for a in args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_html_format_writes_one_page_per_input(tmp_path: Path) -> None:
    if not hasattr(Brief, "to_html"):
        pytest.skip("Brief.to_html is not there yet")
    result = run(str(CUP), str(GLACIER), "-f", "html", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "cup-final-late-winner.html").read_text(encoding="utf-8")
    assert "<" in page and "Harbourside" in page


def test_html_format_without_to_html_is_a_clear_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if hasattr(Brief, "to_html"):
        monkeypatch.delattr(Brief, "to_html")
    result = run(str(CUP), "-f", "html")
    assert result.exit_code == 2
    assert "--format html needs Brief.to_html()" in result.stderr


def test_ctrl_c_writes_the_briefs_done_and_exits_130(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = 0

    def fake(article: str, settings: Settings, **hooks: Any) -> Brief:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return _real_summarize(article, settings, **hooks)

    monkeypatch.setattr(pipeline, "summarize_article", fake)
    inputs = [str(p) for p in sorted(ARTICLES.glob("*.txt"))[:5]]
    result = run(*inputs, "-f", "markdown", "-j", "1", "--out", str(tmp_path))
    assert result.exit_code == 130
    assert sorted(p.stem for p in tmp_path.iterdir()) == sorted(Path(i).stem for i in inputs[:2])
    assert result.stderr.strip() == "newsbrief: interrupted: 2 of 5 articles done"


def test_an_unexpected_error_is_one_line_and_a_traceback_only_with_debug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake(article: str, settings: Settings, **hooks: Any) -> Brief:
        if "Quellmouth" in article:
            raise RuntimeError("boom")
        return _real_summarize(article, settings, **hooks)

    monkeypatch.setattr(pipeline, "summarize_article", fake)
    result = runner.invoke(
        app,
        ["summarize", str(CUP), "-", "-f", "jsonl", *REPLAY],
        input=UNRECORDED.encode(),
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "newsbrief: <stdin>: NewsbriefError: unexpected RuntimeError: boom"
    )
    debug = runner.invoke(
        app,
        ["summarize", str(CUP), "-", "-f", "jsonl", "--debug", *REPLAY],
        input=UNRECORDED.encode(),
    )
    assert debug.exit_code == 1
    assert "Traceback" in debug.stderr and "RuntimeError: boom" in debug.stderr


def test_several_inputs_go_through_summarize_many_with_the_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    def fake(articles: list[str], **kwargs: Any) -> list[newsbrief.BatchResult]:
        seen.update(kwargs, count=len(articles))
        return [
            newsbrief.BatchResult(i, error=newsbrief.ModelError("down"))
            for i in range(len(articles))
        ]

    monkeypatch.setattr(newsbrief, "summarize_many", fake)
    result = runner.invoke(
        app,
        ["summarize", str(CUP), str(GLACIER), "-j", "3", "--model", "openai/x", "--strict"],
    )
    assert result.exit_code == 1
    assert seen["concurrency"] == 3 and seen["progress"] is False
    assert seen["model"] == "openai/x" and seen["strict"] is True and seen["count"] == 2
    assert seen["lockstep"] is False
    assert result.stderr.splitlines() == [
        f"newsbrief: {CUP}: ModelError: down",
        f"newsbrief: {GLACIER}: ModelError: down",
    ]


def test_lockstep_reaches_summarize_many(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    def fake(articles: list[str], **kwargs: Any) -> list[newsbrief.BatchResult]:
        seen.update(kwargs)
        return [newsbrief.BatchResult(i, error=newsbrief.ModelError("down")) for i in range(2)]

    monkeypatch.setattr(newsbrief, "summarize_many", fake)
    runner.invoke(app, ["summarize", str(CUP), str(GLACIER), "-j", "8", "--lockstep"])
    assert seen["lockstep"] is True and seen["concurrency"] == 8
