"""Calendars: one event, the public feed, the personal feed; parsed back with icalendar."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from events import services
from tests.events.helpers import event_index, event_page, member_user
from tests.portal import pages

pytestmark = pytest.mark.django_db


def parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents(calendar):
    return [component for component in calendar.walk("VEVENT")]


def test_public_feed_is_outside_the_language_prefix_and_lists_upcoming_events(client):
    upcoming = event_page(title="Kennissessie opdrachtgeverschap")
    event_page(title="Voorbij", start=timezone.now() - timedelta(days=3))
    response = client.get("/events/feed.ics")
    assert response.status_code == 200
    items = vevents(parse(response))
    assert [str(item["summary"]) for item in items] == [upcoming.title]


def test_times_carry_the_amsterdam_time_zone(client):
    event = event_page()
    calendar = parse(client.get("/events/feed.ics"))
    item = vevents(calendar)[0]
    start = item.decoded("dtstart")
    assert start.tzinfo is not None and str(item["dtstart"].params["TZID"]) == "Europe/Amsterdam"
    assert start == event.start.astimezone(ZoneInfo("Europe/Amsterdam")).replace(microsecond=0)
    assert calendar.walk("VTIMEZONE"), "the calendar defines the time zone it uses"


def test_republishing_keeps_the_uid_and_raises_the_sequence(client):
    event = event_page()
    first = vevents(parse(client.get("/events/feed.ics")))[0]
    event.is_cancelled = True
    pages.publish(event)
    second = vevents(parse(client.get("/events/feed.ics")))[0]
    assert second["uid"] == first["uid"]
    assert int(second["sequence"]) == int(first["sequence"]) + 1
    assert str(second["status"]) == "CANCELLED"


def test_event_ics_hides_the_online_link_from_visitors(client):
    event = event_page(venue_name="", region="online", online_url="https://meet.example.org/sessie")
    response = client.get(event.url + "ical/")
    assert b"meet.example.org" not in response.content
    assert len(vevents(parse(response))) == 1


def test_event_ics_gives_the_online_link_to_attendees(client):
    event = event_page(venue_name="", region="online", online_url="https://meet.example.org/sessie")
    member = member_user()
    services.registration_create(event=event, user=member)
    client.force_login(member)
    item = vevents(parse(client.get(event.url + "ical/")))[0]
    assert "meet.example.org" in str(item["description"])


def test_personal_feed_lists_own_registrations_at_a_secret_address(client):
    mine, other = event_page(title="Mijn sessie"), event_page(title="Andere sessie")
    member = member_user()
    services.registration_create(event=mine, user=member)
    token = services.calendar_token_for(user=member)
    response = client.get(f"/events/calendar/{token.token}.ics")
    assert [str(item["summary"]) for item in vevents(parse(response))] == ["Mijn sessie"]


def test_resetting_the_personal_address_retires_the_old_one(client):
    member = member_user()
    old = services.calendar_token_for(user=member).token
    new = services.calendar_token_reset(user=member).token
    assert new != old
    assert client.get(f"/events/calendar/{old}.ics").status_code == 404
    assert client.get(f"/events/calendar/{new}.ics").status_code == 200


def test_calendar_settings_page_creates_and_resets_the_address(client):
    index = event_index()
    member = member_user()
    client.force_login(member)
    response = client.post(index.url + "calendar/")
    assert response.status_code == 302
    token = services.calendar_token_for(user=member).token
    page = client.get(index.url + "calendar/")
    assert token in page.content.decode()
