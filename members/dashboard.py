"""The members app's sections of the staff dashboard and the board report (see portal/dashboard.py).

- Members: how many in each status now; joins, resignations and lapses per month (from
  the audit log, in Amsterdam months); renewals due and failed payments this month.
  Four queries.
- Certification: applications by state, certificates by status, certificates ending
  soon, and open and overdue objections and complaints. Five queries.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import ModelLogEntry

from members.certification_selectors import overdue_objections_and_complaints
from members.history import HistoryAction
from members.models import Certificate, CertificationApplication, Membership, Payment
from portal.dashboard import (
    AMSTERDAM,
    DASHBOARD_SECTIONS_HOOK,
    Chart,
    Figure,
    Period,
    Section,
    SectionData,
    Series,
    month_buckets,
    month_label,
)

# What counts as a join: activation of someone who was not a member just before
# (a first payment, or rejoining after a lapse or resignation). Paying overdue dues
# (in arrears → active) is not a join.
JOIN_FROM_STATUSES = [Membership.Status.APPLICANT, Membership.Status.LAPSED, Membership.Status.RESIGNED, ""]
CERTIFICATES_ENDING_DAYS = 90


def members_by_status() -> dict[str, int]:
    counts = dict(Membership.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in Membership.Status.values}


def membership_trend(*, period: Period) -> dict[str, list[int]]:
    """Joins, resignations and lapses per month of `period` (Amsterdam months), in one query."""
    content_type = ContentType.objects.get_for_model(Membership)
    rows = (
        ModelLogEntry.objects.filter(
            content_type=content_type,
            timestamp__gte=period.starts_at,
            timestamp__lt=period.ends_before,
            action__in=[HistoryAction.ACTIVATED, HistoryAction.RESIGNED, HistoryAction.LAPSED],
        )
        .annotate(month=TruncMonth("timestamp", tzinfo=AMSTERDAM))
        .values("month", "action", "data__from_status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    rows = list(rows)
    months = period.months()
    joins = [row for row in rows if row["action"] == HistoryAction.ACTIVATED and (row["data__from_status"] or "") in JOIN_FROM_STATUSES]
    return {
        "joins": month_buckets(joins, months=months),
        "resignations": month_buckets([row for row in rows if row["action"] == HistoryAction.RESIGNED], months=months),
        "lapses": month_buckets([row for row in rows if row["action"] == HistoryAction.LAPSED], months=months),
    }


def dues_this_month(*, today=None) -> dict[str, int]:
    """Hand-paid renewals due this month and failed payments recorded this month (two queries)."""
    month = Period.this_month(today=today or timezone.localdate())
    renewals = Membership.objects.filter(
        status=Membership.Status.ACTIVE,
        paid_until__gte=month.start,
        paid_until__lte=month.end,
        resignation_requested_at__isnull=True,
    ).count()
    failed = Payment.objects.filter(
        status=Payment.Status.FAILED, created_at__gte=month.starts_at, created_at__lt=month.ends_before
    ).count()
    return {"renewals": renewals, "failed": failed}


def build_members(*, period: Period, user=None) -> SectionData:
    counts = members_by_status()
    trend = membership_trend(period=period)
    dues = dues_this_month()
    listing = reverse("memberships:index") if _has_url("memberships:index") else ""
    months = period.months()
    return SectionData(
        figures=[
            Figure(_("Members now"), counts[Membership.Status.ACTIVE] + counts[Membership.Status.IN_ARREARS], url=listing),
            Figure(_("In arrears"), counts[Membership.Status.IN_ARREARS], tone="warning" if counts[Membership.Status.IN_ARREARS] else ""),
            Figure(_("Renewals due this month"), dues["renewals"]),
            Figure(_("Failed payments this month"), dues["failed"], tone="warning" if dues["failed"] else ""),
            Figure(_("Joined in the period"), sum(trend["joins"])),
            Figure(_("Left in the period"), sum(trend["resignations"]) + sum(trend["lapses"])),
        ],
        charts=[
            Chart(
                key="members-by-status",
                title=_("Memberships by status, today"),
                kind="bars",
                categories=[str(label) for label in Membership.Status.labels],
                series=[Series("count", _("Memberships"), [counts[status] for status in Membership.Status.values])],
            ),
            Chart(
                key="membership-trend",
                title=_("Joins, resignations and lapses per month"),
                categories=[month_label(month) for month in months],
                series=[
                    Series("joins", _("Joins"), trend["joins"]),
                    Series("resignations", _("Resignations"), trend["resignations"]),
                    Series("lapses", _("Lapses"), trend["lapses"]),
                ],
            ),
        ],
    )


def _has_url(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


@hooks.register(DASHBOARD_SECTIONS_HOOK)
def membership_section() -> Section:
    return Section(
        key="members",
        title=gettext_lazy("Members"),
        build=build_members,
        permissions=("members.view_membership",),
        order=10,
    )


# --- Certification ----------------------------------------------------------------------------


def build_certification(*, period: Period, user=None) -> SectionData:
    today = timezone.localdate()
    applications = dict(
        CertificationApplication.objects.order_by().values_list("status").annotate(n=Count("pk"))
    )
    certificates = dict(Certificate.objects.order_by().values_list("status").annotate(n=Count("pk")))
    ending = Certificate.objects.filter(
        status=Certificate.Status.ACTIVE, valid_until__gte=today, valid_until__lte=today + timedelta(days=CERTIFICATES_ENDING_DAYS)
    ).count()
    decided = CertificationApplication.objects.filter(
        decided_at__gte=period.starts_at, decided_at__lt=period.ends_before
    ).values_list("status").annotate(n=Count("pk")).order_by()
    decided = dict(decided)
    open_count = sum(applications.get(status, 0) for status in CertificationApplication.OPEN_STATUSES if status != "draft")
    figures = [
        Figure(_("Applications in progress"), open_count),
        Figure(_("Awaiting a decision"), applications.get(CertificationApplication.Status.DECISION, 0)),
        Figure(_("Active certificates"), certificates.get(Certificate.Status.ACTIVE, 0)),
        Figure(_("Ending within 90 days"), ending, tone="warning" if ending else ""),
        Figure(_("Granted in the period"), decided.get(CertificationApplication.Status.GRANTED, 0)),
        Figure(_("Refused in the period"), decided.get(CertificationApplication.Status.REFUSED, 0)),
    ]
    notes = []
    cases = overdue_objections_and_complaints(today=today)
    figures += [
        Figure(_("Open objections"), cases["objections_open"]),
        Figure(_("Overdue objections"), cases["objections_overdue"], tone="warning" if cases["objections_overdue"] else ""),
        Figure(_("Open complaints"), cases["complaints_open"]),
        Figure(_("Overdue complaints"), cases["complaints_overdue"], tone="warning" if cases["complaints_overdue"] else ""),
    ]
    return SectionData(
        figures=figures,
        charts=[
            Chart(
                key="applications-by-state",
                title=_("Applications by state, today"),
                kind="bars",
                categories=[str(label) for label in CertificationApplication.Status.labels],
                series=[Series("count", _("Applications"),
                               [applications.get(status, 0) for status in CertificationApplication.Status.values])],
            ),
            Chart(
                key="certificates-by-status",
                title=_("Certificates by status, today"),
                kind="bars",
                categories=[str(label) for label in Certificate.Status.labels],
                series=[Series("count", _("Certificates"), [certificates.get(status, 0) for status in Certificate.Status.values])],
            ),
        ],
        notes=notes,
    )


@hooks.register(DASHBOARD_SECTIONS_HOOK)
def certification_section() -> Section:
    return Section(
        key="certification",
        title=gettext_lazy("Certification"),
        build=build_certification,
        permissions=("members.view_certificationapplication",),
        order=20,
    )
