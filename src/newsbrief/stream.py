"""A brief that grows while it is made: partial briefs as the questions are answered.

The pipeline asks one question per body sentence, then one per number, then one for the
summary.  `summarize_stream` runs `newsbrief.pipeline.summarize_article` in a daemon worker
thread with an ``on_progress`` hook that hands over a partial `Brief` after each question,
and yields those briefs in order, the finished brief last.  An error in the pipeline is
re-raised in the consumer (after the partial briefs made before it).

Closing the iterator early (``break`` out of the loop, ``close()``, garbage collection, or
Ctrl-C in the consumer) stops the worker at its next question; the question under way is
not interrupted.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Unpack

from newsbrief.options import Options, Settings

if TYPE_CHECKING:
    from newsbrief.brief import Brief

__all__ = ["summarize_stream"]

_POLL_S = 0.1  # how often the consumer wakes up, so Ctrl-C is seen on every platform


class _StreamClosed(BaseException):
    """Raised inside the worker when nobody reads the stream any more.

    A `BaseException`, like `GeneratorExit`, so that no ``except Exception`` in the
    pipeline mistakes it for a failure to report.
    """


def summarize_stream(article: str | bytes, **options: Unpack[Options]) -> Iterator[Brief]:
    """Yield partial briefs while ``article`` is summarized, then the final `Brief`.

    ``options`` are those of `newsbrief.summarize`.  Partial briefs are valid `Brief`
    objects holding what has been grounded so far; the last brief yielded is the one
    `newsbrief.summarize` would return.  Work starts at the first ``next()``.

    Raises:
        TypeError: an option newsbrief does not take, at once.
        (from the iteration): whatever `newsbrief.summarize` raises.
    """
    return _stream(article, Settings.of(options))


def _stream(article: str | bytes, settings: Settings) -> Iterator[Brief]:
    from newsbrief import pipeline

    events: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    closed = threading.Event()

    def on_progress(partial: Brief) -> None:
        if closed.is_set():
            raise _StreamClosed
        events.put(("partial", partial))

    def work() -> None:
        try:
            brief = pipeline.summarize_article(article, settings, on_progress=on_progress)
        except _StreamClosed:
            return
        except BaseException as exc:  # handed to the consumer, who re-raises it
            events.put(("error", exc))
        else:
            events.put(("final", brief))

    context = contextvars.copy_context()
    thread = threading.Thread(
        target=context.run, args=(work,), name="newsbrief-stream", daemon=True
    )
    thread.start()
    try:
        while True:
            kind, value = _next(events)
            if kind == "error":
                raise value
            yield value
            if kind == "final":
                return
    finally:
        closed.set()


def _next(events: queue.SimpleQueue[tuple[str, Any]]) -> tuple[str, Any]:
    while True:
        try:
            return events.get(timeout=_POLL_S)
        except queue.Empty:
            continue
