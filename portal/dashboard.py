"""The association at a glance: the figures staff see on the admin home and the board reads in its report.

The dashboard knows no app. Each app describes its own sections in its own
``<app>/dashboard.py`` and registers them with the Wagtail hook ``dashboard_sections``:

    @hooks.register(DASHBOARD_SECTIONS_HOOK)
    def membership_section() -> Section:
        return Section(key="members", title=..., permissions=("members.view_membership",), build=...)

A `Section` says who may see it (any one of its permissions; superusers see all) and
how to build its figures for a `Period` in a fixed number of queries, however many
members there are. The same built `SectionData` is rendered three ways: as a panel on
the Wagtail admin home (`portal/dashboard_admin.py`), as one page of the board report
(PDF) and as CSV, one file per chart or table.

Charts are plain SVG made here (no library, no script, no CDN): each has a title and a
summary for screen readers and the same numbers as a table under it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import escape, format_html
from django.utils.module_loading import autodiscover_modules
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

from portal.dates import add_months

DASHBOARD_SECTIONS_HOOK = "dashboard_sections"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TREND_MONTHS = 24


# --- Periods and months ---------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return add_months(month_start(day), 1) - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A run of whole days, both ends included, in Amsterdam time."""

    start: date
    end: date

    @classmethod
    def last_months(cls, count: int = TREND_MONTHS, *, today: date | None = None) -> Period:
        """The `count` calendar months up to and including the current one."""
        today = today or timezone.localdate()
        return cls(add_months(month_start(today), -(count - 1)), month_end(today))

    @classmethod
    def this_month(cls, *, today: date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls(month_start(today), month_end(today))

    def months(self) -> list[date]:
        """The first day of every month the period touches."""
        months, current = [], month_start(self.start)
        while current <= self.end:
            months.append(current)
            current = add_months(current, 1)
        return months

    @property
    def starts_at(self):
        """The first moment of the period in Amsterdam, as an aware datetime."""
        return datetime.combine(self.start, time.min, tzinfo=AMSTERDAM)

    @property
    def ends_before(self):
        """The first moment after the period in Amsterdam, as an aware datetime."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=AMSTERDAM)

    def label(self) -> str:
        return f"{date_format(self.start, 'j F Y')} – {date_format(self.end, 'j F Y')}"


def month_buckets(rows, *, months: list[date], key: str = "month", value: str = "count") -> list[int]:
    """Counts per month from rows of a query grouped by ``TruncMonth(..., tzinfo=AMSTERDAM)``.

    The database gives the month's first moment; it is read back in Amsterdam time, so an
    entry at 23:30 on 31 January in Amsterdam (22:30 UTC) counts in January.
    """
    counts = dict.fromkeys(months, 0)
    for row in rows:
        moment = row[key]
        if moment is None:
            continue
        if hasattr(moment, "astimezone") and getattr(moment, "tzinfo", None) is not None:
            moment = moment.astimezone(AMSTERDAM)
        day = moment.date() if hasattr(moment, "date") and callable(moment.date) else moment
        bucket = month_start(day)
        if bucket in counts:
            counts[bucket] += row[value]
    return [counts[month] for month in months]


def month_label(month: date, *, short: bool = True) -> str:
    return date_format(month, "M Y" if short else "F Y")


# --- What a section shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One headline number."""

    label: str
    value: Any
    url: str = ""
    note: str = ""
    tone: str = ""  # "warning" draws attention

    @property
    def display(self) -> str:
        if isinstance(self.value, (int, float, Decimal)):
            return number_format(self.value, force_grouping=True)
        return str(self.value)


@dataclass
class Series:
    key: str
    label: str
    values: list


@dataclass
class Chart:
    """A chart with its numbers: `categories` along one axis, one value per series and category.

    kind: "line" (months along the bottom) or "bars" (horizontal bars, one series).
    """

    key: str
    title: str
    categories: list[str]
    series: list[Series]
    kind: str = "line"
    unit: str = ""
    max_value: float | None = None  # e.g. 100 for percentages

    @property
    def total(self):
        return sum(sum(series.values) for series in self.series)

    def csv(self) -> str:
        return _csv([self.title_column, *[series.label for series in self.series]],
                    [[category, *[series.values[i] for series in self.series]] for i, category in enumerate(self.categories)])

    @property
    def title_column(self) -> str:
        from django.utils.translation import gettext

        return gettext("Month") if self.kind == "line" else gettext("Item")

    def rows(self) -> list[list]:
        return [[category, *[series.values[i] for series in self.series]] for i, category in enumerate(self.categories)]

    def svg(self) -> SafeString:
        return line_chart_svg(self) if self.kind == "line" else bar_chart_svg(self)


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    empty: str = ""
    personal: bool = False  # names people: shown to staff, left out of the board report

    def csv(self) -> str:
        return _csv(self.columns, self.rows)


@dataclass
class SectionData:
    figures: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)

    def downloadable(self, key: str) -> Chart | Table | None:
        for item in [*self.charts, *self.tables]:
            if item.key == key:
                return item
        return None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    build: Callable[..., SectionData]  # build(period=..., user=...) -> SectionData
    permissions: tuple[str, ...] = ()
    order: int = 100
    description: str = ""

    def visible_to(self, user) -> bool:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if user.is_superuser:
            return True
        return any(user.has_perm(permission) for permission in self.permissions)


_discovered = False


def dashboard_sections(user=None) -> list[Section]:
    """Every registered section (only those `user` may see, when given), in order."""
    global _discovered
    if not _discovered:
        autodiscover_modules("dashboard")
        _discovered = True
    sections = []
    for hook in hooks.get_hooks(DASHBOARD_SECTIONS_HOOK):
        answer = hook()
        sections.extend(answer if isinstance(answer, (list, tuple)) else [answer])
    if user is not None:
        sections = [section for section in sections if section.visible_to(user)]
    return sorted(sections, key=lambda section: (section.order, section.key))


def dashboard_section(key: str, user) -> Section | None:
    return next((section for section in dashboard_sections(user) if section.key == key), None)


def _csv(columns: Sequence[str], rows: Sequence[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return buffer.getvalue()


# --- SVG charts -----------------------------------------------------------------------------------

# Colours with at least 3:1 contrast against white (WCAG 1.4.11), told apart by marker and dash too.
PALETTE = [
    ("#0b57a3", "circle", ""),
    ("#a4161a", "square", "6 4"),
    ("#1b6b3a", "diamond", "2 3"),
    ("#6a3d9a", "triangle", "10 3 2 3"),
]
INK = "#1a1a2e"
GRID = "#c9d2dc"
MUTED = "#4a5160"


def _nice_max(value: float) -> float:
    if value <= 0:
        return 4
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * magnitude
        if candidate >= value:
            return candidate
    return 10 * magnitude


def _ticks(maximum: float, count: int = 4) -> list[float]:
    return [maximum * n / count for n in range(count + 1)]


def _fmt(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return number_format(round(value, 1))
    return number_format(int(value), force_grouping=True)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "diamond":
        return f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y:.1f} L{x:.1f} {y + 4.5:.1f} L{x - 4.5:.1f} {y:.1f} Z" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 4.5:.1f} L{x + 4.5:.1f} {y + 3.5:.1f} L{x - 4.5:.1f} {y + 3.5:.1f} Z" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def _summary(chart: Chart) -> str:
    from django.utils.translation import gettext

    parts = []
    for series in chart.series:
        parts.append(gettext("%(series)s: %(total)s in all") % {"series": series.label, "total": _fmt(sum(series.values))})
    return "; ".join(parts)


def _svg_open(chart: Chart, width: int, height: int) -> str:
    title_id = f"chart-{chart.key}-title"
    desc_id = f"chart-{chart.key}-desc"
    summary = _summary(chart) if chart.kind == "line" else ""
    return (
        f'<svg class="chart chart--{escape(chart.kind)}" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(chart.title)}</title>'
        f'<desc id="{desc_id}">{escape(summary)}</desc>'
    )


def line_chart_svg(chart: Chart, *, width: int = 720, height: int = 260) -> SafeString:
    """Months along the bottom, one line per series, a legend above."""
    left, right, top, bottom = 44, 36, 34, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [value for series in chart.series for value in series.values]
    maximum = chart.max_value or _nice_max(max(values, default=0))
    count = max(len(chart.categories), 1)
    step = plot_w / max(count - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if count > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h - (float(value) / maximum) * plot_h

    parts = [_svg_open(chart, width, height)]
    for tick in _ticks(maximum):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}">{_fmt(tick)}</text>')
    every = max(1, round(count / 8))
    for i, category in enumerate(chart.categories):
        if i % every == 0 or i == count - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" fill="{MUTED}">{escape(category)}</text>'
            )
    legend_x = left
    for index, series in enumerate(chart.series):
        colour, shape, dash = PALETTE[index % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(value):.1f}" for i, value in enumerate(series.values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        parts.extend(_marker(shape, x(i), y(value), colour) for i, value in enumerate(series.values))
        parts.append(f'<line x1="{legend_x}" x2="{legend_x + 22}" y1="14" y2="14" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        parts.append(_marker(shape, legend_x + 11, 14, colour))
        parts.append(f'<text x="{legend_x + 28}" y="18" font-size="12" fill="{INK}">{escape(series.label)}</text>')
        legend_x += 36 + 7 * len(series.label)
    parts.append("</svg>")
    return mark_safe("".join(parts))


def bar_chart_svg(chart: Chart, *, width: int = 720) -> SafeString:
    """One horizontal bar per category with its value written beside it (first series only)."""
    series = chart.series[0] if chart.series else Series("", "", [])
    label_w, value_w, row_h, top = 270, 64, 26, 8
    height = top * 2 + row_h * max(len(chart.categories), 1)
    maximum = chart.max_value or _nice_max(max(series.values, default=0))
    plot_w = width - label_w - value_w
    colour = PALETTE[0][0]
    parts = [_svg_open(chart, width, height)]
    for i, category in enumerate(chart.categories):
        value = series.values[i]
        y = top + i * row_h
        bar = (float(value) / maximum) * plot_w if maximum else 0
        fits = (label_w - 12) // 7  # characters of about 7 px at 12 px
        label = category if len(category) <= fits else category[: fits - 1] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" font-size="12" fill="{INK}">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 5}" width="{plot_w}" height="16" fill="#f3f6f9"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 5}" width="{bar:.1f}" height="16" fill="{colour}"/>')
        parts.append(
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 17}" font-size="12" fill="{INK}">{_fmt(value)}{escape(chart.unit)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def period_parse(data) -> Period | None:
    """A period from ``start=YYYY-MM`` and ``end=YYYY-MM`` (whole months), or None when either is wrong."""

    def month(value) -> date | None:
        try:
            year, number = (int(part) for part in str(value or "").split("-", 1))
            return date(year, number, 1) if 1 <= number <= 12 and 1900 < year < 3000 else None
        except ValueError:
            return None

    start, end = month(data.get("start")), month(data.get("end"))
    if start is None or end is None or end < start:
        return None
    return Period(start, month_end(end))


def period_from_query(data, *, default: Period | None = None) -> Period:
    """The period asked for in a query string, or the default (the last 24 months)."""
    return period_parse(data) or default or Period.last_months()


def figure_link(label: str, url: str) -> str:
    return format_html('<a href="{}">{}</a>', url, label)
