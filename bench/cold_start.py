"""A new process's first brief, with and without the saved prefix states (`prefix_cache`).

Every CLI run is a new process: without saved states its first question of each kind
evaluates that kind's instructions and examples again.  For each fixture article this runs
``newsbrief summarize --fixtures off`` in a fresh process twice, once with
``NEWSBRIEF_PREFIX_CACHE=off`` (cold) and once with the states saved by an earlier process
(warm), in alternating order, and scores both briefs against the gold annotation.

    .venv/bin/python bench/cold_start.py        # ~25 minutes; nothing else running

Needs the ``local`` extra.  Writes ``bench/results/cold-start-DATE.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsbrief.brief import Brief
from newsbrief.evaluate import score_brief
from run import correct_items, gold_of, machine_facts

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("newsbrief")


def brief_in_new_process(article: Path, *, saved_states: bool) -> tuple[float, dict[str, Any]]:
    env = dict(os.environ, NEWSBRIEF_PREFIX_CACHE="on" if saved_states else "off")
    command = [str(CLI), "summarize", str(article), "--fixtures", "off", "--format", "json"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="comma-separated article names")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    articles = sorted((ROOT / "fixtures" / "articles").glob("*.txt"))
    if args.only:
        articles = [a for a in articles if a.stem in args.only.split(",")]
    # One warm-up process saves the states the warm runs start from.
    brief_in_new_process(articles[0], saved_states=True)
    rows: list[dict[str, Any]] = []
    for number, article in enumerate(articles):
        gold = gold_of(article)
        order = (False, True) if number % 2 == 0 else (True, False)
        runs: dict[bool, tuple[float, dict[str, Any]]] = {}
        for saved in order:
            runs[saved] = brief_in_new_process(article, saved_states=saved)
        row: dict[str, Any] = {"article": article.stem}
        for saved, (wall, data) in runs.items():
            metrics = score_brief(Brief.model_validate(data), gold)
            name = "warm" if saved else "cold"
            row[name] = {
                "wall_s": round(wall, 2),
                "prompt_tokens": data["meta"]["usage"]["prompt_tokens"],
                "completion_tokens": data["meta"]["usage"]["completion_tokens"],
                "attempts": data["meta"]["attempts"],
                "correct_items": correct_items(metrics),
            }
        briefs = [{k: v for k, v in runs[s][1].items() if k != "meta"} for s in (False, True)]
        row["same_brief"] = briefs[0] == briefs[1]
        rows.append(row)
        print(json.dumps(row), flush=True)
    ratios = [r["warm"]["wall_s"] / r["cold"]["wall_s"] for r in rows]
    result = {
        **machine_facts(),
        "median_warm_over_cold": round(statistics.median(ratios), 3),
        "median_cold_s": round(statistics.median(r["cold"]["wall_s"] for r in rows), 1),
        "median_warm_s": round(statistics.median(r["warm"]["wall_s"] for r in rows), 1),
        "correct_items": {
            name: sum(r[name]["correct_items"] for r in rows) for name in ("cold", "warm")
        },
        "same_briefs": sum(r["same_brief"] for r in rows),
        "articles": len(rows),
        "rows": rows,
    }
    out = args.out or ROOT / "bench" / "results" / f"cold-start-{dt.date.today().isoformat()}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
