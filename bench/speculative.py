"""Does speculative decoding from the prompt (prompt lookup) make newsbrief faster here?

newsbrief's answers copy phrases from the article, so drafting the next tokens from an
earlier occurrence of the last few tokens, and verifying the draft in one forward pass,
could beat the decode limit (DESIGN.md lists it as a lead).  This runs `summarize` live,
in-process, on fixture articles with four drafting setups, interleaved (the order rotates
from article to article, after one brief per model to warm its context snapshots), and
records wall time, tokens, drafted and accepted tokens, and whether the brief is the one
decoding without a draft gives:

- ``none``: no draft (newsbrief's embedded backend as shipped);
- ``llama-cpp-python``: `LlamaPromptLookupDecoding(num_pred_tokens=2)` (its author's CPU
  advice) as llama-cpp-python wires it, which turns on ``logits_all``;
- ``lookup-2`` and ``lookup-4``: a draft of up to 2 or 4 tokens from the *latest* earlier
  match of the last 3 tokens, on a model that computes logits only where a draft is verified.

    .venv/bin/python bench/speculative.py            # ~15 minutes; nothing else running

Needs the ``local`` extra.  Writes ``bench/results/speculative-DATE.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from llama_cpp import Llama
from llama_cpp.llama_speculative import LlamaDraftModel, LlamaPromptLookupDecoding

import newsbrief
from newsbrief.backends import embedded

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import machine_facts

ROOT = Path(__file__).resolve().parents[1]
WARMUP = "village-library-reopens"
ARTICLES = ("rudaw-nato-iraq", "harbour-strike-rotterdam", "council-transit-fare-rise")


class CountingDraft(LlamaDraftModel):
    """Wraps a draft model; counts drafted tokens and how many the model accepted.

    llama-cpp-python calls the draft after each verified step with the context so far, so
    the context's growth since the last call says how many drafted tokens were kept.
    """

    def __init__(self, inner: LlamaDraftModel) -> None:
        self.inner = inner
        self.drafted = 0
        self.accepted = 0
        self._pending: tuple[int, npt.NDArray[np.intc]] | None = None

    def __call__(self, input_ids: npt.NDArray[np.intc], /, **kwargs: Any) -> npt.NDArray[np.intc]:
        n = int(input_ids.shape[0])
        if self._pending is not None:
            start, draft = self._pending
            kept = n - start - 1
            if 0 <= kept <= len(draft) and np.array_equal(
                input_ids[start : start + kept], draft[:kept]
            ):
                self.accepted += kept
        out = self.inner(input_ids)
        self.drafted += len(out)
        self._pending = (n, np.array(out)) if len(out) else None
        return out


class RecentLookup(LlamaDraftModel):
    """Draft the tokens that followed the latest earlier occurrence of the last 3 tokens."""

    def __init__(self, num_pred_tokens: int, ngram: int = 3) -> None:
        self.num_pred_tokens = num_pred_tokens
        self.ngram = ngram

    def __call__(self, input_ids: npt.NDArray[np.intc], /, **kwargs: Any) -> npt.NDArray[np.intc]:
        n = int(input_ids.shape[0])
        if n <= self.ngram:
            return np.array([], dtype=np.intc)
        windows = np.lib.stride_tricks.sliding_window_view(input_ids[:-1], (self.ngram,))
        hits = np.nonzero(np.all(windows == input_ids[-self.ngram :], axis=1))[0]
        if not hits.size:
            return np.array([], dtype=np.intc)
        start = int(hits[-1]) + self.ngram
        return input_ids[start : min(start + self.num_pred_tokens, n)]


class LeanLlama(Llama):
    """Logits only where sampling reads them: the last token of a prompt, every position
    of a short (drafted) batch.  llama-cpp-python's own path keeps logits for every token
    once a draft model is set, and copies them out after each batch."""

    def eval(self, tokens: Any) -> None:
        self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
        drafted = self.draft_model is not None and len(tokens) <= 8
        for i in range(0, len(tokens), self.n_batch):
            batch = tokens[i : min(len(tokens), i + self.n_batch)]
            n_past = self.n_tokens
            self._batch.set_batch(batch=batch, n_past=n_past, logits_all=drafted)
            self._ctx.decode(self._batch)
            self.input_ids[n_past : n_past + len(batch)] = batch
            self.n_tokens += len(batch)
            self._requires_eval = False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", default=",".join(ARTICLES))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    path = embedded.default_model_path().resolve()
    settings = {"model_path": str(path), "n_ctx": embedded.N_CTX, "verbose": False}
    settings["n_threads"] = os.cpu_count() or 2
    lean = LeanLlama(**settings)
    shipped_draft = CountingDraft(LlamaPromptLookupDecoding(num_pred_tokens=2))
    shipped = Llama(**settings, logits_all=True, draft_model=shipped_draft)
    setups: dict[str, tuple[Llama, CountingDraft | None]] = {
        "none": (lean, None),
        "llama-cpp-python": (shipped, shipped_draft),
        "lookup-2": (lean, CountingDraft(RecentLookup(2))),
        "lookup-4": (lean, CountingDraft(RecentLookup(4))),
    }
    models = {
        id(llama): embedded.EmbeddedModel(path=path, llama=llama) for llama in (lean, shipped)
    }
    names = list(setups)
    # Each model's first brief also evaluates every question kind's instructions (a context
    # snapshot per kind is kept from then on): one brief per model before measuring.
    warmup = (ROOT / "fixtures" / "articles" / f"{WARMUP}.txt").read_text(encoding="utf-8")
    for llama in (lean, shipped):
        embedded._loaded[path] = models[id(llama)]
        newsbrief.summarize(warmup, fixtures="off")
    rows: list[dict[str, Any]] = []
    for number, article in enumerate(args.articles.split(",")):
        text = (ROOT / "fixtures" / "articles" / f"{article}.txt").read_text(encoding="utf-8")
        order = names[number % len(names) :] + names[: number % len(names)]
        digests: dict[str, str] = {}
        for name in order:
            llama, draft = setups[name]
            llama.draft_model = draft
            embedded._loaded[path] = models[id(llama)]
            before = (draft.drafted, draft.accepted) if draft else (0, 0)
            started = time.perf_counter()
            brief = newsbrief.summarize(text, fixtures="off")
            wall = time.perf_counter() - started
            content = brief.model_dump(mode="json", exclude={"meta"})
            digests[name] = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
            row = {
                "article": article,
                "setup": name,
                "wall_s": round(wall, 2),
                "prompt_tokens": brief.meta.usage.prompt_tokens,
                "completion_tokens": brief.meta.usage.completion_tokens,
                "attempts": brief.meta.attempts,
                "drafted": draft.drafted - before[0] if draft else 0,
                "accepted": draft.accepted - before[1] if draft else 0,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
        for row in rows:
            if row["article"] == article:
                row["same_brief_as_none"] = digests[row["setup"]] == digests["none"]
    summary = {}
    for name in names:
        mine = [r for r in rows if r["setup"] == name]
        base = [r for r in rows if r["setup"] == "none"]
        summary[name] = {
            "wall_s": round(sum(r["wall_s"] for r in mine), 1),
            "wall_vs_none": round(
                sum(r["wall_s"] for r in mine) / sum(r["wall_s"] for r in base), 3
            ),
            "accepted": sum(r["accepted"] for r in mine),
            "drafted": sum(r["drafted"] for r in mine),
            "same_briefs": sum(bool(r.get("same_brief_as_none")) for r in mine),
        }
    result = {
        **machine_facts(),
        "summary": summary,
        "rows": rows,
    }
    out = args.out or ROOT / "bench" / "results" / f"speculative-{dt.date.today().isoformat()}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
