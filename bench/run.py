"""Benchmark: newsbrief vs LangExtract vs a naive Instructor script, same model, same server.

    .venv/bin/python bench/run.py                 # all fixture articles, all three systems
    .venv/bin/python bench/run.py --only rudaw-nato-iraq --systems newsbrief naive

See bench/README.md for what is measured and how to read the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsbrief.evaluate import score_brief
from server import MODEL_ALIAS, llama_server, measure_raw_speed, post
from systems import SYSTEMS, SystemRun

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
RESULTS = ROOT / "bench" / "results"
logger = logging.getLogger("bench")


# -- facts about this run ------------------------------------------------------------------


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def machine_facts() -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--", "src", "prompts", "bench")),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "packages": {
            name: _version(name)
            for name in ("newsbrief", "llama-cpp-python", "instructor", "openai", "langextract")
        },
    }


# -- offline measurements ------------------------------------------------------------------


def import_time_ms(rounds: int = 7) -> dict[str, float]:
    """Median wall ms of ``python -c "import newsbrief"`` minus that of ``python -c pass``."""

    def run(code: str) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return (time.perf_counter() - started) * 1000

    base = statistics.median(run("pass") for _ in range(rounds))
    full = statistics.median(run("import newsbrief") for _ in range(rounds))
    return {"interpreter_ms": round(base, 1), "import_newsbrief_ms": round(full - base, 1)}


def replay_ms(articles: list[Path], rounds: int = 3) -> dict[str, Any]:
    """Ms per article of `summarize` replaying the recorded fixture calls, in rounds over all
    articles: the first round sees each article for the first time in this process (its
    first brief also pays the lazy imports, reported apart); later rounds are warm."""
    import newsbrief

    times: dict[str, list[float]] = {path.stem: [] for path in articles}
    for _ in range(rounds):
        for path in articles:
            text = path.read_text(encoding="utf-8")
            started = time.perf_counter()
            newsbrief.summarize(text, fixtures="replay", fixtures_dir=FIXTURES / "responses")
            times[path.stem].append((time.perf_counter() - started) * 1000)
    first_round = [t[0] for t in times.values()]
    warm = {stem: statistics.median(t[1:] or t) for stem, t in times.items()}
    return {
        "median_ms_per_article": round(statistics.median(warm.values()), 2),
        "first_round_median_ms": round(statistics.median(first_round[1:] or first_round), 2),
        "first_brief_ms": round(first_round[0], 1),
        "per_article_ms": {stem: round(ms, 2) for stem, ms in warm.items()},
    }


# -- the live run --------------------------------------------------------------------------


def correct_items(metrics: dict[str, Any]) -> int:
    """True positives over figures, sources and attributions (attribution-correct claims)."""
    return int(metrics["figures_tp"] + metrics["sources_tp"] + metrics["claims_covered"])


def gold_of(article: Path) -> dict[str, Any]:
    """The gold annotation of a fixture article (``fixtures/gold/<slug>.json``)."""
    data: dict[str, Any] = json.loads(
        (FIXTURES / "gold" / f"{article.stem}.json").read_text("utf-8")
    )
    return data


def gold_items(gold: dict[str, Any]) -> int:
    """Figures, sources and claims of a gold annotation: what a system could get right."""
    return sum(len(gold.get(part) or []) for part in ("figures", "sources", "claims"))


def record(system: str, article: str, run: SystemRun, gold: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "system": system,
        "article": article,
        "wall_s": run.wall_s,
        "prompt_tokens": run.prompt_tokens,
        "completion_tokens": run.completion_tokens,
        "calls": run.calls,
        "attempts": run.attempts,
        "ungrounded": run.ungrounded,
        "error": run.error,
        "notes": run.notes,
        "gold": gold_items(gold),  # counted for failed runs too: a failure misses them all
    }
    if run.brief is not None:
        metrics = score_brief(run.brief, gold)
        row["metrics"] = metrics
        row["correct"] = correct_items(metrics)
        row["predicted"] = len(run.brief.figures) + len(run.brief.sources) + len(run.brief.claims)
    else:
        row["metrics"] = None
        row["correct"] = 0
        row["predicted"] = 0
    return row


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def summarize_rows(
    rows: list[dict[str, Any]],
    systems: list[str],
    decode_tps: float,
    prefill_tps: float | None = None,
) -> dict[str, Any]:
    """Medians over articles per system, and the targets of issue 7 as ratios."""
    out: dict[str, Any] = {}
    for system in systems:
        mine = [r for r in rows if r["system"] == system]
        if not mine:
            continue
        gold = sum(r["gold"] for r in mine) or 1
        correct = sum(r["correct"] for r in mine)
        predicted = sum(r["predicted"] for r in mine)

        def per_correct(key: str, rows_: list[dict[str, Any]] = mine) -> float | None:
            values = [r[key] / r["correct"] for r in rows_ if r["correct"]]
            return round(statistics.median(values), 3) if values else None

        def median_wall_over(
            limits: list[float], rows_: list[dict[str, Any]] = mine
        ) -> float | None:
            ratios = [r["wall_s"] / limit for r, limit in zip(rows_, limits, strict=True) if limit]
            return round(statistics.median(ratios), 3) if ratios else None

        decode_limit = [r["completion_tokens"] / decode_tps for r in mine]
        # The least time of any system that reads the article once and writes what this one
        # wrote: the article's prefill plus the decode limit.
        floor = [
            r["article_tokens"] / prefill_tps + limit
            if prefill_tps and "article_tokens" in r
            else 0
            for r, limit in zip(mine, decode_limit, strict=True)
        ]
        out[system] = {
            "articles": len(mine),
            "errors": sum(r["error"] is not None for r in mine),
            "median_wall_s": round(statistics.median(r["wall_s"] for r in mine), 2),
            "median_prompt_tokens": statistics.median(r["prompt_tokens"] for r in mine),
            "median_completion_tokens": statistics.median(r["completion_tokens"] for r in mine),
            "median_attempts": statistics.median(r["attempts"] for r in mine),
            "median_s_per_correct": per_correct("wall_s"),
            "median_completion_tokens_per_correct": per_correct("completion_tokens"),
            "correct": correct,
            "gold": gold,
            "recall": round(correct / gold, 3),
            "precision": round(correct / predicted, 3) if predicted else None,
            "figures_tp": sum((r["metrics"] or {}).get("figures_tp", 0) for r in mine),
            "sources_tp": sum((r["metrics"] or {}).get("sources_tp", 0) for r in mine),
            "claims_covered": sum((r["metrics"] or {}).get("claims_covered", 0) for r in mine),
            "ungrounded_items": sum(r["ungrounded"] for r in mine),
            "median_wall_over_decode_limit": median_wall_over(decode_limit),
            "median_wall_over_floor": median_wall_over(floor),
        }
    targets: dict[str, Any] = {}
    nb, lx = out.get("newsbrief"), out.get("langextract")
    if nb and lx:
        targets["s_per_correct_vs_langextract"] = _ratio(
            nb["median_s_per_correct"] or 0, lx["median_s_per_correct"] or 0
        )
        targets["completion_tokens_per_correct_vs_langextract"] = _ratio(
            nb["median_completion_tokens_per_correct"] or 0,
            lx["median_completion_tokens_per_correct"] or 0,
        )
        targets["recall_newsbrief"] = nb["recall"]
        targets["recall_langextract"] = lx["recall"]
    if nb:
        targets["newsbrief_wall_over_decode_limit"] = nb["median_wall_over_decode_limit"]
        targets["newsbrief_wall_over_floor"] = nb["median_wall_over_floor"]
    out["targets"] = targets
    return out


def run_live(articles: list[Path], systems: list[str], out: dict[str, Any], save: Any) -> None:
    from newsbrief.backends.embedded import default_model_path

    model_path = default_model_path()
    with llama_server(model_path, RESULTS / "server.log") as base_url:
        # One throwaway request: the first one pays for allocations and warm caches.
        post(base_url, "/completions", {"model": MODEL_ALIAS, "prompt": "Hi", "max_tokens": 4})
        if "newsbrief-embedded" in systems:  # load time is not per-article work
            from newsbrief.backends.embedded import load

            load()
        speeds = [measure_raw_speed(base_url, seed=1)]
        out["raw_speed"] = [s.to_dict() for s in speeds]
        save()
        rows: list[dict[str, Any]] = out["runs"]
        for index, path in enumerate(articles):
            text = path.read_text(encoding="utf-8")
            gold = gold_of(path)
            counted, _ = post(  # llama-cpp-python's extras live beside /v1, not under it
                base_url.removesuffix("/v1"),
                "/extras/tokenize/count",
                {"model": MODEL_ALIAS, "input": text},
            )
            # A/B interleaved: each article rotates which system goes first, so warm caches
            # and machine load are shared out evenly.
            order = systems[index % len(systems) :] + systems[: index % len(systems)]
            for system in order:
                logger.info("%s on %s", system, path.stem)
                run = SYSTEMS[system](text, base_url, MODEL_ALIAS)
                row = record(system, path.stem, run, gold)
                row["article_tokens"] = int(counted["count"])
                rows.append(row)
                logger.info(
                    "  %.1f s, %d+%d tokens, %d correct of %s%s",
                    run.wall_s, run.prompt_tokens, run.completion_tokens, row["correct"],
                    row["gold"], f", error {run.error}" if run.error else "",
                )  # fmt: skip
                save()
        speeds.append(measure_raw_speed(base_url, seed=2))
        out["raw_speed"] = [s.to_dict() for s in speeds]
    decode_tps = statistics.mean(s.decode_tps for s in speeds)
    prefill_tps = statistics.mean(s.prefill_tps for s in speeds)
    out["decode_tps_used"] = round(decode_tps, 2)
    out["prefill_tps_used"] = round(prefill_tps, 2)
    out["summary"] = summarize_rows(out["runs"], systems, decode_tps, prefill_tps)
    save()


def main() -> int:
    # The in-process system starts cold, like the server: no prefix states saved by earlier
    # processes (bench/cold_start.py measures what they save).
    os.environ.setdefault("NEWSBRIEF_PREFIX_CACHE", "off")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="article slugs (default: every fixture)")
    parser.add_argument(
        "--systems",
        nargs="*",
        default=["newsbrief", "langextract", "naive"],
        choices=list(SYSTEMS),
        help="which systems, in this order on the first article (default: all but the "
        "in-process newsbrief-embedded)",
    )
    parser.add_argument("--out", type=Path, help="results JSON (default: bench/results/)")
    parser.add_argument("--no-live", action="store_true", help="only import time and replay")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")

    articles = sorted((FIXTURES / "articles").glob("*.txt"))
    if args.only:
        articles = [a for a in articles if a.stem in set(args.only)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    target = args.out or RESULTS / f"bench-{stamp}.json"
    out: dict[str, Any] = {
        "machine": machine_facts(),
        "articles": [a.stem for a in articles],
        "systems": args.systems,
        "import": import_time_ms(),
        "replay": replay_ms(articles),
        "runs": [],
    }

    def save() -> None:
        target.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", "utf-8")

    save()
    logger.info(
        "import %s; replay %s ms/article", out["import"], out["replay"]["median_ms_per_article"]
    )
    if not args.no_live:
        run_live(articles, args.systems, out, save)
        from report import write_chart, write_table

        write_chart(out, target.with_suffix(".png"))
        table = write_table(out)
        target.with_suffix(".md").write_text(table, "utf-8")
        print(table)
    logger.info("results in %s", target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
