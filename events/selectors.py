"""Reads shared by the event pages, the index, the feeds and the admin.

Each list costs the same number of queries however many events or registrations
there are (pinned in tests/events/test_queries.py).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import EventPage, EventType, Region, Registration, WaitlistEntry

EVENTS_PER_PAGE = 12


class EventFilterSet(django_filters.FilterSet):
    event_type = django_filters.ChoiceFilter(label=_("Type"), choices=EventType.choices, empty_label=_("All types"))
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices, empty_label=_("All regions"))
    month = django_filters.CharFilter(
        label=_("Month"), method="filter_month", widget=forms.TextInput(attrs={"type": "month"})
    )

    class Meta:
        model = EventPage
        fields = ["event_type", "region"]

    def filter_month(self, queryset, name, value):
        try:
            year, month = (int(part) for part in value.split("-", 1))
        except ValueError:
            return queryset.none()
        if not (1 <= month <= 12 and 1900 < year < 3000):
            return queryset.none()
        return queryset.filter(start__year=year, start__month=month)


def events_listed(*, index) -> "django.db.models.QuerySet":  # noqa: F821
    return EventPage.objects.live().public().child_of(index).defer_streamfields()


def event_index_context(*, index, request) -> dict:
    now = timezone.now()
    archive = request.GET.get("period") == "past"
    events = events_listed(index=index)
    events = events.filter(end__lt=now).order_by("-start", "-pk") if archive else events.filter(end__gte=now).order_by("start", "pk")
    filterset = EventFilterSet(request.GET or None, queryset=events)
    events = filterset.qs if filterset.is_bound and filterset.is_valid() else events
    paginator = Paginator(events, EVENTS_PER_PAGE)
    try:
        events_page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        events_page = paginator.page(1)
    except EmptyPage:
        events_page = paginator.page(paginator.num_pages)
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "archive": archive,
        "filterset": filterset,
        "events_page": events_page,
        "paginator": paginator,
        "filter_query": query.urlencode(),
    }


def event_seat_counts(*, event_id: int, user=None, guest_name: str = "") -> dict:
    """Taken seats (registrations holding one and open offers), check-ins and people waiting.

    With `user`: also whether that person (or, with `guest_name`, their colleague) has a
    live registration (`mine_registered`) or a place on the waiting list (`mine_waiting`).
    One query whatever the number of registrations; the registration service reads it
    right after taking the event's lock. Written as SQL: built with the ORM, the six
    subqueries cost more to compile than the database takes to answer them.
    """
    quote = connection.ops.quote_name
    seat, active = Registration.SEAT_STATUSES, WaitlistEntry.ACTIVE_STATUSES
    registrations, waitlist = quote(Registration._meta.db_table), quote(WaitlistEntry._meta.db_table)
    columns = [
        f"(SELECT COUNT(*) FROM {registrations} WHERE event_id = %s AND status IN ({', '.join(['%s'] * len(seat))}))",
        f"(SELECT COUNT(*) FROM {registrations} WHERE event_id = %s AND checked_in_at IS NOT NULL)",
        f"(SELECT COUNT(*) FROM {waitlist} WHERE event_id = %s AND status = %s)",
        f"(SELECT COUNT(*) FROM {waitlist} WHERE event_id = %s AND status = %s)",
    ]
    params = [event_id, *seat, event_id, event_id, WaitlistEntry.Status.OFFERED,
              event_id, WaitlistEntry.Status.WAITING]
    if user is not None:
        columns += [
            f"EXISTS(SELECT 1 FROM {registrations} WHERE event_id = %s AND user_id = %s AND guest_name = %s"
            " AND status <> %s)",
            f"EXISTS(SELECT 1 FROM {waitlist} WHERE event_id = %s AND user_id = %s AND guest_name = %s"
            f" AND status IN ({', '.join(['%s'] * len(active))}))",
        ]
        params += [event_id, user.pk, guest_name, Registration.Status.CANCELLED,
                   event_id, user.pk, guest_name, *active]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns), [str(p) if isinstance(p, str) else p for p in params])
        row = cursor.fetchone()
    counts = {"taken": row[0] + row[2], "checked_in": row[1], "waiting": row[3]}
    if user is not None:
        counts["mine_registered"] = bool(row[4])
        counts["mine_waiting"] = bool(row[5])
    return counts


def user_is_member(user) -> bool:
    membership = getattr(user, "membership", None)
    return bool(membership and membership.is_member)


def price_for(*, event: EventPage, user, guest: bool = False):
    """What a person pays: members the member price, others and guests the non-member price."""
    if not guest and user_is_member(user):
        return event.member_price, True
    return event.non_member_price, False


def event_page_context(*, page: EventPage, request) -> dict:
    now = timezone.now()
    source_id = page.source_page_id()
    user = request.user
    counts = event_seat_counts(event_id=source_id)
    seats_left = max(page.capacity - counts["taken"], 0)
    mine, waitlist = [], []
    is_member = False
    if user.is_authenticated:
        mine = list(
            Registration.objects.filter(event_id=source_id, user=user).exclude(status=Registration.Status.CANCELLED)
        )
        waitlist = list(
            WaitlistEntry.objects.filter(
                event_id=source_id, user=user, status__in=WaitlistEntry.ACTIVE_STATUSES
            )
        )
        is_member = user_is_member(user)
    own = next((registration for registration in mine if not registration.guest_name), None)
    own_waiting = next((entry for entry in waitlist if not entry.guest_name), None)
    attending = any(registration.status == Registration.Status.CONFIRMED for registration in mine)
    past = page.is_past(now)
    full = seats_left == 0 or counts["waiting"] > 0
    price = None
    if user.is_authenticated:
        price, _member = price_for(event=page, user=user)
    return {
        "now": now,
        "counts": counts,
        "seats_left": seats_left,
        "is_full": full,
        "registration_open": page.registration_is_open(now),
        "my_registrations": mine,
        "my_registration": own,
        "my_guests": [registration for registration in mine if registration.guest_name],
        "my_waitlist": waitlist,
        "my_waitlist_entry": own_waiting,
        "is_member": is_member,
        "my_price": price,
        "show_online_link": attending and bool(page.online_url),
        "show_materials": past and (attending or is_member) and bool(page.materials),
        "can_cancel": now < page.cancellation_deadline_at(),
        "is_past": past,
        "can_check_in": user.is_authenticated and user.has_perm("events.check_in_registration"),
    }


def event_materials_past(*, locale_id: int, limit: int) -> list[dict]:
    """Materials of past events in one language, newest first: the knowledge library lists
    them (through the "library_session_materials" hook, events/wagtail_hooks.py).

    Each item is a plain dict: title, url, date, documents ([{title, url}]). Two queries
    whatever the number of events; the documents are read from the raw stream data.
    """
    from wagtail.documents import get_document_model

    events = (
        EventPage.objects.live().public()
        .filter(locale_id=locale_id, end__lt=timezone.now(), is_cancelled=False)
        .only("id", "title", "url_path", "start", "materials", "locale_id", "path", "depth")
        .order_by("-start", "-pk")[: limit * 3]
    )
    found = []
    for event in events:
        ids = [block.get("value") for block in event.materials.raw_data if block.get("type") == "document"]
        if ids:
            found.append((event, [pk for pk in ids if pk]))
        if len(found) >= limit:
            break
    documents = get_document_model().objects.in_bulk([pk for _event, ids in found for pk in ids])
    return [
        {
            "title": event.title,
            "url": event.url,
            "date": timezone.localtime(event.start).date(),
            "documents": [{"title": documents[pk].title, "url": documents[pk].url} for pk in ids if pk in documents],
        }
        for event, ids in found
    ]


def events_upcoming_brief(*, locale_id: int, limit: int) -> list[dict]:
    """The next events in one language, soonest first, as plain dicts (title, url, start):
    the knowledge app's news digest lists them (the "digest_upcoming_events" hook). One query."""
    events = (
        EventPage.objects.live().public()
        .filter(locale_id=locale_id, start__gte=timezone.now(), is_cancelled=False)
        .only("id", "title", "url_path", "start", "locale_id", "path", "depth")
        .order_by("start", "pk")[:limit]
    )
    return [{"title": event.title, "url": event.full_url, "start": event.start} for event in events]
