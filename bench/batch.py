"""Batch modes against llama-cpp-python's server: one article at a time, N at once, lockstep.

    .venv/bin/python bench/batch.py                        # 4 articles, the three modes
    .venv/bin/python bench/batch.py --only A B C D --modes lockstep sequential

Each mode runs `newsbrief.summarize_many` over the same articles against one server (the
bench's, `server.llama_server`); the modes take turns in the order given.  Per mode: wall
seconds for the whole batch and per article, tokens, correct items against the gold
annotations, and the server's own count of prompt tokens it evaluated (what its one-prompt
cache did not spare it).  See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsbrief.evaluate import score_brief
from run import FIXTURES, RESULTS, correct_items, gold_of, machine_facts
from server import MODEL_ALIAS, llama_server, post

logger = logging.getLogger("bench.batch")
DEFAULT_ARTICLES = [
    "council-transit-fare-rise",
    "harbour-strike-rotterdam",
    "hospital-data-breach",
    "valley-floods-evacuations",
]
# mode -> (concurrency, lockstep); "concurrent" is summarize_many's default for a server.
MODES = {"sequential": (1, False), "concurrent": (4, False), "lockstep": (4, True)}
_PROMPT_EVAL = re.compile(r"prompt eval time =\s+[\d.]+ ms /\s+(\d+) tokens")


def run_mode(
    mode: str, texts: list[str], golds: list[dict[str, Any]], base_url: str, log_path: Path
) -> dict[str, Any]:
    """One batch in one mode: wall time, tokens, correct items, server-side prompt tokens."""
    import newsbrief

    concurrency, lockstep = MODES[mode]
    evaluated_before = prompt_tokens_evaluated(log_path)
    started = time.perf_counter()
    results = newsbrief.summarize_many(
        texts,
        concurrency=concurrency,
        lockstep=lockstep,
        progress=False,
        base_url=base_url,
        model=MODEL_ALIAS,
        fixtures="off",
    )
    wall = time.perf_counter() - started
    row: dict[str, Any] = {
        "mode": mode,
        "concurrency": concurrency,
        "lockstep": lockstep,
        "wall_s": round(wall, 1),
        "s_per_article": round(wall / len(texts), 1),
        "errors": [str(r.error) for r in results if r.error is not None],
        "correct": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
    }
    for result, gold in zip(results, golds, strict=True):
        if result.brief is not None:
            row["correct"] += correct_items(score_brief(result.brief, gold))
            row["prompt_tokens"] += result.brief.meta.usage.prompt_tokens
            row["completion_tokens"] += result.brief.meta.usage.completion_tokens
    row["server_prompt_tokens_evaluated"] = prompt_tokens_evaluated(log_path) - evaluated_before
    return row


def prompt_tokens_evaluated(log_path: Path) -> int:
    """Prompt tokens the server has evaluated so far, from llama.cpp's timings in its log."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0
    return sum(int(tokens) for tokens in _PROMPT_EVAL.findall(text))


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| mode | concurrency | s / article | correct items | server prompt tokens evaluated |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['mode']} | {row['concurrency']} | {row['s_per_article']} | "
            f"{row['correct']} | {row['server_prompt_tokens_evaluated']:,} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=DEFAULT_ARTICLES, help="article slugs")
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=list(MODES))
    parser.add_argument("--out", type=Path, help="results JSON (default: bench/results/)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    from newsbrief.backends.embedded import default_model_path

    paths = [FIXTURES / "articles" / f"{slug}.txt" for slug in args.only]
    texts = [path.read_text(encoding="utf-8") for path in paths]
    golds = [gold_of(path) for path in paths]
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    target = args.out or RESULTS / f"batch-{stamp}.json"
    log_path = RESULTS / "server.log"
    out: dict[str, Any] = {"machine": machine_facts(), "articles": args.only, "runs": []}
    with llama_server(default_model_path(), log_path) as base_url:
        post(base_url, "/completions", {"model": MODEL_ALIAS, "prompt": "Hi", "max_tokens": 4})
        for mode in args.modes:
            row = run_mode(mode, texts, golds, base_url, log_path)
            logger.info("%s", json.dumps(row))
            out["runs"].append(row)
            target.write_text(json.dumps(out, indent=2) + "\n", "utf-8")
    print(table(out["runs"]))
    logger.info("results in %s", target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
