"""iCalendar (RFC 5545) for events: one event, the public feed and a person's own feed.

Each event keeps one UID for life (from its translation key, so the Dutch and
English pages are one calendar event) and a SEQUENCE that goes up every time the
event is published again; an event marked cancelled stays in calendars with
STATUS:CANCELLED, so that calendar programs remove or strike it.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Vereniging RQIM//Evenementen//NL"


def event_uid(event) -> str:
    return f"event-{event.translation_key}@rqim"


def calendar_new(*, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def vevent(event, *, url: str, sequence: int, online_url: str = "") -> Event:
    """One event as a VEVENT. `online_url` is given only to registered attendees."""
    zone = ZoneInfo(settings.TIME_ZONE)
    item = Event()
    item.add("uid", event_uid(event))
    item.add("sequence", sequence)
    item.add("dtstamp", timezone.now())
    item.add("last-modified", event.last_published_at or timezone.now())
    item.add("dtstart", event.start.astimezone(zone))
    item.add("dtend", event.end.astimezone(zone))
    item.add("summary", event.title)
    description = event.lead
    if online_url:
        description = f"{description}\n\n{online_url}"
    item.add("description", f"{description}\n\n{url}")
    location = ", ".join(part for part in [event.venue_name, " ".join(event.venue_address.split())] if part)
    if location:
        item.add("location", location)
    elif online_url:
        item.add("location", online_url)
    item.add("url", url)
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def calendar_bytes(items, *, name: str = "") -> bytes:
    """A calendar with `items` (VEVENTs) and the VTIMEZONE each of their time zones needs."""
    calendar = calendar_new(name=name)
    for item in items:
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return calendar.to_ical()
