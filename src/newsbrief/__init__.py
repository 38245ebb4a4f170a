"""newsbrief: a news article in, a validated, source-grounded brief out.

>>> import newsbrief
>>> brief = newsbrief.summarize(text)            # embedded local model: no key, no network
>>> brief.summary, brief.claims, brief.sources, brief.figures

Every claim, source and figure carries verbatim evidence (`Span`) with character offsets
into ``brief.article``.  Submodules load lazily, so ``import newsbrief`` stays fast.
"""

from __future__ import annotations

import asyncio
import importlib
from typing import TYPE_CHECKING, Any, Unpack

if TYPE_CHECKING:
    from newsbrief.batch import BatchResult, asummarize_many, summarize_many
    from newsbrief.brief import Brief, Claim, Figure, Issue, Meta, Source, Span, Usage
    from newsbrief.errors import (
        ConfigurationError,
        FixtureError,
        FixtureMissError,
        InputError,
        ModelError,
        ModelUnavailableError,
        NewsbriefError,
        ValidationFailedError,
    )
    from newsbrief.options import Options
    from newsbrief.stream import summarize_stream

__version__ = "0.1.0"

__all__ = [
    "BatchResult",
    "Brief",
    "Claim",
    "ConfigurationError",
    "Figure",
    "FixtureError",
    "FixtureMissError",
    "InputError",
    "Issue",
    "Meta",
    "ModelError",
    "ModelUnavailableError",
    "NewsbriefError",
    "Options",
    "Source",
    "Span",
    "Usage",
    "ValidationFailedError",
    "__version__",
    "asummarize",
    "asummarize_many",
    "summarize",
    "summarize_many",
    "summarize_stream",
]

_LAZY = {
    **{name: "newsbrief.batch" for name in ("BatchResult", "asummarize_many", "summarize_many")},
    "summarize_stream": "newsbrief.stream",
    "Options": "newsbrief.options",
    **{name: "newsbrief.brief" for name in ("Brief", "Claim", "Figure", "Issue", "Meta")},
    **{name: "newsbrief.brief" for name in ("Source", "Span", "Usage")},
    **{
        name: "newsbrief.errors"
        for name in (
            "ConfigurationError",
            "FixtureError",
            "FixtureMissError",
            "InputError",
            "ModelError",
            "ModelUnavailableError",
            "NewsbriefError",
            "ValidationFailedError",
        )
    },
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'newsbrief' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def summarize(article: str | bytes, **options: Unpack[Options]) -> Brief:
    """Summarize one article into a grounded `Brief`.

    Args:
        article: the article's text (``bytes`` are decoded as UTF-8).

    Options (`newsbrief.Options`: every entry point takes the same ones):
        model: ``None`` for the embedded default model (or ``NEWSBRIEF_MODEL``);
            ``"openai/gpt-4o-mini"`` for OpenAI; ``"gguf:/path/model.gguf"`` (or any path
            ending in ``.gguf``) for another local model; with ``base_url``, the server's
            model name.
        base_url: an OpenAI-compatible server, e.g. ``"http://127.0.0.1:8080/v1"``
            (or ``NEWSBRIEF_BASE_URL``).  The article leaves the process only when
            ``model`` or ``base_url`` names a remote service.
        api_key: key for the remote service (default ``OPENAI_API_KEY``); never logged
            and never written to fixtures.
        fixtures: ``"off"`` | ``"record"`` | ``"replay"`` | ``"auto"`` (default
            ``NEWSBRIEF_FIXTURES``, else off); see `newsbrief.fixtures`.
        fixtures_dir: where recorded calls live (default ``NEWSBRIEF_FIXTURES_DIR``, else
            ``fixtures/responses``).
        strict: raise `ValidationFailedError` when an answer cannot be validated, instead
            of dropping the item and listing it in ``Brief.issues`` (default False).
        max_retries: re-asks per question after a validation failure (default 2).
        timeout_s: per-request timeout for remote servers (default 120 s).
        transport_attempts: attempts per request on connection errors, timeouts, 429 and
            5xx (default 4).
        retry_wait_s: first wait after a transport fault, doubling up to 20 s (a server's
            ``Retry-After``, up to 30 s, wins); None for the default, 1 s.

    Raises:
        InputError: the article is empty, not UTF-8 text, or over 100,000 characters.
        ConfigurationError: ``model``, ``base_url`` or ``fixtures`` is not understood.
        ModelUnavailableError: the local model cannot be loaded.
        ModelError: the backend kept failing after its retries.
        FixtureMissError: replay mode found no recorded answer.
        ValidationFailedError: only with ``strict=True``.
        TypeError: an option newsbrief does not take.
    """
    from newsbrief.options import Settings
    from newsbrief.pipeline import summarize_article

    return summarize_article(article, Settings.of(options))


async def asummarize(article: str | bytes, **options: Unpack[Options]) -> Brief:
    """`summarize` for asyncio code: runs in a worker thread, takes the same options."""
    return await asyncio.to_thread(summarize, article, **options)
