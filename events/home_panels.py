"""What the events app puts on the member home ("Mijn omgeving") and on the public home page.

- The events block: the member's upcoming registrations with their tickets and their
  places on waiting lists; tasks to pay for a held seat or answer a seat offer.
  Three queries whatever the member's history (registrations, waiting list, the index).
- The public home page's next events (`events_next`).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail import hooks

from events.models import EventIndexPage, EventPage, Registration, WaitlistEntry
from portal.home_page import HOME_PAGE_CONTEXT_HOOK
from portal.member_home import MEMBER_HOME_PANELS_HOOK, MemberPanel, Task

UPCOMING_LIMIT = 5


def _ticket_url(request, registration: Registration) -> str:
    event = registration.event
    return (event.get_url(request) or "") + event.reverse_subpage("ticket", args=[registration.code])


@hooks.register(MEMBER_HOME_PANELS_HOOK)
def events_panel(request) -> MemberPanel:
    now = timezone.now()
    registrations = list(
        Registration.objects.filter(user=request.user, status__in=Registration.SEAT_STATUSES, event__end__gte=now)
        .select_related("event__locale")
        .order_by("event__start", "pk")[:UPCOMING_LIMIT]
    )
    waiting = list(
        WaitlistEntry.objects.filter(user=request.user, status__in=WaitlistEntry.ACTIVE_STATUSES, event__end__gte=now)
        .select_related("event__locale")
        .order_by("event__start", "pk")[:UPCOMING_LIMIT]
    )
    index = EventIndexPage.objects.live().filter(locale__language_code=request.LANGUAGE_CODE).first()
    tasks = []
    for registration in registrations:
        registration.ticket_url = _ticket_url(request, registration)
        if registration.status == Registration.Status.AWAITING_PAYMENT:
            tasks.append(
                Task(
                    _("Pay for your seat at %(event)s") % {"event": registration.event.title},
                    registration.ticket_url,
                    detail=_("held until %(date)s") % {"date": date_format(timezone.localtime(registration.hold_expires_at), "j F H:i")},
                    urgent=True,
                )
            )
    for entry in waiting:
        entry.event_url = entry.event.get_url(request) or ""
        if entry.status == WaitlistEntry.Status.OFFERED:
            tasks.append(
                Task(
                    _("Answer the seat offer for %(event)s") % {"event": entry.event.title},
                    entry.event_url,
                    detail=_("before %(date)s") % {"date": date_format(timezone.localtime(entry.offer_expires_at), "j F H:i")},
                    urgent=True,
                )
            )
    return MemberPanel(
        key="events",
        title=_("Events and knowledge sessions"),
        template="events/home/_events_panel.html",
        url=index.get_url(request) if index else "",
        link_label=_("All events"),
        order=40,
        context={"registrations": registrations, "waiting": waiting},
        tasks=tasks,
    )


# --- The public home page ------------------------------------------------------------


def events_next(*, language: str, limit: int = 3, request=None) -> list[EventPage]:
    """The next published, public events in `language`, one query (an untranslated event is not shown
    on the other language's home page, which carries no text in another language)."""
    from portal.cache import public_pages

    now = timezone.now()
    events = (
        public_pages(EventPage.objects.live(), request)
        .filter(end__gte=now, is_cancelled=False)
        .defer_streamfields()
        .select_related("locale")
        .order_by("start", "pk")
    )
    return list(events.filter(locale__language_code=language)[:limit])


@hooks.register(HOME_PAGE_CONTEXT_HOOK)
def events_on_home(request, language: str) -> dict:
    from portal.cache import public_pages

    index = public_pages(EventIndexPage.objects.live(), request).filter(locale__language_code=language).first()
    return {"next_events": events_next(language=language, request=request), "events_index": index}
