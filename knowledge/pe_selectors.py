"""Reads of the PE ledger: which rules apply, the member's cycle, and progress per category.

`pe_progress` answers in a fixed number of queries (the requirement with its rules,
the categories, and one aggregate over the member's entries), however many entries
there are; `pe_requirement_met` is what certification asks on recertification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from knowledge.pe_models import PECategory, PEEntry, PERequirement
from members.models import Certificate, CertificationScheme
from portal.dates import add_months

ZERO = Decimal("0")


def pe_scheme_for(*, user) -> CertificationScheme | None:
    """The scheme whose rules apply to the member: that of their latest certificate, else the first with rules."""
    certificate = Certificate.objects.filter(holder=user).select_related("scheme").order_by("-issued_on").first()
    if certificate is not None:
        return certificate.scheme
    return CertificationScheme.objects.filter(pe_requirements__isnull=False).order_by("pk").first()


def pe_requirement_for(*, scheme: CertificationScheme, on: date) -> PERequirement | None:
    """The rules in force for a cycle that starts on `on` (the earliest rules if none yet)."""
    requirements = PERequirement.objects.filter(scheme=scheme).prefetch_related("category_rules")
    return requirements.filter(valid_from__lte=on).order_by("-valid_from").first() or requirements.order_by("valid_from").first()


@dataclass(frozen=True)
class PECycle:
    start: date
    end: date  # inclusive
    requirement: PERequirement | None


def pe_cycle_for(*, user, scheme: CertificationScheme, on: date) -> PECycle:
    """The member's cycle that contains `on`.

    A certificate holder's cycle is the certificate's validity period; for anyone else
    cycles of the requirement's length run from the date the rules took effect.
    """
    period = (
        Certificate.objects.filter(holder=user, scheme=scheme)
        .values_list("periods__valid_from", "periods__valid_until")
        .filter(periods__valid_from__lte=on, periods__valid_until__gte=on)
        .first()
    )
    if period is not None:
        return PECycle(period[0], period[1], pe_requirement_for(scheme=scheme, on=period[0]))
    requirement = pe_requirement_for(scheme=scheme, on=on)
    if requirement is None:
        return PECycle(date(on.year, 1, 1), date(on.year, 12, 31), None)
    months = 12 * requirement.cycle_years
    start = requirement.valid_from
    while add_months(start, months) <= on:
        start = add_months(start, months)
    while start > on:
        start = add_months(start, -months)
    return PECycle(start, add_months(start, months) - timedelta(days=1), requirement)


@dataclass
class CategoryProgress:
    category: PECategory
    approved: Decimal = ZERO
    pending: Decimal = ZERO
    minimum: Decimal = ZERO
    maximum: Decimal | None = None

    @property
    def counted(self) -> Decimal:
        return min(self.approved, self.maximum) if self.maximum is not None else self.approved

    @property
    def missing(self) -> Decimal:
        return max(self.minimum - self.counted, ZERO)


@dataclass
class PEProgress:
    start: date
    end: date
    required: Decimal
    categories: list[CategoryProgress] = field(default_factory=list)

    @property
    def counted(self) -> Decimal:
        return sum((row.counted for row in self.categories), ZERO)

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.counted, ZERO)

    @property
    def short_categories(self) -> list[CategoryProgress]:
        return [row for row in self.categories if row.missing > 0]

    @property
    def met(self) -> bool:
        return self.missing == 0 and not self.short_categories

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return int(min(self.counted / self.required, 1) * 100)


def pe_progress(*, user, start: date, end: date, requirement: PERequirement | None) -> PEProgress:
    """Points per category in [start, end] with the requirement's minimum and maximum applied."""
    rate = requirement.points_per_hour if requirement else Decimal("1")
    rules = {rule.category_id: rule for rule in requirement.category_rules.all()} if requirement else {}
    rows = {category.pk: CategoryProgress(category=category) for category in PECategory.objects.all()}
    for category_id, rule in rules.items():
        if category_id in rows:
            rows[category_id].minimum, rows[category_id].maximum = rule.min_points, rule.max_points
    totals = (
        PEEntry.objects.filter(member=user, date__gte=start, date__lte=end,
                               status__in=[PEEntry.Status.APPROVED, PEEntry.Status.PENDING])
        .values("category_id", "status")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    for total in totals:
        row = rows.get(total["category_id"])
        if row is None:
            continue
        points = (total["hours"] or ZERO) * rate
        if total["status"] == PEEntry.Status.APPROVED:
            row.approved += points
        else:
            row.pending += points
    return PEProgress(start=start, end=end, required=requirement.points_required if requirement else ZERO,
                      categories=list(rows.values()))


def pe_requirement_met(*, user, scheme: CertificationScheme, on: date) -> bool:
    """Whether the member met the requirement of the cycle that contains `on` (approved entries only)."""
    cycle = pe_cycle_for(user=user, scheme=scheme, on=on)
    if cycle.requirement is None:
        return True
    return pe_progress(user=user, start=cycle.start, end=cycle.end, requirement=cycle.requirement).met


def pe_requirement_check(*, user, period_start: date, period_end: date) -> bool:
    """The check certification asks on recertification (registered in `KnowledgeConfig.ready`)."""
    scheme = pe_scheme_for(user=user)
    if scheme is None:
        return True
    requirement = pe_requirement_for(scheme=scheme, on=period_start)
    if requirement is None:
        return True
    return pe_progress(user=user, start=period_start, end=period_end, requirement=requirement).met


def pe_entries_for_member(*, user):
    return PEEntry.objects.filter(member=user).select_related("category").order_by("-date", "-pk")
