from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from newsbrief.backends import embedded
from newsbrief.errors import ModelUnavailableError


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    chunks = [b"GGUF-part-one|", b"part-two|", b"part-three"]
    paths = []
    for number, chunk in enumerate(chunks, 1):
        path = tmp_path / "parts" / f"part{number:02d}.bin"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(chunk)
        paths.append(path)
    whole = b"".join(chunks)
    monkeypatch.setattr(embedded, "part_paths", lambda: paths)
    monkeypatch.setattr(embedded, "GGUF_SIZE", len(whole))
    monkeypatch.setattr(embedded, "GGUF_SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setenv("NEWSBRIEF_CACHE_DIR", str(tmp_path / "cache"))
    return whole


def test_parts_are_concatenated_in_order_and_verified(fake_parts: bytes, tmp_path: Path) -> None:
    path = embedded.default_model_path()
    assert path.read_bytes() == fake_parts
    assert path.with_suffix(".sha256").read_text().split()[0] == embedded.GGUF_SHA256
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(
        [path.name, path.with_suffix(".sha256").name]
    ), "no temporary file may be left behind"


def test_a_wrong_checksum_leaves_no_model_file(
    fake_parts: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded, "GGUF_SHA256", "0" * 64)
    with pytest.raises(ModelUnavailableError, match="SHA-256"):
        embedded.default_model_path()
    assert not list((tmp_path / "cache").iterdir())


def test_assembled_model_is_reused_without_reading_the_parts(
    fake_parts: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = embedded.default_model_path()

    def no_parts() -> list[Path]:
        raise AssertionError("parts read again")

    monkeypatch.setattr(embedded, "part_paths", no_parts)
    assert embedded.default_model_path() == first


def test_missing_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "PART_MODULE", "newsbrief_no_such_part_{}")
    with pytest.raises(ModelUnavailableError, match=r"newsbrief\[local\]"):
        embedded.part_paths()


def test_concurrent_loads_build_one_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_file = tmp_path / "m.gguf"
    model_file.write_bytes(b"GGUF")
    built: list[Any] = []

    class SlowLlama:
        def __init__(self, **kwargs: Any) -> None:
            time.sleep(0.05)
            built.append(kwargs)

    import llama_cpp

    monkeypatch.setattr(llama_cpp, "Llama", SlowLlama)
    monkeypatch.setattr(embedded, "_loaded", {})
    results: list[embedded.EmbeddedModel] = []
    threads = [
        threading.Thread(target=lambda: results.append(embedded.load(model_file))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1
    assert len({id(model) for model in results}) == 1
