"""Reads of the PE ledger: which rules apply, the member's cycle, progress per category,
eligibility for recertification, the forecast, and the standings of many members at once.

- `pe_progress`: one member's points per category in a cycle, with the caps applied,
  in a fixed number of queries (the categories and one aggregate over the entries).
- `pe_eligibility`: for a member and a date, whether the cycle's requirement is met and,
  if not, why (which categories, how many points). Certification asks only this
  (through `pe_requirement_check`, registered in `KnowledgeConfig.ready`).
- `pe_forecast`: from the pace so far, whether the member will meet the requirement by
  the cycle's end, and which categories will fall short.
- `pe_standings`: the progress of many members at once, in a fixed number of aggregate
  queries (the staff list of members behind schedule, reminders, the benchmark).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge.pe_models import PECategory, PEEntry, PERequirement
from members.models import Certificate, CertificatePeriod, CertificationScheme
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


def _requirement_in(requirements: list[PERequirement], on: date) -> PERequirement | None:
    """`pe_requirement_for` over requirements already loaded."""
    started = [r for r in requirements if r.valid_from <= on]
    if started:
        return max(started, key=lambda r: r.valid_from)
    return min(requirements, key=lambda r: r.valid_from, default=None)


@dataclass(frozen=True)
class PECycle:
    start: date
    end: date  # inclusive
    requirement: PERequirement | None

    def days_left(self, on: date) -> int:
        """Days left in the cycle, `on` included (the last day has one day left)."""
        return max((self.end - on).days + 1, 0)


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
    return pe_rules_cycle(scheme=scheme, on=on)


def pe_rules_cycle(*, scheme: CertificationScheme, on: date, requirements: list[PERequirement] | None = None) -> PECycle:
    """The cycle containing `on` for someone without a certificate: cycles of the rules' length
    from the date the rules in force took effect. `requirements` (the scheme's, any order) saves the queries."""
    requirement = (
        _requirement_in(requirements, on) if requirements is not None else pe_requirement_for(scheme=scheme, on=on)
    )
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

    @property
    def over_maximum(self) -> Decimal:
        return self.approved - self.counted


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
    def pending(self) -> Decimal:
        return sum((row.pending for row in self.categories), ZERO)

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

    def days_left(self, on: date) -> int:
        return max((self.end - on).days + 1, 0)


def _rows(requirement: PERequirement | None, categories: list[PECategory]) -> dict[int, CategoryProgress]:
    rules = {rule.category_id: rule for rule in requirement.category_rules.all()} if requirement else {}
    rows = {}
    for category in categories:
        rule = rules.get(category.pk)
        rows[category.pk] = CategoryProgress(
            category=category, minimum=rule.min_points if rule else ZERO, maximum=rule.max_points if rule else None
        )
    return rows


def _add(rows: dict[int, CategoryProgress], total: dict, rate: Decimal) -> None:
    """Add one aggregate row (category, status, hours without fixed points, fixed points)."""
    row = rows.get(total["category_id"])
    if row is None:
        return
    points = (total["hours"] or ZERO) * rate + (total["points"] or ZERO)
    if total["status"] == PEEntry.Status.APPROVED:
        row.approved += points
    else:
        row.pending += points


def _totals(entries):
    """Hours (entries without fixed points) and fixed points, per category and status."""
    return (
        entries.filter(status__in=PEEntry.OPEN_STATUSES)
        .values("category_id", "status")
        .annotate(hours=Sum("hours", filter=Q(points__isnull=True)), points=Sum("points"))
        .order_by()
    )


def pe_progress(*, user, start: date, end: date, requirement: PERequirement | None) -> PEProgress:
    """Points per category in [start, end] with the requirement's minimum and maximum applied.

    Approved entries count; pending ones are shown apart. An entry with fixed points (an
    event's) counts those, any other its hours at the requirement's rate.
    """
    rate = requirement.points_per_hour if requirement else Decimal("1")
    rows = _rows(requirement, list(PECategory.objects.all()))
    for total in _totals(PEEntry.objects.filter(member=user, date__gte=start, date__lte=end)):
        _add(rows, total, rate)
    return PEProgress(start=start, end=end, required=requirement.points_required if requirement else ZERO,
                      categories=list(rows.values()))


# --- Eligibility ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    category: PECategory | None  # None: the total
    missing: Decimal


@dataclass(frozen=True)
class PEEligibility:
    """Whether a cycle's requirement is met and, if not, why."""

    met: bool
    cycle: PECycle | None
    progress: PEProgress | None
    shortfalls: tuple[Shortfall, ...] = ()

    @property
    def reasons(self) -> list[str]:
        """The shortfalls in words, in the active language."""
        reasons = []
        for shortfall in self.shortfalls:
            if shortfall.category is None:
                reasons.append(_("%(points)s points short of the %(required)s required in the cycle.") % {
                    "points": _number(shortfall.missing), "required": _number(self.progress.required)})
            else:
                reasons.append(_("%(points)s points short in %(category)s.") % {
                    "points": _number(shortfall.missing), "category": shortfall.category.name})
        return reasons


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value.quantize(Decimal('0.01'))}"


def _eligibility(cycle: PECycle, progress: PEProgress) -> PEEligibility:
    shortfalls = [Shortfall(row.category, row.missing) for row in progress.short_categories]
    if progress.missing:
        shortfalls.insert(0, Shortfall(None, progress.missing))
    return PEEligibility(met=progress.met, cycle=cycle, progress=progress, shortfalls=tuple(shortfalls))


def pe_eligibility(*, user, on: date | None = None, cycle: PECycle | None = None) -> PEEligibility:
    """Whether the member met the PE requirement of the cycle containing `on` (or of `cycle`)
    and, if not, why: the points short in total and per category. Approved entries only.

    Without a scheme or rules there is nothing to meet (met, no cycle). Queries: a few for
    the scheme, cycle and rules, one aggregate over the entries.
    """
    on = on or timezone.localdate()
    if cycle is None:
        scheme = pe_scheme_for(user=user)
        if scheme is None:
            return PEEligibility(met=True, cycle=None, progress=None)
        cycle = pe_cycle_for(user=user, scheme=scheme, on=on)
    if cycle.requirement is None:
        return PEEligibility(met=True, cycle=cycle, progress=None)
    progress = pe_progress(user=user, start=cycle.start, end=cycle.end, requirement=cycle.requirement)
    return _eligibility(cycle, progress)


def pe_requirement_met(*, user, scheme: CertificationScheme, on: date) -> bool:
    """Whether the member met the requirement of the cycle that contains `on` (approved entries only)."""
    return pe_eligibility(user=user, cycle=pe_cycle_for(user=user, scheme=scheme, on=on)).met


def pe_requirement_check(*, user, period_start: date, period_end: date) -> bool:
    """The check certification asks on recertification (registered in `KnowledgeConfig.ready`):
    `pe_eligibility` for the certificate's period, under the rules in force at its start."""
    scheme = pe_scheme_for(user=user)
    if scheme is None:
        return True
    requirement = pe_requirement_for(scheme=scheme, on=period_start)
    return pe_eligibility(user=user, cycle=PECycle(period_start, period_end, requirement)).met


# --- Forecast ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryForecast:
    category: PECategory
    projected: Decimal  # points expected by the cycle's end, the maximum applied
    minimum: Decimal

    @property
    def missing(self) -> Decimal:
        return max(self.minimum - self.projected, ZERO)


@dataclass(frozen=True)
class PEForecast:
    """Where the member's pace so far leads by the end of the cycle."""

    on: date
    cycle: PECycle
    progress: PEProgress
    projected: Decimal  # total points expected by the end, the maxima applied
    categories: tuple[CategoryForecast, ...]

    @property
    def days_left(self) -> int:
        return self.cycle.days_left(self.on)

    @property
    def short_categories(self) -> list[CategoryForecast]:
        return [row for row in self.categories if row.missing > 0]

    @property
    def projected_missing(self) -> Decimal:
        return max(self.progress.required - self.projected, ZERO)

    @property
    def will_meet(self) -> bool:
        return self.progress.met or (not self.projected_missing and not self.short_categories)

    @property
    def points_per_month_needed(self) -> Decimal:
        """Points a month still needed to reach the requirement in time (0 when met)."""
        months = Decimal(max(self.days_left, 1)) / Decimal("30.44")
        return (self.progress.missing / max(months, Decimal("1"))).quantize(Decimal("0.1"))


def pe_forecast_of(*, progress: PEProgress, cycle: PECycle, on: date) -> PEForecast:
    """The forecast from a progress already computed (no queries).

    A straight line: what the member has so far (approved and pending entries; a
    rejection lowers the forecast again) grows at the same pace per day until the end.
    """
    total_days = Decimal((cycle.end - cycle.start).days + 1)
    elapsed = Decimal(min(max((on - cycle.start).days + 1, 1), int(total_days)))
    factor = total_days / elapsed
    categories = []
    for row in progress.categories:
        projected = (row.approved + row.pending) * factor
        if row.maximum is not None:
            projected = min(projected, row.maximum)
        categories.append(CategoryForecast(row.category, projected.quantize(Decimal("0.1")), row.minimum))
    projected = sum((row.projected for row in categories), ZERO)
    return PEForecast(on=on, cycle=cycle, progress=progress, projected=projected, categories=tuple(categories))


def pe_forecast(*, user, on: date | None = None) -> PEForecast | None:
    """Whether the member will meet the PE requirement by the end of the current cycle.

    For the member's pages (the ledger at /pe/, the home page's PE panel). Returns None
    when no requirement applies to the member (no scheme or no rules); otherwise a
    `PEForecast` with:

    - ``will_meet``: True when the requirement is met already, or the pace so far leads
      to the required total and every category minimum by the cycle's end;
    - ``progress``: the `PEProgress` now (``counted``, ``required``, ``missing``,
      ``percent``, per category ``approved``/``pending``/``counted``/``missing``);
    - ``projected`` and ``projected_missing``: total points expected by the end, and
      how far that stays below the requirement;
    - ``short_categories``: `CategoryForecast` rows (``category``, ``projected``,
      ``minimum``, ``missing``) whose minimum the pace does not reach;
    - ``days_left`` (today included), ``cycle.start``, ``cycle.end``;
    - ``points_per_month_needed``: what the member must add per month to make it.

    The pace counts approved and pending entries, linearly over the days elapsed.
    Queries: a handful, independent of the number of entries.
    """
    on = on or timezone.localdate()
    scheme = pe_scheme_for(user=user)
    if scheme is None:
        return None
    cycle = pe_cycle_for(user=user, scheme=scheme, on=on)
    if cycle.requirement is None:
        return None
    progress = pe_progress(user=user, start=cycle.start, end=cycle.end, requirement=cycle.requirement)
    return pe_forecast_of(progress=progress, cycle=cycle, on=on)


# --- Many members at once ---------------------------------------------------------------


@dataclass(frozen=True)
class PEStanding:
    member_id: int
    cycle: PECycle
    progress: PEProgress

    def eligibility(self) -> PEEligibility:
        return _eligibility(self.cycle, self.progress)

    def forecast(self, on: date) -> PEForecast:
        return pe_forecast_of(progress=self.progress, cycle=self.cycle, on=on)


def pe_standings(*, on: date, member_ids=None) -> dict[int, PEStanding]:
    """The progress in the cycle containing `on` of many members, in a fixed number of queries.

    `member_ids`: the members to look at (an iterable or a queryset of ids); None for every
    member with PE entries or a certificate. Certificate holders' cycles are their
    validity periods containing `on`; everyone else's follow the rules of the first scheme
    that has them (as `pe_cycle_for`). Each aggregate groups entries per member,
    category and status in the database; only members are looped over, never entries.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()
    categories = list(PECategory.objects.all())
    requirements = list(PERequirement.objects.prefetch_related("category_rules"))
    by_scheme: dict[int, list[PERequirement]] = {}
    for requirement in requirements:
        by_scheme.setdefault(requirement.scheme_id, []).append(requirement)
    members = User.objects.all()
    if member_ids is not None:
        members = members.filter(pk__in=member_ids)
    else:
        members = members.filter(Q(pe_entries__isnull=False) | Q(certificates__isnull=False))
    covering = CertificatePeriod.objects.filter(valid_from__lte=on, valid_until__gte=on)
    periods = {
        row["certificate__holder_id"]: row
        for row in covering.filter(certificate__holder__in=members.values("pk"))
        .order_by("certificate__holder_id", "valid_from")
        .values("certificate__holder_id", "certificate__scheme_id", "valid_from", "valid_until")
    }
    default_scheme = (
        CertificationScheme.objects.filter(pe_requirements__isnull=False).order_by("pk").values_list("pk", flat=True).first()
    )
    latest_scheme = dict(
        Certificate.objects.filter(holder__in=members.values("pk")).order_by("holder_id", "issued_on")
        .values_list("holder_id", "scheme_id")
    )
    default_cycles: dict[int, PECycle] = {}

    def rules_cycle(scheme_id):
        if scheme_id not in default_cycles:
            default_cycles[scheme_id] = pe_rules_cycle(scheme=None, on=on, requirements=by_scheme.get(scheme_id, []))
        return default_cycles[scheme_id]

    standings: dict[int, PEStanding] = {}
    for member_id in members.values_list("pk", flat=True).distinct().order_by():
        period = periods.get(member_id)
        if period is not None:
            scheme_requirements = by_scheme.get(period["certificate__scheme_id"], [])
            cycle = PECycle(period["valid_from"], period["valid_until"],
                            _requirement_in(scheme_requirements, period["valid_from"]))
        else:
            scheme_id = latest_scheme.get(member_id, default_scheme)
            if scheme_id is None:
                continue
            cycle = rules_cycle(scheme_id)
        progress = PEProgress(start=cycle.start, end=cycle.end,
                              required=cycle.requirement.points_required if cycle.requirement else ZERO,
                              categories=[])
        standings[member_id] = PEStanding(member_id, cycle, progress)
    rows_of = {member_id: _rows(standing.cycle.requirement, categories) for member_id, standing in standings.items()}

    entries = PEEntry.objects.filter(member__in=members.values("pk"))
    in_period = entries.filter(
        Exists(covering.filter(certificate__holder=OuterRef("member_id"), valid_from__lte=OuterRef("date"),
                               valid_until__gte=OuterRef("date")))
    )
    holder_totals = _member_totals(in_period)
    # Members without a period covering `on`: one shared rules cycle per scheme.
    others = entries.exclude(Exists(covering.filter(certificate__holder=OuterRef("member_id"))))
    spans = {(cycle.start, cycle.end) for cycle in default_cycles.values()}
    other_totals = []
    for start, end in spans:
        other_totals += [dict(row, _span=(start, end)) for row in _member_totals(others.filter(date__gte=start, date__lte=end))]
    for total in holder_totals:
        if total["member_id"] in periods and total["member_id"] in standings:
            _add_for(standings, rows_of, total)
    for total in other_totals:
        standing = standings.get(total["member_id"])
        if standing is not None and total["member_id"] not in periods and (standing.cycle.start, standing.cycle.end) == total["_span"]:
            _add_for(standings, rows_of, total)
    for member_id, standing in standings.items():
        standing.progress.categories.extend(rows_of[member_id].values())
    return standings


def _member_totals(entries):
    return list(
        entries.filter(status__in=PEEntry.OPEN_STATUSES)
        .values("member_id", "category_id", "status")
        .annotate(hours=Sum("hours", filter=Q(points__isnull=True)), points=Sum("points"))
        .order_by()
    )


def _add_for(standings, rows_of, total) -> None:
    requirement = standings[total["member_id"]].cycle.requirement
    _add(rows_of[total["member_id"]], total, requirement.points_per_hour if requirement else Decimal("1"))


# In a cycle's first months the pace says little: nobody is behind schedule yet.
BEHIND_AFTER_MONTHS = 3


def pe_members_behind(*, on: date, member_ids=None) -> list[tuple[PEStanding, PEForecast]]:
    """Members whose pace does not reach the requirement by the end of their cycle, most points
    missing first; members in the first `BEHIND_AFTER_MONTHS` months of a cycle are left out."""
    behind = []
    for standing in pe_standings(on=on, member_ids=member_ids).values():
        if standing.cycle.requirement is None or on < add_months(standing.cycle.start, BEHIND_AFTER_MONTHS):
            continue
        forecast = standing.forecast(on)
        if not forecast.will_meet:
            behind.append((standing, forecast))
    behind.sort(key=lambda item: (-item[0].progress.missing, item[0].member_id))
    return behind


def pe_entries_for_member(*, user):
    return PEEntry.objects.filter(member=user).select_related("category").order_by("-date", "-pk")
