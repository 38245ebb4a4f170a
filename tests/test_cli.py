from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from newsbrief.brief import Brief
from newsbrief.cli import app

from .conftest import FIXTURES, SEED

RESPONSES = str(FIXTURES / "responses")
runner = CliRunner()


def test_summarize_prints_the_brief_as_json() -> None:
    result = runner.invoke(
        app,
        ["summarize", str(SEED), "--fixtures", "replay", "--fixtures-dir", RESPONSES, "-f", "json"],
    )
    assert result.exit_code == 0, result.output
    brief = Brief.model_validate_json(result.stdout)
    assert brief.article == SEED.read_text(encoding="utf-8")


def test_summarize_reads_standard_input() -> None:
    result = runner.invoke(
        app,
        ["summarize", "-", "--fixtures", "replay", "--fixtures-dir", RESPONSES, "-f", "markdown"],
        input=SEED.read_bytes(),
    )
    assert result.exit_code == 0, result.output
    assert "## Figures" in result.stdout


def test_empty_article_is_one_line_and_exit_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = runner.invoke(app, ["summarize", str(empty)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "newsbrief: InputError: article is empty"


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["summarize", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_model_spelling_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["summarize", str(SEED), "--model", "qwen-please"])
    assert result.exit_code == 1
    assert "ConfigurationError" in result.stderr and "Traceback" not in result.output
