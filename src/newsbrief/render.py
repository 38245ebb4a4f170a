"""Human-readable forms of a `Brief`: Markdown, a rich renderable, and self-contained HTML."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from newsbrief.brief import Brief, Figure, Span


def _number(value: float) -> str:
    return f"{int(value):,}" if value == int(value) else f"{value:,}"


# Shown beside a figure's value when it moved ("▲ 3 % (up)").
_ARROWS: dict[str, str] = {"up": "\u25b2", "down": "\u25bc"}


def describe_figure(figure: Figure) -> str:
    """ "5,000 (at most; from 500)", "▲ 3 % (up)" and the like."""
    text = str(int(figure.value)) if figure.kind == "date" else _number(figure.value)
    if figure.unit:
        text = f"{text} {figure.unit}"
    if figure.direction is not None:
        text = f"{_ARROWS[figure.direction]} {text}"
    extras: list[str] = []
    if figure.direction is not None:
        extras.append(figure.direction)
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


# --- HTML: the article with its evidence highlighted, for Jupyter and the browser ----------

_Kind = Literal["claim", "source", "figure"]
# When spans share both ends, the claim is outermost and the figure innermost, so the
# layering (background, underline, box) reads the same everywhere.
_RANK: dict[_Kind, int] = {"claim": 0, "source": 1, "figure": 2}
# Hues far apart in order, so neighbouring claims (c1, c2, ...) never look alike; each kind
# starts elsewhere in the cycle so a claim and the figure inside it differ too.
_HUES = (212, 28, 140, 280, 350, 180, 48, 318, 100, 250, 8, 160)
_HUE_START: dict[_Kind, int] = {"claim": 0, "source": 4, "figure": 8}

_CSS = """\
.nbb{color:#1f2328;background:#fff;text-align:left;border:1px solid #d1d9e0;border-radius:8px;\
padding:14px 20px 12px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,\
sans-serif}
.nbb *{box-sizing:border-box}
.nbb .nbb-h{font-size:11.5px;font-weight:600;letter-spacing:.06em;text-transform:uppercase;\
color:#59636e;margin:16px 0 6px}
.nbb .nbb-h:first-child{margin-top:0}
.nbb .nbb-summary{font-size:15px;max-width:80ch;margin:0}
.nbb .nbb-body{display:flex;flex-wrap:wrap;gap:18px 32px;align-items:flex-start;margin-top:18px}
.nbb .nbb-article{flex:1 1 28rem;min-width:0;max-width:46rem}
.nbb .nbb-side{flex:1 1 28rem;min-width:0}
.nbb .nbb-legend{font-size:12px;color:#59636e;margin:0 0 4px}
.nbb .nbb-legend span{margin-right:10px}
.nbb .nbb-text{white-space:pre-wrap;overflow-wrap:anywhere;margin:0;\
font:16px/1.8 Georgia,"Times New Roman",serif}
.nbb .nbb-claim{background:hsl(var(--h) 85% 91%);border-radius:3px;padding:2px 0;\
-webkit-box-decoration-break:clone;box-decoration-break:clone}
.nbb .nbb-text .nbb-claim.nbb-last::after{content:attr(data-label);vertical-align:super;\
margin-left:2px;font:600 10px/1 system-ui,sans-serif;color:hsl(var(--h) 60% 33%)}
.nbb .nbb-source{text-decoration:underline 2px hsl(var(--h) 65% 40%);text-underline-offset:4px}
.nbb .nbb-figure{font-weight:700;border:1.5px solid hsl(var(--h) 65% 40%);border-radius:3px;\
padding:0 2px;-webkit-box-decoration-break:clone;box-decoration-break:clone}
.nbb table.nbb-t{border-collapse:collapse;table-layout:auto;width:100%;margin:0;\
font-size:12.5px;line-height:1.4}
.nbb table.nbb-t tbody tr{background:transparent}
.nbb table.nbb-t th,.nbb table.nbb-t td{padding:3px 6px;border:0;border-bottom:1px solid #eaeef2;\
text-align:left;vertical-align:top;background:transparent}
.nbb table.nbb-t th{font-weight:600;color:#59636e;border-bottom:1px solid #d1d9e0}
.nbb table.nbb-t tr[data-k]{cursor:pointer;outline:none}
.nbb table.nbb-t tr[data-k]:is(:hover,:focus) td{background:hsl(var(--h) 90% 95%)}
.nbb table.nbb-t tr[data-k]:focus td:first-child{box-shadow:inset 3px 0 hsl(var(--h) 65% 40%)}
.nbb table.nbb-t td:first-child{width:1%;white-space:nowrap}
.nbb .nbb-chip{font-weight:600;font-size:11.5px;white-space:nowrap}
.nbb .nbb-chip.nbb-claim{padding:1px 4px}
.nbb .nbb-muted,.nbb .nbb-none{color:#59636e}
.nbb .nbb-none{font-size:12.5px;margin:0}
.nbb .nbb-issues{margin:0;padding-left:18px;font-size:12.5px}
.nbb .nbb-issues li{margin:0 0 4px}
.nbb .nbb-detail{color:#59636e;font-size:12px;overflow-wrap:anywhere}
.nbb .nbb-meta{margin-top:14px;padding-top:8px;border-top:1px solid #eaeef2;font-size:12px;\
color:#59636e}"""

# Applied to an item's spans while its table row is hovered or focused (clicked), and to its
# row while one of its spans is hovered.  CSS only: without :has() the page simply does not
# link, and everything stays readable.
_LINKED_SPAN = (
    "{outline:2px solid hsl(var(--h) 65% 40%);outline-offset:1px;"
    "background-color:hsl(var(--h) 90% 80%)}"
)
_LINKED_ROW = "{background:hsl(var(--h) 90% 92%)}"


@dataclass(frozen=True)
class _Item:
    key: str  # "k0", "k1", ...: made here, so no model-given string ever reaches the CSS
    kind: _Kind
    label: str
    title: str
    hue: int
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class _Mark:
    start: int
    end: int
    item: _Item


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _items(brief: Brief) -> list[_Item]:
    items: list[_Item] = []
    seen: dict[_Kind, int] = {"claim": 0, "source": 0, "figure": 0}

    def add(kind: _Kind, label: str, parts: list[str], spans: list[Span]) -> None:
        hue = _HUES[(seen[kind] + _HUE_START[kind]) % len(_HUES)]
        seen[kind] += 1
        title = " · ".join(part for part in parts if part)
        items.append(_Item(f"k{len(items)}", kind, label, title, hue, tuple(spans)))

    for claim in brief.claims:
        quote = "quote" if claim.quote else ""
        source = _source_label(brief, claim.source_ids)
        add("claim", claim.id, [claim.id, claim.modality, quote, source], claim.evidence)
    for src in brief.sources:
        via = f"via {src.via}" if src.via else ""
        parts = [src.id, src.name, src.kind.replace("_", " "), src.role or "", via]
        add("source", src.id, parts, src.evidence)
    for figure in brief.figures:
        parts = [figure.id, describe_figure(figure), figure.counts or ""]
        add("figure", figure.id, parts, [figure.evidence])
    return items


def _open_tag(mark: _Mark, *, first: bool, last: bool) -> str:
    item = mark.item
    classes = f"nbb-{item.kind}" + (" nbb-first" if first else "") + (" nbb-last" if last else "")
    return (
        f'<span class="{classes}" data-k="{item.key}" data-label="{_esc(item.label)}" '
        f'style="--h:{item.hue}" title="{_esc(item.title)}">'
    )


def _article_html(article: str, items: list[_Item]) -> str:
    """The article, escaped, with every span wrapped; crossing spans are split, never lost.

    The text is cut at every span boundary; each piece is wrapped in the spans covering it,
    outermost first.  A span already open around the previous piece stays open, so nested
    evidence (a figure inside a claim) becomes nested elements, and a span that crosses
    another's boundary is closed and reopened there.
    """
    # Outer before inner; a stable sort keeps item order among spans that are the same.
    marks = sorted(
        (_Mark(s.start, s.end, item) for item in items for s in item.spans if s.end > s.start),
        key=lambda m: (m.start, -m.end, _RANK[m.item.kind]),
    )
    bounds = sorted({0, len(article)} | {m.start for m in marks} | {m.end for m in marks})
    out: list[str] = []
    stack: list[tuple[_Mark, int, int]] = []  # open mark, its tag's slot in `out`, where opened

    def close(at: int) -> None:
        mark, slot, opened = stack.pop()
        out[slot] = _open_tag(mark, first=opened == mark.start, last=at == mark.end)
        out.append("</span>")

    for start, end in pairwise(bounds):
        covering = [m for m in marks if m.start <= start and end <= m.end]
        keep = 0
        while keep < min(len(stack), len(covering)) and stack[keep][0] is covering[keep]:
            keep += 1
        while len(stack) > keep:
            close(start)
        for mark in covering[keep:]:
            stack.append((mark, len(out), start))
            out.append("")  # filled in on closing, when we know whether the span ends here
        out.append(_esc(article[start:end]))
    while stack:
        close(len(article))
    return "".join(out)


def _chip(item: _Item) -> str:
    return (
        f'<span class="nbb-chip nbb-{item.kind}" style="--h:{item.hue}">{_esc(item.label)}</span>'
    )


def _table(heading: str, columns: list[str], rows: list[tuple[_Item, list[str]]]) -> str:
    """A table whose first column is the item's colour-keyed id; cells come escaped."""
    parts = [f'<div class="nbb-h">{heading}</div>']
    if not rows:
        parts.append('<p class="nbb-none">none</p>')
        return "".join(parts)
    parts.append('<table class="nbb-t"><thead><tr>')
    parts += [f"<th>{column}</th>" for column in ["#", *columns]]
    parts.append("</tr></thead><tbody>")
    for item, cells in rows:
        parts.append(f'<tr data-k="{item.key}" style="--h:{item.hue}" tabindex="0">')
        parts += [f"<td>{cell}</td>" for cell in [_chip(item), *cells]]
        parts.append("</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _linking_css(scope: str, items: list[_Item]) -> str:
    linked = [item for item in items if item.spans]
    if not linked:
        return ""
    to_spans = ",".join(
        f'.{scope}:has(tr[data-k="{i.key}"]:is(:hover,:focus)) .nbb-text [data-k="{i.key}"]'
        for i in linked
    )
    to_rows = ",".join(
        f'.{scope}:has(.nbb-text [data-k="{i.key}"]:hover) tr[data-k="{i.key}"] td' for i in linked
    )
    return f"\n{to_spans}{_LINKED_SPAN}\n{to_rows}{_LINKED_ROW}"


def _scope(brief: Brief) -> str:
    """A class unique to this brief's content, the same on every run (meta left out)."""
    content = brief.model_dump_json(exclude={"meta"})
    return "nbb-" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]


def brief_to_html(brief: Brief, *, full_page: bool = False) -> str:
    """The brief as self-contained HTML: the article with its evidence highlighted, and tables.

    No scripts, fonts or URLs: it works offline, in Jupyter (``Brief._repr_html_``) and as a
    file.  Claims are a light background, sources underlined, figures boxed, each in the
    colour of its row; hovering or clicking a row outlines its evidence in the article (CSS
    ``:has``).  All text is escaped.  Per-brief CSS is scoped to a class derived from a hash
    of the brief, so several briefs in one notebook do not interfere, and the output is
    deterministic.  ``full_page=True`` wraps it in a complete HTML document.
    """
    scope = _scope(brief)
    items = _items(brief)
    by_kind = {kind: [i for i in items if i.kind == kind] for kind in _RANK}
    publication = '<span class="nbb-muted">(the publication)</span>'

    claim_rows = [
        (
            item,
            [
                _esc(claim.text),
                _esc(claim.modality) + (" · quote" if claim.quote else ""),
                _esc(", ".join(brief.source(sid).name for sid in claim.source_ids)) or publication,
            ],
        )
        for item, claim in zip(by_kind["claim"], brief.claims, strict=True)
    ]
    source_rows = [
        (
            item,
            [_esc(s.name), _esc(s.kind.replace("_", " ")), _esc(s.role or ""), _esc(s.via or "")],
        )
        for item, s in zip(by_kind["source"], brief.sources, strict=True)
    ]
    figure_rows = [
        (item, [_esc(describe_figure(f)), _esc(f.counts or ""), _esc(f.kind)])
        for item, f in zip(by_kind["figure"], brief.figures, strict=True)
    ]

    parts = [
        f'<div class="nbb {scope}">',
        f"<style>{_CSS}{_linking_css(scope, items)}</style>",
        '<div class="nbb-h">Summary</div>',
        f'<p class="nbb-summary">{_esc(brief.summary) or "(no summary)"}</p>',
        '<div class="nbb-body"><div class="nbb-article">',
        '<div class="nbb-h">Article</div>',
        '<div class="nbb-legend"><span class="nbb-claim" style="--h:212">claim</span>'
        '<span class="nbb-source" style="--h:212">source</span>'
        '<span class="nbb-figure" style="--h:212">figure</span>'
        "hover or click a row to find its evidence</div>",
        f'<div class="nbb-text">{_article_html(brief.article, items)}</div>',
        '</div><div class="nbb-side">',
        _table("Claims", ["claim", "modality", "source"], claim_rows),
        _table("Sources", ["name", "kind", "role", "via"], source_rows),
        _table("Figures", ["value", "counts", "kind"], figure_rows),
        "</div></div>",
    ]
    if brief.issues:
        parts.append(
            f'<div class="nbb-h">Issues · {len(brief.issues)}</div><ul class="nbb-issues">'
        )
        for issue in brief.issues:
            detail = f'<div class="nbb-detail">{_esc(issue.detail)}</div>' if issue.detail else ""
            parts.append(f"<li><b>{_esc(issue.item)}</b>: {_esc(issue.reason)}{detail}</li>")
        parts.append("</ul>")
    meta = brief.meta
    publisher = f" · {_esc(brief.publisher)}" if brief.publisher else ""
    parts.append(
        f'<div class="nbb-meta">{_esc(meta.backend)} · {_esc(meta.model)} · prompts '
        f"{_esc(meta.prompt_version)} · {meta.calls} questions, {meta.attempts} attempts · "
        f"{meta.usage.prompt_tokens}+{meta.usage.completion_tokens} tokens · "
        f"{meta.latency_s:.1f} s{publisher}</div></div>"
    )
    fragment = "".join(parts)
    if not full_page:
        return fragment
    headline = next((line.strip() for line in brief.article.splitlines() if line.strip()), "")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>newsbrief · {_esc(headline[:80])}</title>"
        "<style>body{margin:0;padding:24px;background:#f6f8fa}"
        "body>.nbb{max-width:1500px;margin:0 auto}</style>"
        f"</head><body>\n{fragment}\n</body></html>\n"
    )
