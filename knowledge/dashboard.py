"""The knowledge app's section of the staff dashboard and the board report (see portal/dashboard.py).

- The PE review backlog: entries waiting for review, how long the oldest waits.
- Certified members behind schedule: their approved points in the current cycle fall
  short of what the time passed asks (the requirement × the share of the cycle gone).
  A fixed number of queries for any number of members: the current certificate periods,
  the requirements with their rules, and the approved entries of those cycles.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from knowledge.pe_models import PEEntry, PERequirement
from members.models import CertificatePeriod, Certificate
from portal.dashboard import DASHBOARD_SECTIONS_HOOK, Figure, Period, Section, SectionData, Table

REVIEW_WAIT_DAYS = 14
BEHIND_LIST_LIMIT = 10
ZERO = Decimal("0")


def pe_review_backlog(*, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    now = timezone.now()
    waited = now - timezone.timedelta(days=REVIEW_WAIT_DAYS)
    backlog = PEEntry.objects.filter(status=PEEntry.Status.PENDING).aggregate(
        pending=Count("pk"),
        old=Count("pk", filter=Q(created_at__lt=waited)),
        oldest=Min("created_at"),
    )
    backlog["oldest_days"] = (now - backlog["oldest"]).days if backlog["oldest"] else 0
    return backlog


def _requirement_for(requirements: list[PERequirement], scheme_id: int, on: date) -> PERequirement | None:
    own = [requirement for requirement in requirements if requirement.scheme_id == scheme_id]
    in_force = [requirement for requirement in own if requirement.valid_from <= on]
    if in_force:
        return max(in_force, key=lambda requirement: requirement.valid_from)
    return min(own, key=lambda requirement: requirement.valid_from) if own else None


def _whole_months(start: date, end: date) -> int:
    """Whole months from `start` to `end` (the 15th to the 14th of the next month is none yet)."""
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def expected_points(*, required: Decimal, start: date, end: date, today: date) -> Decimal:
    """What a member should hold by `today`: the requirement times the share of whole months gone.

    Counting whole months keeps a member who was certified last week from being "behind".
    """
    from datetime import timedelta

    months = max(_whole_months(start, end + timedelta(days=1)), 1)
    gone = min(max(_whole_months(start, today), 0), months)
    return (required * Decimal(gone) / Decimal(months)).quantize(Decimal("0.1"))


def members_behind_schedule(*, today: date | None = None) -> list[dict]:
    """Holders of an active certificate whose approved points lag the time gone in their cycle, most behind first."""
    today = today or timezone.localdate()
    periods = list(
        CertificatePeriod.objects.filter(
            certificate__status=Certificate.Status.ACTIVE, valid_from__lte=today, valid_until__gte=today
        ).values(
            "valid_from", "valid_until", "certificate__scheme_id", "certificate__holder_id",
            "certificate__holder__first_name", "certificate__holder__last_name", "certificate__holder__email",
        )
    )
    if not periods:
        return []
    requirements = list(PERequirement.objects.prefetch_related("category_rules"))
    cycles = {}
    for row in periods:
        cycles.setdefault(row["certificate__holder_id"], row)
    earliest = min(row["valid_from"] for row in cycles.values())
    points = defaultdict(lambda: defaultdict(lambda: ZERO))
    entries = PEEntry.objects.filter(
        member_id__in=list(cycles), status=PEEntry.Status.APPROVED, date__gte=earliest, date__lte=today
    ).values_list("member_id", "category_id", "date", "hours")
    for member_id, category_id, day, hours in entries:
        cycle = cycles[member_id]
        if cycle["valid_from"] <= day <= cycle["valid_until"]:
            points[member_id][category_id] += hours
    behind = []
    for member_id, cycle in cycles.items():
        requirement = _requirement_for(requirements, cycle["certificate__scheme_id"], cycle["valid_from"])
        if requirement is None or not requirement.points_required:
            continue
        maxima = {rule.category_id: rule.max_points for rule in requirement.category_rules.all()}
        counted = ZERO
        for category_id, hours in points[member_id].items():
            value = hours * requirement.points_per_hour
            maximum = maxima.get(category_id)
            counted += min(value, maximum) if maximum is not None else value
        expected = expected_points(required=requirement.points_required, start=cycle["valid_from"],
                                   end=cycle["valid_until"], today=today)
        if counted < expected:
            name = f'{cycle["certificate__holder__first_name"]} {cycle["certificate__holder__last_name"]}'.strip()
            behind.append({
                "name": name or cycle["certificate__holder__email"],
                "counted": counted.quantize(Decimal("0.1")),
                "expected": expected,
                "required": requirement.points_required,
                "cycle_end": cycle["valid_until"],
                "short": expected - counted,
            })
    return sorted(behind, key=lambda row: (-row["short"], row["name"]))


def build_pe(*, period: Period, user=None) -> SectionData:
    backlog = pe_review_backlog()
    behind = members_behind_schedule()
    reviewed = PEEntry.objects.filter(
        reviewed_at__gte=period.starts_at, reviewed_at__lt=period.ends_before
    ).aggregate(
        approved=Count("pk", filter=Q(status=PEEntry.Status.APPROVED)),
        rejected=Count("pk", filter=Q(status=PEEntry.Status.REJECTED)),
    )
    return SectionData(
        figures=[
            Figure(_("Waiting for review"), backlog["pending"], tone="warning" if backlog["old"] else ""),
            Figure(_("Waiting longer than 14 days"), backlog["old"], tone="warning" if backlog["old"] else ""),
            Figure(_("Oldest waits (days)"), backlog["oldest_days"]),
            Figure(_("Certified members behind schedule"), len(behind), tone="warning" if behind else ""),
            Figure(_("Approved in the period"), reviewed["approved"]),
            Figure(_("Rejected in the period"), reviewed["rejected"]),
        ],
        tables=[
            Table(
                key="behind-schedule",
                title=_("Certified members furthest behind on PE"),
                columns=[_("Member"), _("Points counted"), _("Expected by now"), _("Required in the cycle"), _("Cycle ends")],
                rows=[[row["name"], float(row["counted"]), float(row["expected"]), float(row["required"]),
                       row["cycle_end"].isoformat()]
                      for row in behind[:BEHIND_LIST_LIMIT]],
                empty=_("Every certified member is on schedule."),
                personal=True,
            )
        ],
    )


@hooks.register(DASHBOARD_SECTIONS_HOOK)
def pe_section() -> Section:
    return Section(
        key="pe",
        title=gettext_lazy("Permanent education"),
        build=build_pe,
        permissions=("knowledge.view_peentry",),
        order=30,
    )
