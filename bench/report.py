"""The benchmark's chart (PNG) and Markdown table, from the results JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

LABELS = {
    "newsbrief": "newsbrief (server)",
    "newsbrief-embedded": "newsbrief (in-process)",
    "langextract": "LangExtract",
    "naive": "naive Instructor",
}


def write_chart(results: dict[str, Any], path: Path) -> None:
    """Three panels, medians over articles: seconds per correct item, completion tokens per
    correct item, and recall over the gold items."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = results["summary"]
    systems = [s for s in results["systems"] if s in summary]
    labels = [LABELS[s] for s in systems]
    panels = [
        ("median_s_per_correct", "seconds per correct item\n(median, lower is better)"),
        (
            "median_completion_tokens_per_correct",
            "completion tokens per correct item\n(median, lower is better)",
        ),
        ("recall", "correct items / gold items\n(higher is better)"),
    ]
    palette = {
        "newsbrief": "#1f6f8b",
        "newsbrief-embedded": "#5fa8c4",
        "langextract": "#c06c2b",
        "naive": "#7a7a7a",
    }
    colors = [palette[s] for s in systems]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4), dpi=100)
    for ax, (key, title) in zip(axes, panels, strict=True):
        values = [summary[s][key] or 0 for s in systems]
        bars = ax.bar(labels, values, color=colors)
        ax.set_title(title, fontsize=9)
        ax.tick_params(axis="x", labelsize=7, rotation=20)
        ax.tick_params(axis="y", labelsize=8)
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(
                f"{value:.2f}" if value < 10 else f"{value:.0f}",
                (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                ha="center", va="bottom", fontsize=8,
            )  # fmt: skip
    machine = results["machine"]
    fig.suptitle(
        f"{len(results['articles'])} fixture articles, {machine['cores']} cores, "
        f"commit {machine['commit']}, {machine['date']}",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_table(results: dict[str, Any]) -> str:
    """A Markdown table of the medians and the targets."""
    summary = results["summary"]
    machine = results["machine"]
    speeds = results["raw_speed"]
    lines = [
        f"Run of {machine['date']}, commit `{machine['commit']}`"
        f"{' (uncommitted changes)' if machine['dirty'] else ''}, {machine['cpu']}, "
        f"{machine['cores']} cores, llama-cpp-python {machine['packages']['llama-cpp-python']}, "
        f"LangExtract {machine['packages']['langextract']}; "
        f"{len(results['articles'])} fixture articles, systems interleaved per article.",
        "",
        "| | " + " | ".join(LABELS[s] for s in results["systems"] if s in summary) + " |",
        "|---|" + "---:|" * sum(s in summary for s in results["systems"]),
    ]
    rows = [
        ("median wall s / article", "median_wall_s", "{:.1f}"),
        ("median prompt tokens / article", "median_prompt_tokens", "{:.0f}"),
        ("median completion tokens / article", "median_completion_tokens", "{:.0f}"),
        ("median attempts (model calls) / article", "median_attempts", "{:.0f}"),
        ("correct items (figures + sources + attributions)", "correct", "{}"),
        ("recall over gold items", "recall", "{:.2f}"),
        ("precision (correct / items delivered)", "precision", "{:.2f}"),
        ("figures / sources / attributions correct", None, ""),
        ("items delivered without locatable evidence", "ungrounded_items", "{}"),
        ("median s per correct item", "median_s_per_correct", "{:.2f}"),
        ("median completion tokens per correct item", "median_completion_tokens_per_correct",
         "{:.1f}"),
        ("median wall / decode limit of own tokens", "median_wall_over_decode_limit", "{:.2f}"),
        ("median wall / (article prefill + decode limit)", "median_wall_over_floor", "{:.2f}"),
        ("articles that failed", "errors", "{}"),
    ]  # fmt: skip
    for title, key, fmt in rows:
        cells = []
        for system in results["systems"]:
            if system not in summary:
                continue
            data = summary[system]
            if key is None:
                cells.append(
                    f"{data['figures_tp']} / {data['sources_tp']} / {data['claims_covered']}"
                )
            else:
                value = data[key]
                cells.append("n/a" if value is None else fmt.format(value))
        lines.append(f"| {title} | " + " | ".join(cells) + " |")
    raw = ", ".join(
        f"prefill {s['prefill_tps']:.0f} tok/s, decode {s['decode_tps']:.1f} tok/s, "
        f"decode under a JSON-schema grammar {s['grammar_decode_tps']:.1f} tok/s"
        for s in speeds
    )
    lines += [
        "",
        f"Raw speed of the served model, before and after the run: {raw}. "
        f"Decode limit = completion tokens / {results['decode_tps_used']} tok/s"
        + (
            f"; article prefill = the article's tokens / {results['prefill_tps_used']} tok/s."
            if "prefill_tps_used" in results
            else "."
        ),
        f"Offline: `import newsbrief` {results['import']['import_newsbrief_ms']:.0f} ms "
        f"(over a bare interpreter start of {results['import']['interpreter_ms']:.0f} ms); "
        f"replaying a recorded brief {results['replay']['median_ms_per_article']:.1f} ms "
        "per article (median, warm)"
        + (
            f", {results['replay']['first_round_median_ms']:.1f} ms the first time an article "
            f"is replayed in a process, and {results['replay']['first_brief_ms']:.0f} ms for a "
            "process's first brief (lazy imports)."
            if "first_round_median_ms" in results["replay"]
            else "."
        ),
    ]
    targets = results["summary"].get("targets", {})
    if targets:
        lines.append(
            "Targets (issue 7): s per correct item vs LangExtract "
            f"{targets.get('s_per_correct_vs_langextract')}x (<= 0.5), completion tokens per "
            f"correct item {targets.get('completion_tokens_per_correct_vs_langextract')}x "
            f"(<= 0.5), recall {targets.get('recall_newsbrief')} vs "
            f"{targets.get('recall_langextract')}, wall / decode limit "
            f"{targets.get('newsbrief_wall_over_decode_limit')}x (<= 1.15); wall / (article "
            f"prefill + decode limit) {targets.get('newsbrief_wall_over_floor')}x (no target)."
        )
    return "\n".join(lines) + "\n"
