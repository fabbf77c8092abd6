"""What the knowledge app puts on the member home ("Mijn omgeving") and on the public home page.

- The PE block: progress in the member's current cycle, one bar per category with its
  minimum, linking to the PE ledger; a task for each pending activity that still lacks
  evidence. A fixed number of queries whatever the member's history (the scheme, the
  cycle, the rules, the categories, one aggregate, the entries without evidence).
- The public home page's norm in force (`norm_page_in_force`).
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks

from knowledge import pe_selectors
from knowledge.pe_models import PEEntry
from portal.home_page import HOME_PAGE_CONTEXT_HOOK
from portal.member_home import MEMBER_HOME_PANELS_HOOK, MemberPanel, Task

EVIDENCE_TASK_LIMIT = 3


def _percent(part: Decimal, whole: Decimal) -> int:
    if not whole:
        return 100 if part else 0
    return int(min(part / whole, 1) * 100)


def pe_bars(progress) -> list[dict]:
    """One bar per category: approved points, pending points and the minimum, as widths in percent.

    The scale of every bar is the larger of the category's minimum and what it holds, so a
    bar is full exactly when the minimum is reached.
    """
    bars = []
    for row in progress.categories:
        scale = max(row.minimum, row.approved + row.pending, Decimal("1"))
        bars.append(
            {
                "category": row.category,
                "approved": row.approved,
                "pending": row.pending,
                "minimum": row.minimum,
                "met": row.missing == 0,
                "approved_width": _percent(row.approved, scale),
                "pending_width": _percent(row.pending, scale) if row.approved < scale else 0,
                "minimum_at": _percent(row.minimum, scale) if row.minimum else None,
                # The points the member is expected to hold at the end of the cycle (bars_with_forecast).
                "forecast": None,
            }
        )
    return bars


def pe_forecast_for(*, cycle, progress, on):
    """The forecast for the cycle from the progress already computed (no queries)."""
    if cycle is None or cycle.requirement is None or progress is None:
        return None
    return pe_selectors.pe_forecast_of(progress=progress, cycle=cycle, on=on)


def bars_with_forecast(bars: list[dict], forecast) -> list[dict]:
    """Put each category's expected points at the cycle's end into its bar."""
    if forecast is None:
        return bars
    projected = {row.category.pk: row.projected for row in forecast.categories}
    for bar in bars:
        bar["forecast"] = projected.get(bar["category"].pk)
    return bars


@hooks.register(MEMBER_HOME_PANELS_HOOK)
def pe_panel(request) -> MemberPanel:
    user = request.user
    today = timezone.localdate()
    scheme = pe_selectors.pe_scheme_for(user=user)
    progress = cycle = forecast = None
    bars = []
    if scheme is not None:
        cycle = pe_selectors.pe_cycle_for(user=user, scheme=scheme, on=today)
        progress = pe_selectors.pe_progress(user=user, start=cycle.start, end=cycle.end, requirement=cycle.requirement)
        bars = pe_bars(progress)
        forecast = pe_forecast_for(cycle=cycle, progress=progress, on=today)
        bars = bars_with_forecast(bars, forecast)
    without_evidence = list(
        PEEntry.objects.filter(member=user, status=PEEntry.Status.PENDING, evidence="").order_by("-date", "-pk")[
            :EVIDENCE_TASK_LIMIT
        ]
    )
    tasks = [
        Task(_("Upload evidence for “%(title)s”") % {"title": entry.title}, reverse("pe:entry_edit", args=[entry.pk]))
        for entry in without_evidence
    ]
    return MemberPanel(
        key="pe",
        title=_("Permanent education"),
        template="knowledge/home/_pe_panel.html",
        url=reverse("pe:ledger"),
        link_label=_("My PE record"),
        order=30,
        context={"progress": progress, "bars": bars, "forecast": forecast, "log_url": reverse("pe:entry_add")},
        tasks=tasks,
    )


# --- The public home page ------------------------------------------------------------


def norm_page_in_force(*, language: str, request=None):
    """The published norm page whose version is in force today, in `language`, or None.

    One query: the pages of the newest version in effect of an open scheme, in both languages.
    """
    from knowledge.models import NormPage
    from portal.cache import public_pages

    pages = list(
        public_pages(NormPage.objects.live(), request)
        .filter(norm_version__scheme__is_open=True, norm_version__effective_from__lte=timezone.localdate())
        .select_related("locale", "norm_version")
        .order_by("-norm_version__effective_from", "pk")[:6]
    )
    if not pages:
        return None
    newest = [page for page in pages if page.norm_version_id == pages[0].norm_version_id]
    found = {page.locale.language_code: page for page in newest}
    return found.get(language)


@hooks.register(HOME_PAGE_CONTEXT_HOOK)
def norms_on_home(request, language: str) -> dict:
    # The home page shows the latest news (portal.models.news_latest); once the library offers
    # featured news (knowledge.news.featured_news), answer it here as "featured_news".
    return {"norm_in_force": norm_page_in_force(language=language, request=request), "pe_url": reverse("pe:ledger")}
