"""The ``newsbrief`` command.

Exit codes: 0 success, 1 the brief could not be made (model, input or fixture error),
2 usage errors.  Errors are one line on stderr, never a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="newsbrief",
    help="Turn a news article into a validated, source-grounded brief.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    rich = "rich"
    json = "json"
    markdown = "markdown"


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        # Instructor logs every failed attempt at ERROR; the CLI reports the outcome itself.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    return Path(path).read_bytes()


@app.command()
def summarize(
    path: Annotated[str, typer.Argument(help="Article text file, or - for standard input.")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.rich,
    model: Annotated[
        str | None,
        typer.Option(help="openai/NAME, gguf:PATH, or a server's model name with --base-url."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="An OpenAI-compatible server.")
    ] = None,
    fixtures: Annotated[
        str | None, typer.Option(help="off | record | replay | auto (recorded model calls).")
    ] = None,
    fixtures_dir: Annotated[
        str | None, typer.Option("--fixtures-dir", help="Folder of recorded calls.")
    ] = None,
    strict: Annotated[
        bool, typer.Option(help="Fail instead of dropping items that cannot be grounded.")
    ] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Summarize one article and print its brief."""
    import newsbrief
    from newsbrief.errors import NewsbriefError

    try:
        text = _read(path)
    except OSError as exc:
        typer.echo(f"newsbrief: cannot read {path}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None
    try:
        brief = newsbrief.summarize(
            text,
            model=model,
            base_url=base_url,
            fixtures=fixtures,
            fixtures_dir=fixtures_dir,
            strict=strict,
        )
    except NewsbriefError as exc:
        if debug:
            raise
        typer.echo(f"newsbrief: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    if output_format is OutputFormat.json:
        typer.echo(brief.model_dump_json(indent=2))
    elif output_format is OutputFormat.markdown:
        typer.echo(brief.to_markdown(), nl=False)
    else:
        from rich.console import Console

        Console().print(brief)


@app.command("eval")
def eval_command(
    directory: Annotated[
        Path,
        typer.Argument(
            help="fixtures/ (articles/ + gold/) or a folder of *.txt + *.attributions.json."
        ),
    ] = Path("fixtures"),
    live: Annotated[
        bool, typer.Option("--live", help="Call the model (fixtures off) instead of replaying.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    model: Annotated[
        str | None,
        typer.Option(help="openai/NAME, gguf:PATH, or a server's model name with --base-url."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="An OpenAI-compatible server.")
    ] = None,
    fixtures_dir: Annotated[
        str | None, typer.Option("--fixtures-dir", help="Folder of recorded calls.")
    ] = None,
) -> None:
    """Summarize every annotated article of DIRECTORY and score the briefs.

    Exit code 0 whatever the scores, 1 if any article failed, 2 if DIRECTORY is not usable.
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from newsbrief.errors import ConfigurationError
    from newsbrief.evaluate import evaluate_dir

    try:
        report = evaluate_dir(
            directory,
            fixtures="off" if live else "replay",
            model=model,
            base_url=base_url,
            fixtures_dir=fixtures_dir,
            progress=not as_json,
        )
    except ConfigurationError as exc:
        typer.echo(f"newsbrief: {exc}", err=True)
        raise typer.Exit(2) from None

    if as_json:
        typer.echo(report.to_json())
    else:

        def ratio(m: dict[str, float | int], key: str, base: str) -> str:
            return "-" if key not in m or not m.get(base) else f"{m[key]:.2f}"

        def plain(m: dict[str, float | int], key: str) -> str:
            return "-" if key not in m else f"{m[key]:.2f}"

        def cost(m: dict[str, float | int]) -> list[str]:
            tokens = int(m.get("prompt_tokens", 0)) + int(m.get("completion_tokens", 0))
            return [str(m.get("attempts", 0)), f"{tokens:,}", f"{m.get('latency_s', 0.0):.1f}"]

        gold = all(a.kind == "gold" for a in report.articles)
        table = Table(title=f"newsbrief eval: {escape(str(directory))}")
        table.add_column("article")
        if gold:
            headers = ["fig P", "fig R", "fig F1", "src P", "src R", "src F1", "via acc"]
            headers += ["claim cov", "cov (evid.)"]
        else:
            headers = ["attrib.", "speaker R", "attrib. R", "pronoun", "unannot. src"]
        for header in [*headers, "grounding", "attempts", "tokens", "seconds"]:
            table.add_column(header, justify="right")

        def cells(m: dict[str, float | int]) -> list[str]:
            if gold:
                row = [
                    ratio(m, "figures_precision", "figures_predicted"),
                    ratio(m, "figures_recall", "figures_gold"),
                    plain(m, "figures_f1"),
                    ratio(m, "sources_precision", "sources_predicted"),
                    ratio(m, "sources_recall", "sources_gold"),
                    plain(m, "sources_f1"),
                    ratio(m, "sources_via_accuracy", "sources_tp"),
                    ratio(m, "claims_coverage", "claims_gold"),
                    ratio(m, "claims_evidence_coverage", "claims_gold"),
                ]
            else:
                row = [
                    str(m.get("attributions", 0)),
                    ratio(m, "speaker_recall", "attributions"),
                    ratio(m, "attribution_recall", "attributions"),
                    f"{m.get('pronoun_sourced', 0)}/{m.get('pronoun_attributions', 0)}",
                    ratio(m, "unannotated_source_rate", "sources_predicted"),
                ]
            return [*row, ratio(m, "grounding_rate", "spans_total"), *cost(m)]

        width = len(headers) + 4
        for article in report.articles:
            if article.error is not None:
                table.add_row(escape(article.name), "[red]error[/red]", *[""] * (width - 1))
            else:
                table.add_row(escape(article.name), *cells(article.metrics))
        m = report.overall
        table.add_section()
        table.add_row(
            f"[bold]overall[/bold] ({m['articles_scored']}/{m['articles']} scored)", *cells(m)
        )
        console = Console()
        console.print(table)
        for article in report.errored:
            message = f"{escape(article.name)}: {escape(article.error or '')}"
            console.print(f"[red]{message}[/red]", highlight=False)
        for note in report.notes:
            console.print(f"[dim]note: {escape(note)}[/dim]", highlight=False)
    if report.errored:
        typer.echo(f"newsbrief: {len(report.errored)} article(s) failed", err=True)
        raise typer.Exit(1)


def main() -> None:
    """Entry point of the ``newsbrief`` script."""
    app()


if __name__ == "__main__":
    main()
