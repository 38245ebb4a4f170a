"""Human-readable forms of a `Brief`: Markdown and a rich renderable for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsbrief.brief import Brief, Figure


def _number(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


def describe_figure(figure: Figure) -> str:
    """ "5,000 (at most; from 500)" and the like."""
    text = str(int(figure.value)) if figure.kind == "date" else _number(figure.value)
    if figure.unit:
        text = f"{text} {figure.unit}"
    extras = []
    if figure.qualifier:
        extras.append(figure.qualifier.replace("_", " "))
    if figure.lower is not None:
        extras.append(f"from {_number(figure.lower)}")
    if figure.change_from is not None:
        extras.append(f"changed from {_number(figure.change_from)}")
    return f"{text} ({'; '.join(extras)})" if extras else text


def _source_label(brief: Brief, source_ids: list[str]) -> str:
    names = [brief.source(sid).name for sid in source_ids]
    return ", ".join(names) if names else "(the publication)"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def brief_to_markdown(brief: Brief) -> str:
    """The brief as Markdown: summary, then tables of claims, sources and figures."""
    lines = ["## Summary", "", brief.summary or "_(no summary)_", ""]
    lines += ["## Claims", "", "| # | claim | source | modality | quote |", "|---|---|---|---|---|"]
    for claim in brief.claims:
        lines.append(
            f"| {claim.id} | {_cell(claim.text)} | {_cell(_source_label(brief, claim.source_ids))}"
            f" | {claim.modality} | {'yes' if claim.quote else ''} |"
        )
    lines += ["", "## Sources", "", "| # | name | kind | role | via |", "|---|---|---|---|---|"]
    for source in brief.sources:
        lines.append(
            f"| {source.id} | {_cell(source.name)} | {source.kind} | {_cell(source.role or '')}"
            f" | {_cell(source.via or '')} |"
        )
    lines += ["", "## Figures", "", "| # | value | counts | kind | evidence |"]
    lines.append("|---|---|---|---|---|")
    for figure in brief.figures:
        lines.append(
            f"| {figure.id} | {_cell(describe_figure(figure))} | {_cell(figure.counts or '')}"
            f" | {figure.kind} | {_cell(figure.evidence.text)} |"
        )
    if brief.issues:
        lines += ["", "## Issues", ""]
        lines += [f"- {issue.item}: {issue.reason}" for issue in brief.issues]
    meta = brief.meta
    lines += [
        "",
        f"_{meta.backend} · {meta.model} · prompts {meta.prompt_version} · "
        f"{meta.calls} questions, {meta.attempts} attempts · "
        f"{meta.usage.prompt_tokens}+{meta.usage.completion_tokens} tokens · "
        f"{meta.latency_s:.1f} s_",
    ]
    return "\n".join(lines) + "\n"


def brief_to_rich(brief: Brief) -> Any:
    """A rich renderable (panels and tables) for terminals."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    claims = Table(title="Claims", show_lines=False, expand=True)
    for column in ("#", "claim", "source", "modality", "quote"):
        claims.add_column(column, overflow="fold")
    for claim in brief.claims:
        claims.add_row(
            claim.id,
            claim.text,
            _source_label(brief, claim.source_ids),
            claim.modality,
            "yes" if claim.quote else "",
        )
    sources = Table(title="Sources", expand=True)
    for column in ("#", "name", "kind", "role", "via"):
        sources.add_column(column, overflow="fold")
    for source in brief.sources:
        sources.add_row(source.id, source.name, source.kind, source.role or "", source.via or "")
    figures = Table(title="Figures", expand=True)
    for column in ("#", "value", "counts", "kind", "evidence"):
        figures.add_column(column, overflow="fold")
    for figure in brief.figures:
        figures.add_row(
            figure.id,
            describe_figure(figure),
            figure.counts or "",
            figure.kind,
            figure.evidence.text,
        )
    meta = brief.meta
    footer = (
        f"{meta.backend} · {meta.model} · {meta.calls} questions, {meta.attempts} attempts · "
        f"{meta.usage.prompt_tokens}+{meta.usage.completion_tokens} tokens · "
        f"{meta.latency_s:.1f} s"
    )
    parts: list[Any] = [Panel(brief.summary or "(no summary)", title="Summary"), claims]
    parts += [sources, figures]
    if brief.issues:
        issues = Table(title="Issues", expand=True)
        issues.add_column("item")
        issues.add_column("reason", overflow="fold")
        for issue in brief.issues:
            issues.add_row(issue.item, issue.reason)
        parts.append(issues)
    parts.append(footer)
    return Group(*parts)
