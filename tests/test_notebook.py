"""The example notebook runs headless, offline (replayed calls), and shows the rendered brief."""

from __future__ import annotations

import sys
import time
from typing import Any

import pytest

from .conftest import ROOT

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = ROOT / "examples" / "quickstart.ipynb"


def _outputs(notebook: Any) -> list[Any]:
    return [
        output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    ]


def test_quickstart_notebook_runs_offline_and_shows_the_rendered_brief() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # One more cell, in memory only: which interpreter the "python3" kernel ran on.
    notebook.cells.append(nbformat.v4.new_code_cell("import sys\nprint(sys.executable)"))
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    started = time.monotonic()
    client.execute()  # raises CellExecutionError if any cell fails
    elapsed = time.monotonic() - started

    outputs = _outputs(notebook)
    assert not [output for output in outputs if output.output_type == "error"]
    html = [o.data["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(html) == 1
    assert '<div class="nbb nbb-' in html[0] and 'class="nbb-text"' in html[0]
    assert "several diplomats" in html[0]
    markdown = [o.data["text/markdown"] for o in outputs if "text/markdown" in o.get("data", {})]
    assert any("## Figures" in text for text in markdown)
    printed = "".join(o.text for o in outputs if o.output_type == "stream")
    assert "troops present in Iraq" in printed
    assert printed.strip().splitlines()[-1] == sys.executable
    assert elapsed < 30, f"the notebook took {elapsed:.1f} s"
