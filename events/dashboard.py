"""The events app's section of the staff dashboard and the board report (see portal/dashboard.py).

Upcoming events with their fill rate and waiting list (one query with counts per event),
and what happened in the period: events held, seats taken, attendees checked in (one query).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from events.models import EventPage, Registration, WaitlistEntry
from portal.dashboard import DASHBOARD_SECTIONS_HOOK, Chart, Figure, Period, Section, SectionData, Series, Table

UPCOMING_LIMIT = 8


def _count(model, statuses):
    rows = (
        model.objects.filter(event=OuterRef("pk"), status__in=statuses)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def events_upcoming_with_counts(*, limit: int = UPCOMING_LIMIT) -> list[EventPage]:
    """The next live events (the Dutch pages that hold the registrations) with seats taken and people waiting."""
    return list(
        EventPage.objects.live()
        .filter(end__gte=timezone.now(), locale__language_code=settings.LANGUAGE_CODE)
        .defer_streamfields()
        .annotate(
            registered=_count(Registration, Registration.SEAT_STATUSES),
            offered=_count(WaitlistEntry, [WaitlistEntry.Status.OFFERED]),
            waiting=_count(WaitlistEntry, [WaitlistEntry.Status.WAITING]),
        )
        .order_by("start", "pk")[:limit]
    )


def fill_rate(event) -> int:
    taken = event.registered + event.offered
    return round(100 * taken / event.capacity) if event.capacity else 0


def build_events(*, period: Period, user=None) -> SectionData:
    upcoming = events_upcoming_with_counts()
    held = Registration.objects.filter(
        event__start__gte=period.starts_at, event__start__lt=period.ends_before, event__is_cancelled=False
    ).aggregate(
        events=Count("event", distinct=True),
        seats=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    rows = [
        [
            event.title,
            date_format(timezone.localtime(event.start), "j M Y H:i"),
            event.capacity,
            event.registered + event.offered,
            fill_rate(event),
            event.waiting,
        ]
        for event in upcoming
    ]
    return SectionData(
        figures=[
            Figure(_("Upcoming events"), len(upcoming)),
            Figure(_("People on waiting lists"), sum(event.waiting for event in upcoming),
                   tone="warning" if any(event.waiting for event in upcoming) else ""),
            Figure(_("Events with registrations in the period"), held["events"]),
            Figure(_("Confirmed seats in the period"), held["seats"]),
            Figure(_("Checked in in the period"), held["checked_in"]),
        ],
        charts=[
            Chart(
                key="fill-rate",
                title=_("Fill rate of the next events (%)"),
                kind="bars",
                unit="%",
                max_value=100,
                categories=[event.title for event in upcoming],
                series=[Series("fill", _("Fill rate (%)"), [fill_rate(event) for event in upcoming])],
            )
        ] if upcoming else [],
        tables=[
            Table(
                key="upcoming-events",
                title=_("Upcoming events"),
                columns=[_("Event"), _("Starts"), _("Capacity"), _("Seats taken"), _("Fill rate (%)"), _("Waiting list")],
                rows=rows,
                empty=_("No upcoming events."),
            )
        ],
    )


@hooks.register(DASHBOARD_SECTIONS_HOOK)
def events_section() -> Section:
    return Section(
        key="events",
        title=gettext_lazy("Events"),
        build=build_events,
        permissions=("events.view_registration",),
        order=40,
    )
