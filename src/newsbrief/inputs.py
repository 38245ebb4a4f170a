"""Articles for the command line: text files, HTML files, folders, URLs and standard input.

An input ``spec`` is one of:

* ``-``: standard input, read as UTF-8 text;
* an ``http://`` or ``https://`` URL: fetched (only then is there network traffic) with a
  timeout and a size limit; an HTML page is reduced to its article text with trafilatura,
  a ``text/plain`` answer is taken as it is;
* a path ending in ``.html`` or ``.htm``: reduced to its article text with trafilatura;
* any other path: a UTF-8 text file (a leading BOM is dropped, nothing else changes).

Folders are expanded by `expand_inputs` into their ``*.txt``, ``*.html`` and ``*.htm`` files,
sorted by name.  HTML needs the optional extra ``newsbrief[html]`` (trafilatura).  Every
failure is an `InputError` whose message names the input.
"""

from __future__ import annotations

import http.client
import importlib.util
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsbrief.errors import InputError

__all__ = [
    "ARTICLE_SUFFIXES",
    "HTML_EXTRA_HINT",
    "expand_inputs",
    "html_support_installed",
    "is_url",
    "needs_html",
    "read_input",
]

ARTICLE_SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
HTML_EXTRA_HINT = "pip install 'newsbrief[html]'"
STDIN_NAME = "<stdin>"
FETCH_TIMEOUT_S = 20.0
MAX_FETCH_BYTES = 20 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def is_url(spec: str) -> bool:
    """True for ``http://`` and ``https://`` URLs."""
    return re.match(r"https?://", spec, flags=re.IGNORECASE) is not None


def needs_html(spec: str) -> bool:
    """True when reading ``spec`` may need trafilatura (a URL or an .html/.htm file)."""
    return is_url(spec) or Path(spec).suffix.lower() in HTML_SUFFIXES


def html_support_installed() -> bool:
    """True when trafilatura (``newsbrief[html]``) can be imported; does not import it."""
    return importlib.util.find_spec("trafilatura") is not None


def expand_inputs(specs: Iterable[str]) -> list[str]:
    """The inputs ``specs`` name, folders replaced by their article files, sorted.

    Raises `InputError` for a path that does not exist or cannot be read, a folder with no
    article file, or ``-`` given twice.  URLs are not checked here (no network).
    """
    expanded: list[str] = []
    stdin_seen = False
    for spec in specs:
        if spec == "-":
            if stdin_seen:
                raise InputError("'-' (standard input) can be given only once")
            stdin_seen = True
            expanded.append(spec)
        elif is_url(spec):
            expanded.append(spec)
        else:
            path = Path(spec)
            if path.is_dir():
                files = sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
                )
                if not files:
                    raise InputError(f"no .txt, .html or .htm files in {spec}")
                expanded.extend(str(p) for p in files)
            elif path.is_file():
                _check_readable(path, spec)
                expanded.append(spec)
            else:
                reason = "not a file" if path.exists() else "no such file or directory"
                raise InputError(f"cannot read {spec}: {reason}")
    return expanded


def _check_readable(path: Path, spec: str) -> None:
    try:
        with path.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot read {spec}: {exc.strerror or exc}") from exc


def read_input(spec: str, *, timeout_s: float = FETCH_TIMEOUT_S) -> tuple[str, str]:
    """Read one input and return ``(name, article text)``; see the module docstring.

    ``name`` is the spec itself, or ``"<stdin>"``.  ``timeout_s`` bounds a URL fetch as a
    whole.  Raises `InputError` with a message that names the input.
    """
    if spec == "-":
        return STDIN_NAME, _decode(sys.stdin.buffer.read(), STDIN_NAME)
    if is_url(spec):
        return spec, _read_url(spec, timeout_s)
    path = Path(spec)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {spec}: {exc.strerror or exc}") from exc
    if path.suffix.lower() in HTML_SUFFIXES:
        return spec, html_to_text(data, name=spec)
    return spec, _decode(data, spec)


def _decode(data: bytes, name: str, charset: str = "utf-8") -> str:
    if charset.replace("_", "-").lower() in ("utf-8", "utf8"):
        data = data.removeprefix(_BOM)
        charset = "utf-8"
    try:
        return data.decode(charset)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} is not valid {charset} text: undecodable byte at offset {exc.start}"
        ) from exc
    except LookupError as exc:
        raise InputError(f"{name} declares an unknown charset {charset!r}") from exc


def html_to_text(html: bytes | str, *, name: str, url: str | None = None) -> str:
    """The article text of an HTML page: its title, then its paragraphs, a blank line apart.

    Raises `InputError` when trafilatura is missing or finds no article text.
    """
    try:
        import trafilatura
    except ImportError as exc:
        raise InputError(f"reading HTML needs trafilatura: {HTML_EXTRA_HINT}") from exc
    try:
        document: Any = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        raise InputError(f"{name}: cannot extract the article from the HTML: {exc}") from exc
    text = getattr(document, "text", None) or ""
    title = (getattr(document, "title", None) or "").strip()
    paragraphs = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if not paragraphs:
        raise InputError(f"{name}: no article text found in the HTML")
    # A title line has no final stop, so the sentence splitter keeps it apart as a headline.
    if title and paragraphs[0] != " ".join(title.split()):
        paragraphs.insert(0, " ".join(title.split()))
    return "\n\n".join(paragraphs) + "\n"


def _read_url(url: str, timeout_s: float) -> str:
    from newsbrief import __version__

    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": f"newsbrief/{__version__}",
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        },
    )
    deadline = time.monotonic() + timeout_s
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            content_type = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
            final_url = response.geturl()
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(64 * 1024):
                size += len(chunk)
                if size > MAX_FETCH_BYTES:
                    raise InputError(
                        f"cannot fetch {url}: larger than {MAX_FETCH_BYTES // 2**20} MB"
                    )
                if time.monotonic() > deadline:
                    raise TimeoutError
                chunks.append(chunk)
    except InputError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()
        raise InputError(f"cannot fetch {url}: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise InputError(f"cannot fetch {url}: no answer within {timeout_s:g} s") from exc
        raise InputError(f"cannot fetch {url}: {exc.reason}") from exc
    except TimeoutError as exc:
        raise InputError(f"cannot fetch {url}: no answer within {timeout_s:g} s") from exc
    except (OSError, http.client.HTTPException, ValueError) as exc:
        raise InputError(f"cannot fetch {url}: {type(exc).__name__}: {exc}") from exc
    data = b"".join(chunks)
    if content_type == "text/plain":
        return _decode(data, url, charset or "utf-8")
    if content_type in _HTML_TYPES:
        return html_to_text(data, name=url, url=final_url)
    raise InputError(f"cannot read {url}: not an HTML or text page ({content_type})")
