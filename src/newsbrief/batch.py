"""Many articles at once: order kept, one result per article, a progress bar, Ctrl-C safe.

`summarize_many` (and its asyncio twin `asummarize_many`) run the pipeline once per article
(`newsbrief.pipeline.summarize_article`, what `newsbrief.summarize` runs) and return one
`BatchResult` per article, in input order.  A failing article never costs the others: its
`NewsbriefError` is kept in its result, and any other exception an article raises is wrapped
in a plain `NewsbriefError` (the original chained as ``__cause__``).

Concurrency.  The embedded and GGUF backends serve one generation at a time per loaded
model, so the default is one article at a time; remote backends (``base_url=`` or
``model="openai/..."``, see `newsbrief.backends.resolve_backend`) default to 4 articles at once.
``concurrency=`` overrides both.  Articles run in daemon worker threads, started one by one
as slots free up, so at most ``concurrency`` articles are in flight.

Lockstep.  ``lockstep=True`` is for a server that answers one request at a time and caches
a single prompt prefix, as llama-cpp-python's does.  The articles then run in groups of
``concurrency``, stage by stage (attributions, claim rewrites, figures, summary): the whole
group's questions of one kind, article after article, then the next kind; the next group
starts when the whole group is done.  Such a server otherwise reads a kind's instructions
and examples again for every article, at every change of kind; in lockstep it reads them
once per group (bench/README.md has the measured difference).  The cost: one question at a
time goes out, and results arrive a group at a time.  Briefs are the same either way.

Cancellation.  Ctrl-C (a `KeyboardInterrupt` in the calling thread) stops the batch at once:
no new article is started, articles already finished keep their briefs, and every other
result gets ``error=NewsbriefError("cancelled: ...")`` and ``cancelled=True``; then
`summarize_many` *returns* (it does not re-raise).  A `KeyboardInterrupt` raised inside an
article's own call is treated the same way.  Articles that were running are abandoned, not
waited for: Python cannot stop a thread, so each finishes its current article in the
background (a local model stays busy until then) and its result is discarded.  The workers
are daemon threads, so an abandoned article never delays interpreter exit (a
`ThreadPoolExecutor` would join them at exit, and `asyncio.run` would wait for
`asyncio.to_thread` work, which is why neither is used).  In `asummarize_many`, cancelling
the awaiting task (which is what Ctrl-C does under `asyncio.run`) abandons the running
articles the same way and lets `asyncio.CancelledError` propagate, as asyncio code expects.

Progress.  A rich progress bar on stderr, shown by default only when stderr is a terminal or
inside a Jupyter/IPython kernel; ``progress=True``/``False`` forces it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Unpack

from newsbrief.errors import ConfigurationError, NewsbriefError
from newsbrief.options import Options, Settings

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from newsbrief.brief import Brief

__all__ = ["BatchResult", "asummarize_many", "default_concurrency", "summarize_many"]

logger = logging.getLogger(__name__)

LOCAL_CONCURRENCY = 1
REMOTE_CONCURRENCY = 4
CANCELLED_MESSAGE = "cancelled: the batch was interrupted before this article was done"
_POLL_S = 0.1  # how often the waiting thread wakes up, so Ctrl-C is seen on every platform


@dataclass(frozen=True, repr=False)
class BatchResult:
    """The outcome of one article of a batch: ``brief`` or ``error``, never both.

    ``index`` is the article's position in the input.  ``cancelled`` is True when the batch
    was interrupted before this article was done (``error`` then says so).
    """

    index: int
    brief: Brief | None = None
    error: NewsbriefError | None = None
    cancelled: bool = False

    def __post_init__(self) -> None:
        if (self.brief is None) == (self.error is None):
            raise ValueError("a BatchResult holds either a brief or an error")

    @property
    def ok(self) -> bool:
        """True when the article was summarized (``brief`` is set)."""
        return self.brief is not None

    def __repr__(self) -> str:
        if self.cancelled:
            return f"BatchResult(index={self.index}, cancelled=True)"
        if self.error is not None:
            return f"BatchResult(index={self.index}, error={self.error!r})"
        return f"BatchResult(index={self.index}, ok=True)"


@dataclass(frozen=True)
class _Outcome:
    """What a worker reports: a brief, an error, or an interrupt raised inside the article."""

    index: int
    brief: Brief | None = None
    error: NewsbriefError | None = None
    interrupt: BaseException | None = None


def summarize_many(
    articles: Iterable[str | bytes],
    *,
    concurrency: int | None = None,
    progress: bool | None = None,
    lockstep: bool = False,
    **options: Unpack[Options],
) -> list[BatchResult]:
    """Summarize every article; one `BatchResult` per article, in input order.

    ``options`` are those of `newsbrief.summarize` (``model``, ``base_url``, ``fixtures``,
    ...).  Per-article failures never raise: they are in the results.  Ctrl-C returns what
    is done, the rest marked ``cancelled`` (see the module docstring).  ``lockstep=True``
    runs groups of ``concurrency`` articles stage by stage, for a server that answers one
    request at a time (see the module docstring).

    Raises:
        TypeError: an option `newsbrief.summarize` does not take.
        ConfigurationError: ``concurrency`` is not a positive integer.
    """
    settings = Settings.of(options)  # a misspelt option fails before any work
    items = list(articles)
    workers = _workers(concurrency, settings)
    groups = schedule(len(items), workers, lockstep)
    finished: dict[int, BatchResult] = {}
    interrupt: BaseException | None = None
    reports: queue.SimpleQueue[_Outcome] = queue.SimpleQueue()
    gates: set[StageGate] = set()
    with _progress_bar(len(items), progress) as advance:
        started = running = 0
        try:
            while running or started < len(items):
                for index, gate in groups.start(started, running):
                    _spawn(index, items[index], settings, reports.put, gate)
                    if gate is not None:
                        gates.add(gate)
                    started += 1
                    running += 1
                outcome = _wait(reports)
                running -= 1
                if outcome.interrupt is not None:
                    interrupt = outcome.interrupt
                    break
                finished[outcome.index] = _result(outcome)
                advance(outcome.error is None)
        except KeyboardInterrupt as exc:
            interrupt = exc
        if interrupt is not None:
            for gate in gates:
                gate.abandon()  # articles held at a stage end now rather than never
            # Articles that finished while we were being interrupted still count.
            while True:
                try:
                    outcome = reports.get_nowait()
                except queue.Empty:
                    break
                if outcome.interrupt is None:
                    finished[outcome.index] = _result(outcome)
    return _assemble(len(items), finished, interrupt)


async def asummarize_many(
    articles: Iterable[str | bytes],
    *,
    concurrency: int | None = None,
    progress: bool | None = None,
    lockstep: bool = False,
    **options: Unpack[Options],
) -> list[BatchResult]:
    """`summarize_many` for asyncio code: same options, same results, same order.

    A `KeyboardInterrupt` raised inside an article returns what is done, as in
    `summarize_many`; cancelling the awaiting task abandons the running articles and
    re-raises `asyncio.CancelledError`.
    """
    settings = Settings.of(options)  # a misspelt option fails before any work
    items = list(articles)
    workers = _workers(concurrency, settings)
    groups = schedule(len(items), workers, lockstep)
    loop = asyncio.get_running_loop()
    finished: dict[int, BatchResult] = {}
    interrupt: BaseException | None = None
    running: set[asyncio.Future[_Outcome]] = set()
    gates: set[StageGate] = set()
    with _progress_bar(len(items), progress) as advance:
        started = 0
        try:
            while (running or started < len(items)) and interrupt is None:
                for index, gate in groups.start(started, len(running)):
                    running.add(_spawn_async(loop, index, items[index], settings, gate))
                    if gate is not None:
                        gates.add(gate)
                    started += 1
                done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for future in sorted(done, key=lambda f: f.result().index):
                    running.discard(future)
                    outcome = future.result()
                    if outcome.interrupt is not None:
                        interrupt = outcome.interrupt
                    else:
                        finished[outcome.index] = _result(outcome)
                        advance(outcome.error is None)
        finally:
            for future in running:
                future.cancel()  # the thread runs on; nobody waits for its result
            if running:
                for gate in gates:
                    gate.abandon()
    return _assemble(len(items), finished, interrupt)


def default_concurrency(settings: Settings) -> int:
    """How many articles to run at once for the backend ``settings`` name.

    One for the embedded and GGUF backends (the model serves one call at a time), four for
    remote ones.  A backend that cannot be resolved gets one: every article will report
    the same `ConfigurationError`.
    """
    from newsbrief.backends import resolve_backend

    try:
        backend = resolve_backend(settings.model, settings.base_url, api_key=settings.api_key)
    except NewsbriefError:
        return LOCAL_CONCURRENCY
    return REMOTE_CONCURRENCY if backend.is_remote else LOCAL_CONCURRENCY


def _workers(concurrency: int | None, settings: Settings) -> int:
    if concurrency is None:
        return default_concurrency(settings)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ConfigurationError(f"concurrency must be a positive integer, not {concurrency!r}")
    return concurrency


def _summarize_one(
    index: int, article: str | bytes, settings: Settings, gate: StageGate | None
) -> _Outcome:
    from newsbrief.pipeline import summarize_article

    before_stage = None if gate is None else functools.partial(gate.reach, index)
    try:
        brief = summarize_article(article, settings, before_stage=before_stage)
        return _Outcome(index, brief=brief)
    except NewsbriefError as exc:
        return _Outcome(index, error=exc)
    except Exception as exc:
        error = NewsbriefError(f"unexpected {type(exc).__name__}: {exc}")
        error.__cause__ = exc
        return _Outcome(index, error=error)
    except BaseException as exc:  # KeyboardInterrupt, SystemExit: stop the whole batch
        return _Outcome(index, interrupt=exc)
    finally:
        if gate is not None:
            gate.leave(index)


def _spawn(
    index: int,
    article: str | bytes,
    settings: Settings,
    report: Callable[[_Outcome], None],
    gate: StageGate | None = None,
) -> None:
    """Run one article in a daemon thread (with the caller's context) and report its outcome."""
    context = contextvars.copy_context()

    def work() -> None:
        report(context.run(_summarize_one, index, article, settings, gate))

    threading.Thread(target=work, name=f"newsbrief-batch-{index}", daemon=True).start()


def _spawn_async(
    loop: asyncio.AbstractEventLoop,
    index: int,
    article: str | bytes,
    settings: Settings,
    gate: StageGate | None = None,
) -> asyncio.Future[_Outcome]:
    future: asyncio.Future[_Outcome] = loop.create_future()

    def deliver(outcome: _Outcome) -> None:
        if not future.done():
            future.set_result(outcome)

    def report(outcome: _Outcome) -> None:
        # The loop may be closed by the time an abandoned article ends.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(deliver, outcome)

    _spawn(index, article, settings, report, gate)
    return future


def schedule(total: int, workers: int, lockstep: bool) -> Schedule:
    """When each of ``total`` articles starts, ``workers`` at a time (see `Schedule`)."""
    if not isinstance(lockstep, bool):
        raise ConfigurationError(f"lockstep must be True or False, not {lockstep!r}")
    return Schedule(total, workers, lockstep and workers > 1)


@dataclass(frozen=True)
class Schedule:
    """Which articles start when: one whenever a slot is free, or in lockstep a whole group
    of ``workers`` articles once the group before it is done."""

    total: int
    workers: int
    lockstep: bool

    def start(self, started: int, running: int) -> list[tuple[int, StageGate | None]]:
        """The articles to start now (input indexes, ``started`` onwards), with their gate."""
        if not self.lockstep:
            count = max(min(self.workers - running, self.total - started), 0)
            return [(index, None) for index in range(started, started + count)]
        if running:
            return []
        group = range(started, min(started + self.workers, self.total))
        gate = StageGate(group) if len(group) > 1 else None
        return [(index, gate) for index in group]


class StageGate:
    """Runs a group's articles stage by stage and, within a stage, one article after the
    other in input order (the pipeline's ``before_stage`` calls `reach`).

    Article ``i`` starts stage ``k`` once every article before it in the group is past
    ``k`` (or done) and every article after it has reached ``k``.  The lowest article at
    the lowest stage can always go on, so the group never stalls.  A server that caches a
    single prompt prefix (llama-cpp-python's) then gets one kind of question at a time,
    and each article's questions of that kind in a row: it reads a prompt's instructions
    and examples once per group, and the text an article's questions share (a sentence
    with several numbers) once per article.
    """

    _ENDED = sys.maxsize

    def __init__(self, indexes: Iterable[int]) -> None:
        self._stage_of = dict.fromkeys(indexes, -1)  # the stage each article is about to run
        self._changed = threading.Condition()
        self._abandoned = False

    def reach(self, index: int, stage: int) -> None:
        """Article ``index`` is about to run ``stage``: wait for its turn."""
        with self._changed:
            self._stage_of[index] = stage
            self._changed.notify_all()
            while not self._abandoned and not self._turn_of(index, stage):
                self._changed.wait()
            if self._abandoned:
                raise NewsbriefError(CANCELLED_MESSAGE)

    def _turn_of(self, index: int, stage: int) -> bool:
        return all(
            at > stage if other < index else at >= stage
            for other, at in self._stage_of.items()
            if other != index
        )

    def leave(self, index: int) -> None:
        """Article ``index`` is done (a brief or an error): nobody waits for it any more."""
        with self._changed:
            self._stage_of[index] = self._ENDED
            self._changed.notify_all()

    def abandon(self) -> None:
        """The batch was interrupted: every article held at a stage stops there."""
        with self._changed:
            self._abandoned = True
            self._changed.notify_all()


def _wait(reports: queue.SimpleQueue[_Outcome]) -> _Outcome:
    while True:
        try:
            return reports.get(timeout=_POLL_S)
        except queue.Empty:
            continue


def _result(outcome: _Outcome) -> BatchResult:
    return BatchResult(outcome.index, brief=outcome.brief, error=outcome.error)


def _assemble(
    total: int, finished: dict[int, BatchResult], interrupt: BaseException | None
) -> list[BatchResult]:
    results = []
    for index in range(total):
        result = finished.get(index)
        if result is None:
            error = NewsbriefError(CANCELLED_MESSAGE)
            error.__cause__ = interrupt
            result = BatchResult(index, error=error, cancelled=True)
        results.append(result)
    if interrupt is not None:
        logger.info("batch interrupted: %d of %d articles done", len(finished), total)
    return results


def show_progress_by_default() -> bool:
    """True when stderr is a terminal or we run inside a Jupyter/IPython kernel."""
    return _stderr_is_terminal() or _in_notebook()


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr is not None and sys.stderr.isatty())
    except (AttributeError, ValueError, OSError):  # replaced, closed or detached stderr
        return False


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")  # never imported here: only if the user has it
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:
        return False
    return shell is not None and hasattr(shell, "kernel")


@contextlib.contextmanager
def _progress_bar(total: int, enabled: bool | None) -> Iterator[Callable[[bool], None]]:
    """Yield ``advance(ok)``; draws a rich progress bar on stderr when enabled."""
    if not (show_progress_by_default() if enabled is None else enabled) or total == 0:
        yield lambda ok: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    failed = 0
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("summarizing", total=total)

        def advance(ok: bool) -> None:
            nonlocal failed
            failed += not ok
            _update(bar, task, failed)

        yield advance


def _update(bar: Progress, task: TaskID, failed: int) -> None:
    description = f"summarizing, {failed} failed" if failed else "summarizing"
    bar.update(task, advance=1, description=description)
