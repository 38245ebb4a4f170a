"""The benchmark's own logic (bench/): mapping other systems' answers, counting, summarising.

No model and no server: these check that the numbers bench/run.py reports mean what
bench/README.md says they mean.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from newsbrief.evaluate import score_brief

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import batch  # noqa: E402
import report  # noqa: E402
import run  # noqa: E402
import systems  # noqa: E402

ARTICLE = (
    "Up to 300 jobs may go at the plant, two people familiar with the plan told Reuters. "
    "Output fell from 12,000 tonnes to 9,500 tonnes, chief executive Dana Whitlock said.\n"
)
GOLD: dict[str, Any] = {
    "figures": [
        {"text": "Up to 300", "value": 300, "change_from": None},
        {"text": "from 12,000 tonnes to 9,500 tonnes", "value": 9500, "change_from": 12000},
    ],
    "sources": [
        {"name": "two people familiar with the plan", "kind": "anonymous", "via": "Reuters"},
        {"name": "Dana Whitlock", "kind": "named_person", "via": None},
    ],
    "claims": [
        {"evidence": "Up to 300 jobs may go at the plant",
         "source": "two people familiar with the plan"},
    ],
}  # fmt: skip


def test_mapped_answers_score_like_a_brief_with_the_same_items() -> None:
    items = [
        systems._Item("figure", "Up to 300", attrs={"value": "300", "counts": "jobs"}),
        # a value the system left out is read from the quoted text by newsbrief's parser
        systems._Item("figure", "from 12,000 tonnes to 9,500 tonnes", attrs={"value": ""}),
        systems._Item(
            "source",
            "two people familiar with the plan",
            attrs={"kind": "anonymous", "via": "Reuters"},
        ),
        systems._Item(
            "claim",
            "Up to 300 jobs may go at the plant",
            attrs={"source": "two people familiar with the plan"},
        ),
        # a claim whose source is missing from the source list adds it
        systems._Item("claim", "Output fell", attrs={"source": "Dana Whitlock"}),
    ]
    brief, ungrounded = systems._assemble(ARTICLE, items, "test")
    assert ungrounded == 0
    assert [f.value for f in brief.figures] == [300.0, 9500.0]
    assert [s.name for s in brief.sources] == ["two people familiar with the plan", "Dana Whitlock"]
    metrics = score_brief(brief, GOLD)
    # The second figure's change (12,000 -> 9,500) is not parsed from an empty attribute
    # by value alone: newsbrief's parser supplies the value, change_from stays the system's.
    assert (metrics["figures_tp"], metrics["sources_tp"], metrics["claims_covered"]) == (1, 2, 1)
    assert run.correct_items(metrics) == 4
    assert run.gold_items(GOLD) == 5


def test_evidence_not_in_the_article_is_counted_and_never_matches() -> None:
    items = [
        systems._Item("figure", "as many as 4,000", attrs={"value": "4000"}),
        systems._Item("source", "the Kremlin", attrs={"kind": "government_body"}),
        systems._Item("claim", "Prices will double next year"),
    ]
    brief, ungrounded = systems._assemble(ARTICLE, items, "test")
    assert ungrounded == 3
    assert brief.figures[0].evidence.text == ""
    assert brief.claims[0].evidence == []
    assert run.correct_items(score_brief(brief, GOLD)) == 0


def test_langextract_offsets_are_used_when_it_aligned_the_text() -> None:
    start = ARTICLE.index("Dana Whitlock")
    item = systems._Item("source", "Dana Whitlock", (start, start + 13), {"kind": "named_person"})
    brief, _ = systems._assemble(ARTICLE, [item], "test")
    assert brief.sources[0].evidence[0].start == start


def test_usage_is_counted_at_the_openai_client(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai.resources.chat.completions import Completions

    def fake_create(self: Any, **kwargs: Any) -> Any:
        usage = SimpleNamespace(prompt_tokens=kwargs["p"], completion_tokens=kwargs["c"])
        return SimpleNamespace(usage=usage)

    monkeypatch.setattr(Completions, "create", fake_create)
    with systems.counting_usage() as tally:
        Completions.create(None, p=100, c=7)  # type: ignore[arg-type]
        Completions.create(None, p=50, c=3)  # type: ignore[arg-type]
    Completions.create(None, p=1, c=1)  # type: ignore[arg-type]  # after: not counted
    assert (tally.calls, tally.prompt_tokens, tally.completion_tokens) == (2, 150, 10)
    assert Completions.create is fake_create


def _row(system: str, wall: float, completion: int, correct: int) -> dict[str, Any]:
    return {
        "system": system, "article": "a", "wall_s": wall, "prompt_tokens": 1000,
        "completion_tokens": completion, "attempts": 1, "ungrounded": 0, "error": None,
        "metrics": {"figures_tp": correct, "sources_tp": 0, "claims_covered": 0},
        "correct": correct, "gold": 10, "predicted": correct,
    }  # fmt: skip


def test_a_failed_run_counts_its_gold_items_as_missed() -> None:
    failed = systems.SystemRun(None, 3.0, 0, 0, 1, 1, error="ValidationError: ...")
    row = run.record("naive", "a", failed, GOLD)
    assert (row["gold"], row["correct"], row["metrics"]) == (5, 0, None)
    rows = [row, _row("naive", 10.0, 100, 5)]
    assert run.summarize_rows(rows, ["naive"], decode_tps=20.0)["naive"]["recall"] == 0.333


def test_summary_ratios_are_medians_per_correct_item() -> None:
    rows = [
        _row("newsbrief", 100.0, 400, 8),
        _row("newsbrief", 60.0, 300, 6),
        _row("newsbrief", 90.0, 200, 2),
        _row("langextract", 40.0, 200, 1),
        _row("langextract", 30.0, 100, 1),
        _row("langextract", 50.0, 300, 0),  # no correct item: no per-correct value
    ]
    summary = run.summarize_rows(rows, ["newsbrief", "langextract"], decode_tps=20.0)
    nb, lx = summary["newsbrief"], summary["langextract"]
    assert nb["median_s_per_correct"] == 12.5  # of 12.5, 10, 45
    assert lx["median_s_per_correct"] == 35.0  # of 40, 30
    assert summary["targets"]["s_per_correct_vs_langextract"] == round(12.5 / 35.0, 3)
    assert nb["recall"] == 0.533 and lx["recall"] == round(2 / 30, 3)
    # wall / (completion tokens / 20 tok/s): 100/20, 60/15, 90/10 -> median 5
    assert nb["median_wall_over_decode_limit"] == 5.0


def test_floor_is_article_prefill_plus_decode_limit() -> None:
    rows = [_row("newsbrief", 30.0, 400, 8), _row("newsbrief", 60.0, 200, 4)]
    rows[0]["article_tokens"], rows[1]["article_tokens"] = 500, 1000
    summary = run.summarize_rows(rows, ["newsbrief"], decode_tps=20.0, prefill_tps=50.0)
    # 30 / (500/50 + 400/20) = 1.0; 60 / (1000/50 + 200/20) = 2.0 -> median 1.5
    assert summary["newsbrief"]["median_wall_over_floor"] == 1.5
    assert summary["targets"]["newsbrief_wall_over_floor"] == 1.5
    assert (
        run.summarize_rows(rows, ["newsbrief"], 20.0)["newsbrief"]["median_wall_over_floor"] is None
    )


def test_table_names_every_system_and_target(tmp_path: Path) -> None:
    rows = [_row("newsbrief", 100.0, 400, 8), _row("langextract", 40.0, 200, 1)]
    results = {
        "machine": {
            "date": "2026-11-29 12:00 UTC", "commit": "abc1234", "dirty": False, "cpu": "cpu",
            "cores": 2, "packages": {"llama-cpp-python": "0.3.36", "langextract": "1.7.1"},
        },
        "articles": ["a"],
        "systems": ["newsbrief", "langextract"],
        "raw_speed": [
            {"prefill_tps": 50.0, "decode_tps": 20.0, "grammar_decode_tps": 8.0},
        ],
        "decode_tps_used": 20.0,
        "import": {"interpreter_ms": 14.0, "import_newsbrief_ms": 60.0},
        "replay": {"median_ms_per_article": 57.0},
        "summary": run.summarize_rows(rows, ["newsbrief", "langextract"], decode_tps=20.0),
    }  # fmt: skip
    table = report.write_table(results)
    assert "| | newsbrief (server) | LangExtract |" in table
    assert "commit `abc1234`" in table and "12.50" in table and "40.00" in table
    pytest.importorskip("matplotlib")
    report.write_chart(results, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_batch_counts_the_prompt_tokens_the_server_evaluated(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text(
        "llama_perf_context_print: prompt eval time =   10125.49 ms /   560 tokens (...)\n"
        "llama_perf_context_print:        eval time =    2048.00 ms /    40 runs   (...)\n"
        "llama_perf_context_print: prompt eval time =     829.33 ms /    39 tokens (...)\n",
        "utf-8",
    )
    assert batch.prompt_tokens_evaluated(log) == 599
    assert batch.prompt_tokens_evaluated(tmp_path / "missing.log") == 0


def test_the_concurrent_batch_mode_is_what_a_server_gets_by_default() -> None:
    from newsbrief.batch import default_concurrency
    from newsbrief.options import Settings

    server = Settings(base_url="http://h/v1")
    assert batch.MODES["concurrent"] == (default_concurrency(server), False)
    assert batch.MODES["lockstep"] == (batch.MODES["concurrent"][0], True)


def _refuses(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_a_stopped_bench_stops_its_server(tmp_path: Path, stop: signal.Signals) -> None:
    """The benchmark's server (here a stand-in that answers GET /v1/models) goes when the
    benchmark is stopped: Python's default for SIGTERM skips ``finally``, and an
    orphaned llama server would hold the cores every later measurement runs on."""
    import server

    site = tmp_path / "site"
    (site / "v1").mkdir(parents=True)
    (site / "v1" / "models").write_text("{}", "utf-8")
    port = server.free_port()
    stand_in = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    script = (
        f"import sys, time\nsys.path.insert(0, {str(BENCH)!r})\nimport server\n"
        f"command = {[*stand_in, '--directory', str(site)]!r}\n"
        f"with server.serving(command, 'http://127.0.0.1:{port}/v1', "
        f"server.Path({str(tmp_path / 'server.log')!r})):\n"
        "    print('serving', flush=True)\n"
        "    time.sleep(120)\n"
    )
    bench_process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    )
    try:
        assert bench_process.stdout is not None
        assert bench_process.stdout.readline().strip() == "serving"
        assert not _refuses(port)
        bench_process.send_signal(stop)
        returncode = bench_process.wait(timeout=30)
    finally:
        bench_process.kill()
        bench_process.wait()
    assert returncode != 0
    deadline = time.monotonic() + 10
    while not _refuses(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _refuses(port)
