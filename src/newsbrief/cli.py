"""The ``newsbrief`` command.

Exit codes: 0 success, 1 a brief could not be made (model, input or fixture error; with
several inputs the others are still written), 2 usage errors, 130 interrupted (Ctrl-C).
Errors are one line on stderr, never a traceback (``--debug`` shows it).
"""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import traceback
import urllib.parse
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from newsbrief.errors import InputError, NewsbriefError

if TYPE_CHECKING:
    from newsbrief.brief import Brief
    from newsbrief.options import Options

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
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


_EXTENSIONS = {
    OutputFormat.rich: ".txt",
    OutputFormat.json: ".json",
    OutputFormat.jsonl: ".jsonl",
    OutputFormat.markdown: ".md",
    OutputFormat.html: ".html",
}


# Options shared by the commands.
ModelOption = Annotated[
    str | None,
    typer.Option(help="openai/NAME, gguf:PATH, or a server's model name with --base-url."),
]
BaseUrlOption = Annotated[
    str | None, typer.Option("--base-url", help="An OpenAI-compatible server.")
]
FixturesDirOption = Annotated[
    str | None, typer.Option("--fixtures-dir", help="Folder of recorded calls.")
]


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


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError, OSError):
        return False


@dataclass
class _Item:
    """One input of the command: where it comes from, where its brief goes, how it went."""

    spec: str
    name: str
    target: Path | None = None
    brief: Brief | None = None
    error: NewsbriefError | None = None
    cancelled: bool = False


def _usage_error(message: str) -> NoReturn:
    typer.echo(f"newsbrief: {message}", err=True)
    raise typer.Exit(2)


def _output_stem(name: str) -> str:
    """A file name stem for the brief of input ``name``: the file's stem, a URL's last part."""
    from newsbrief.inputs import STDIN_NAME, is_url

    if name == STDIN_NAME:
        stem = "stdin"
    elif is_url(name):
        parts = urllib.parse.urlsplit(name)
        stem = PurePosixPath(parts.path).stem or parts.hostname or ""
    else:
        stem = Path(name).stem
    return re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "article"


def _plan_targets(items: list[_Item], output_format: OutputFormat, out: Path | None) -> None:
    """Set each item's output file (None: standard output); usage errors exit 2."""
    from newsbrief.inputs import is_url

    if out is None:
        return
    extension = _EXTENSIONS[output_format]
    if output_format is OutputFormat.jsonl or (len(items) == 1 and not out.is_dir()):
        if out.is_dir():
            _usage_error(f"--out {out} is a folder: --format jsonl writes one file")
        targets = [out] * len(items)
        folder = out.parent
    else:
        if out.exists() and not out.is_dir():
            _usage_error(f"--out {out} must be a folder for several inputs")
        used: set[str] = set()
        targets = []
        for item in items:
            stem = base = _output_stem(item.name)
            number = 1
            while stem.casefold() in used:
                number += 1
                stem = f"{base}-{number}"
            used.add(stem.casefold())
            targets.append(out / f"{stem}{extension}")
        folder = out
    sources = {Path(i.spec).resolve() for i in items if i.spec != "-" and not is_url(i.spec)}
    for target in targets:
        if target.resolve() in sources:
            _usage_error(f"--out would overwrite the input {target}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _usage_error(f"cannot create {folder}: {exc.strerror or exc}")
    for item, target in zip(items, targets, strict=True):
        item.target = target


def _render(brief: Brief, output_format: OutputFormat) -> str:
    """The brief as text in ``output_format`` (``rich`` as plain text tables)."""
    if output_format is OutputFormat.json:
        return brief.model_dump_json(indent=2) + "\n"
    if output_format is OutputFormat.markdown:
        return brief.to_markdown()
    if output_format is OutputFormat.html:
        html: str = getattr(brief, "to_html")()  # noqa: B009 - added by a parallel change
        return html if html.endswith("\n") else html + "\n"
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer, width=100, color_system=None, force_terminal=False, force_jupyter=False
    )
    console.print(brief)
    return buffer.getvalue()


def _jsonl_record(item: _Item) -> str:
    if item.brief is not None:
        return f'{{"input": {json.dumps(item.name)}, "brief": {item.brief.model_dump_json()}}}'
    error = {"type": type(item.error).__name__, "message": str(item.error)}
    return json.dumps({"input": item.name, "error": error}, ensure_ascii=False)


def _write(target: Path, text: str) -> None:
    try:
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        _usage_error(f"cannot write {target}: {exc.strerror or exc}")


def _read_all(items: list[_Item]) -> list[str | None]:
    from newsbrief.inputs import read_input

    texts: list[str | None] = []
    for item in items:
        try:
            item.name, text = read_input(item.spec)
        except InputError as exc:
            item.error = exc
            texts.append(None)
        else:
            texts.append(text)
    return texts


def _summarize_one(item: _Item, text: str, options: Options, debug: bool) -> None:
    import newsbrief

    try:
        item.brief = newsbrief.summarize(text, **options)
    except NewsbriefError as exc:
        if debug:
            raise
        item.error = exc
    except Exception as exc:
        if debug:
            raise
        item.error = NewsbriefError(f"unexpected {type(exc).__name__}: {exc}")
        item.error.__cause__ = exc


def _summarize_several(
    items: list[_Item],
    texts: list[str | None],
    options: Options,
    concurrency: int | None,
    lockstep: bool,
) -> None:
    import newsbrief

    readable = [(item, text) for item, text in zip(items, texts, strict=True) if text is not None]
    results = newsbrief.summarize_many(
        [text for _, text in readable],
        concurrency=concurrency,
        progress=_stderr_is_terminal(),
        lockstep=lockstep,
        **options,
    )
    for (item, _), result in zip(readable, results, strict=True):
        item.brief, item.error, item.cancelled = result.brief, result.error, result.cancelled


def _report_failure(item: _Item, several: bool, debug: bool) -> None:
    """One line on stderr (and the traceback with --debug)."""
    error = item.error
    assert error is not None
    message = " ".join(str(error).split())
    where = f"{item.name}: " if several else ""
    typer.echo(f"newsbrief: {where}{type(error).__name__}: {message}", err=True)
    if debug:
        typer.echo("".join(traceback.format_exception(error)).rstrip(), err=True)


def _emit(items: list[_Item], output_format: OutputFormat, several: bool, debug: bool) -> None:
    """Write or print every brief made, in input order; report every failure on stderr."""
    if output_format is OutputFormat.jsonl:
        lines = "".join(_jsonl_record(item) + "\n" for item in items)
        if items[0].target is not None:
            _write(items[0].target, lines)
        else:
            typer.echo(lines, nl=False)
    console = None
    for item in items:
        if item.brief is None:
            if not item.cancelled:
                _report_failure(item, several, debug)
            continue
        if output_format is OutputFormat.jsonl:
            continue
        if item.target is not None:
            _write(item.target, _render(item.brief, output_format))
        elif output_format is OutputFormat.rich:
            from rich.console import Console
            from rich.markup import escape

            console = console or Console()
            if several:
                console.rule(f"[bold]{escape(item.name)}[/bold]")
            console.print(item.brief)
        elif several:  # markdown: one section per input
            typer.echo(f"# {item.name}\n\n{_render(item.brief, output_format)}")
        else:
            typer.echo(_render(item.brief, output_format), nl=False)


@app.command()
def summarize(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Article files (.txt, .html, .htm), folders of them, http(s) URLs, "
            "or - for standard input.",
            show_default=False,
            metavar="INPUT",
        ),
    ],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Output format.")
    ] = OutputFormat.rich,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to a file (one input, or --format jsonl) or a folder (several inputs: "
            "one file each, named after the input) instead of standard output.",
        ),
    ] = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency",
            "-j",
            min=1,
            help="Articles summarized at once (default: 1 for local models, 4 for remote ones).",
        ),
    ] = None,
    lockstep: Annotated[
        bool,
        typer.Option(
            help="Run groups of --concurrency articles stage by stage, one question at a time: "
            "faster on a server that answers one request at a time (llama-cpp-python's).",
        ),
    ] = False,
    fixtures: Annotated[
        str | None, typer.Option(help="off | record | replay | auto (recorded model calls).")
    ] = None,
    fixtures_dir: FixturesDirOption = None,
    strict: Annotated[
        bool, typer.Option(help="Fail instead of dropping items that cannot be grounded.")
    ] = False,
    debug: Annotated[bool, typer.Option(help="Show tracebacks.")] = False,
) -> None:
    """Summarize articles and print their briefs (or write them with --out).

    Several inputs are summarized as a batch: a failed article is reported on stderr
    ("newsbrief: NAME: ErrorType: message") and the others are still written.  Exit codes:
    0 all briefs made, 1 some failed, 2 usage error (bad option, unreadable path),
    130 interrupted by Ctrl-C (the briefs already made are written).
    """
    from newsbrief.inputs import (
        HTML_EXTRA_HINT,
        STDIN_NAME,
        expand_inputs,
        html_support_installed,
        needs_html,
    )

    try:
        specs = expand_inputs(inputs)
    except InputError as exc:
        _usage_error(str(exc))
    if any(needs_html(spec) for spec in specs) and not html_support_installed():
        _usage_error(f"reading HTML and URLs needs trafilatura: {HTML_EXTRA_HINT}")
    from newsbrief.brief import Brief

    if output_format is OutputFormat.html and not hasattr(Brief, "to_html"):
        _usage_error("--format html needs Brief.to_html(), which this version lacks")
    several = len(specs) > 1
    if several and out is None and output_format in (OutputFormat.json, OutputFormat.html):
        hint = " or --format jsonl" if output_format is OutputFormat.json else ""
        _usage_error(f"--format {output_format} with several inputs needs --out FOLDER{hint}")
    items = [_Item(spec, STDIN_NAME if spec == "-" else spec) for spec in specs]
    _plan_targets(items, output_format, out)
    options: Options = {
        "model": model,
        "base_url": base_url,
        "fixtures": fixtures,
        "fixtures_dir": fixtures_dir,
        "strict": strict,
    }
    try:
        texts = _read_all(items)
        if several:
            _summarize_several(items, texts, options, concurrency, lockstep)
        elif texts[0] is not None:
            _summarize_one(items[0], texts[0], options, debug)
    except KeyboardInterrupt:
        typer.echo("newsbrief: interrupted", err=True)
        raise typer.Exit(130) from None
    _emit(items, output_format, several, debug)
    cancelled = sum(item.cancelled for item in items)
    if cancelled:
        done = len(items) - cancelled
        typer.echo(f"newsbrief: interrupted: {done} of {len(items)} articles done", err=True)
        raise typer.Exit(130)
    if any(item.brief is None for item in items):
        raise typer.Exit(1)


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
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    fixtures_dir: FixturesDirOption = None,
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
            headers = ["named", "speaker R", "attrib. R", "claim P", "attrib. F1", "source P"]
            headers += ["src F1 ex/ov", "content F1 ex/ov"]
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
                    str(m.get("named_attributions", 0)),
                    ratio(m, "speaker_recall", "named_attributions"),
                    ratio(m, "attribution_recall", "named_attributions"),
                    ratio(m, "claim_precision", "attributed_claims"),
                    plain(m, "attribution_f1"),
                    ratio(m, "source_precision", "sources_predicted"),
                    f"{plain(m, 'source_exact_f1')}/{plain(m, 'source_overlap_f1')}",
                    f"{plain(m, 'content_exact_f1')}/{plain(m, 'content_overlap_f1')}",
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
