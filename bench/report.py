"""The benchmark report: each figure beside its target and beside a previous report.

`bench/run.py` collects the figures; this module (no Django, no I/O but the files it
writes) judges them against their targets, compares them with a previous
`report.json` (`BENCH_COMPARE`) and writes `report.json`, `report.md` and a small SVG
chart of the latency percentiles per page.

A figure is a dict::

    {"id": "pages.event.rps", "label": "Event page", "unit": "req/s",
     "value": 91.2,              # at the main scale
     "small": 95.0,              # at the small scale, where the figure grows with data (else absent)
     "target": [">=", 80]}       # or absent: a figure without a target

`judge` adds `met` (True, False, or None when the figure has no value), `compare`
adds `previous` and `ratio` (value / previous).
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

# The targets of the benchmark issue, on a 2-core machine.
TARGETS: dict[str, tuple[str, float]] = {
    "pages.home.rps": (">=", 120),
    "pages.event.rps": (">=", 80),
    "pages.event.p99": ("<=", 250),
    "register_search.p95": ("<=", 150),
    "queries.event": ("<=", 15),
    "queries.register": ("<=", 15),
    "race.confirmed": ("==", 50),
    "race.server_errors": ("==", 0),
    "throughput.per_minute": (">=", 350),
    "throughput.p95": ("<=", 1.5),
    "race.p95": ("<=", 1.5),
    "webhooks.events_per_second": (">=", 200),
    "webhooks.identical": ("==", True),
    "setup.seconds": ("<=", 60),
    "setup.venv_mb": ("<=", 400),
}
SYMBOLS = {">=": "≥", "<=": "≤", "==": "="}
# Figures where more is better; for the others (latency, errors, size, seconds) less is better.
HIGHER_IS_BETTER_UNITS = {"req/s", "events/s", "members/s", "reg/min"}


def target_met(value, target) -> bool | None:
    if target is None or value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    op, wanted = target
    if op == ">=":
        return value >= wanted
    if op == "<=":
        return value <= wanted
    return value == wanted


def judge(figures: list[dict]) -> list[dict]:
    """Each figure with its target (from TARGETS unless it brings one) and whether it is met.

    A figure with a small-scale value and `equal_at_scales` must also be the same at both scales."""
    judged = []
    for figure in figures:
        figure = dict(figure)
        target = figure.get("target") or TARGETS.get(figure["id"])
        figure["target"] = list(target) if target else None
        met = target_met(figure.get("value"), target)
        if figure.get("equal_at_scales") and "small" in figure:
            same = figure.get("small") == figure.get("value")
            met = same if met is None else (met and same)
        figure["met"] = met
        judged.append(figure)
    return judged


def compare(figures: list[dict], previous: dict | None) -> list[dict]:
    """Add each figure's value in a previous report (matched by id) and the ratio now / then."""
    before = {f["id"]: f.get("value") for f in (previous or {}).get("figures", [])}
    compared = []
    for figure in figures:
        figure = dict(figure)
        old = before.get(figure["id"])
        figure["previous"] = old
        value = figure.get("value")
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, value))
        figure["ratio"] = (value / old) if numeric and old else None
        compared.append(figure)
    return compared


def summary(figures: list[dict]) -> dict:
    # A target is a bound, or "the same at both scales" (a figure measured at both), or both.
    with_target = [f for f in figures if f.get("target") or (f.get("equal_at_scales") and "small" in f)]
    return {
        "figures": len(figures),
        "with_target": len(with_target),
        "met": sum(1 for f in with_target if f.get("met") is True),
        "missed": [f["id"] for f in with_target if f.get("met") is False],
        "no_value": [f["id"] for f in with_target if f.get("met") is None],
    }


# --- writing ---------------------------------------------------------------------------------


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if isinstance(value, int):
        text = f"{value:,}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return f"{text} {unit}".strip() if unit and unit not in {"queries", "count", "yes/no"} else text


def fmt_target(figure: dict) -> str:
    target = figure.get("target")
    if not target:
        return "equal at both scales" if figure.get("equal_at_scales") else ""
    op, wanted = target
    text = f"{SYMBOLS.get(op, op)} {fmt(wanted, figure.get('unit', ''))}"
    if figure.get("equal_at_scales"):
        text += ", equal at both scales"
    return text


def fmt_met(figure: dict) -> str:
    return {True: "met", False: "**MISSED**", None: "–" if not figure.get("target") else "no figure"}[figure.get("met")]


def fmt_ratio(figure: dict) -> str:
    ratio = figure.get("ratio")
    if ratio is None:
        return ""
    better = ratio >= 1 if figure.get("unit") in HIGHER_IS_BETTER_UNITS else ratio <= 1
    if abs(ratio - 1) < 0.05:
        word = "same"
    else:
        word = "better" if better else "worse"
    return f"×{ratio:.2f} ({word})"


def latency_svg(pages: dict[str, dict], *, title: str = "Latency per page (ms)", previous: dict | None = None) -> str:
    """Grouped horizontal bars: p50, p95 and p99 per page (at the main scale); with `previous`
    (the same pages in an earlier report), a black mark at each earlier value."""
    rows = [(name, figures) for name, figures in pages.items() if figures.get("p99") is not None]
    previous = previous or {}
    colours = {"p50": "#4c9a2a", "p95": "#e0a800", "p99": "#c0392b"}
    label_width, bar_width, bar_height, gap = 150, 420, 12, 12
    height = 40 + len(rows) * (3 * bar_height + gap) + 30
    top = max([max(max(f.get(k) or 0, (previous.get(n) or {}).get(k) or 0) for k in colours) for n, f in rows] or [1]) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 170}" height="{height}" '
        f'font-family="sans-serif" font-size="11" role="img" aria-label="{html.escape(title)}">',
        f'<text x="4" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>',
    ]
    y = 30
    for name, figures in rows:
        out.append(f'<text x="4" y="{y + 1.5 * bar_height + 4}">{html.escape(name)}</text>')
        for k, colour in colours.items():
            value = figures.get(k) or 0
            width = max(1.0, value / top * bar_width)
            out.append(f'<rect x="{label_width}" y="{y}" width="{width:.1f}" height="{bar_height}" fill="{colour}"/>')
            text = f"{k} {value:.0f}"
            before = (previous.get(name) or {}).get(k)
            if before:
                mark = label_width + before / top * bar_width
                out.append(f'<rect x="{mark - 1:.1f}" y="{y - 1}" width="2" height="{bar_height + 2}" fill="#000"/>')
                text += f" (was {before:.0f})"
            out.append(f'<text x="{label_width + max(width, (before or 0) / top * bar_width) + 4:.1f}" '
                       f'y="{y + bar_height - 2}">{text}</text>')
            y += bar_height
        y += gap
    legend_x = label_width
    for k, colour in colours.items():
        out.append(f'<rect x="{legend_x}" y="{y + 4}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{legend_x + 14}" y="{y + 13}">{k}</text>')
        legend_x += 60
    out.append("</svg>")
    return "\n".join(out) + "\n"


def markdown(report: dict) -> str:
    run, figures = report["run"], report["figures"]
    small, main = run.get("small_scale"), run.get("scale")
    totals = summary(figures)
    lines = [
        "# Benchmark report",
        "",
        f"Run {run.get('finished', '')} on commit `{run.get('commit', '?')}`, {run.get('cpus', '?')} cores "
        f"(load average {run.get('load_before', '?')} before the run), PostgreSQL {run.get('postgres', '?')}, "
        f"gunicorn with {run.get('workers', 2)} workers, Redis for the cache. Scale {main}"
        + (f" (and {small} for the figures that grow with data)" if small is not None else "")
        + f"; {run.get('seconds')} s per load run with {run.get('connections')} connections ({run.get('tool')}); "
        f"the whole run took {fmt(run.get('duration_s'))} s.",
        "",
        f"**{totals['met']} of {totals['with_target']} targets met**"
        + (f"; missed: {', '.join(totals['missed'])}" if totals["missed"] else "")
        + (f"; without a figure: {', '.join(totals['no_value'])}" if totals["no_value"] else "")
        + ".",
        "",
    ]
    if report.get("errors"):
        lines += ["## Benchmarks that failed to run", ""] + [f"- {e}" for e in report["errors"]] + [""]
    if report.get("compare_with"):
        lines += [f"Compared with `{report['compare_with']}` (ratio = now / then).", ""]
    head = ["Figure"]
    if small is not None:
        head.append(f"scale {small}")
    head += [f"scale {main}", "Target", "", "Previous", "Ratio"]
    lines += ["## Figures", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for figure in figures:
        unit = figure.get("unit", "")
        row = [figure["label"]]
        if small is not None:
            row.append(fmt(figure.get("small"), unit) if "small" in figure else "")
        row += [fmt(figure.get("value"), unit), fmt_target(figure), fmt_met(figure),
                fmt(figure.get("previous"), unit) if figure.get("previous") is not None else "", fmt_ratio(figure)]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    if report.get("pages"):
        lines += ["## Pages under load", "",
                  "Anonymous visitors, production settings (DEBUG off, the page cache in Redis as configured); "
                  "queries and render time (uncached, one request after a warm-up) from Django's test client "
                  "against the same database.", ""]
        lines += ["| Page | scale | address | req/s | p50 ms | p95 ms | p99 ms | errors | queries | render ms |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for scale_key, pages in report["pages"].items():
            for name, page in pages.items():
                lines.append(
                    f"| {name} | {scale_key} | `{page.get('path', '')}` | {fmt(page.get('rps'))} | {fmt(page.get('p50'))} | "
                    f"{fmt(page.get('p95'))} | {fmt(page.get('p99'))} | {fmt(page.get('errors'))} | "
                    f"{fmt(page.get('queries'))} | {fmt(page.get('render_ms'))} |")
        lines += ["", f"![Latency percentiles per page]({report.get('chart', 'report-latency.svg')})", ""]
    if report.get("generation"):
        lines += ["## Data", "", "| scale | " + " | ".join(next(iter(report["generation"].values()))["counts"]) +
                  " | seconds |", "|" + "---|" * (len(next(iter(report["generation"].values()))["counts"]) + 2)]
        for scale_key, generated in report["generation"].items():
            lines.append(f"| {scale_key} | " + " | ".join(fmt(v) for v in generated["counts"].values())
                         + f" | {fmt(generated.get('seconds'))} |")
        lines.append("")
    if report.get("notes"):
        lines += ["## Notes", ""] + [f"- {note}" for note in report["notes"]] + [""]
    return "\n".join(lines)


def write(report: dict, directory: Path, *, previous: dict | None = None, compare_with: str | None = None) -> dict:
    """Judge and compare the figures, then write report.json, report.md and the chart into `directory`."""
    report = dict(report)
    report["figures"] = compare(judge(report["figures"]), previous)
    report["summary"] = summary(report["figures"])
    if compare_with:
        report["compare_with"] = compare_with
    chart = "report-latency.svg"
    report["chart"] = chart
    scale = str(report["run"].get("scale"))
    main_pages = (report.get("pages") or {}).get(scale, {})
    earlier = ((previous or {}).get("pages") or {}).get(scale)
    title = f"Latency per page at scale {scale} (ms)" + ("; black marks: the previous report" if earlier else "")
    (directory / chart).write_text(latency_svg(main_pages, title=title, previous=earlier))
    (directory / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (directory / "report.md").write_text(markdown(report))
    return report


def load_previous(path: str | None) -> dict | None:
    if not path:
        return None
    return json.loads(Path(path).read_text())
