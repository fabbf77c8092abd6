"""Attendance at an event that awards PE points credits the attendee's ledger exactly once:
repeated check-ins, undo and redo, guests, and the way through the events service to /pe/."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import EventPage
from knowledge import pe_selectors
from knowledge.pe_models import PECategory, PEEntry
from portal.audit import entries_for
from tests.events.helpers import event_page, member_user
from tests.factories import UserFactory
from tests.knowledge.pe import factories as f

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def requirement():
    requirement = f.rqim_requirement()
    PECategory.objects.filter(code="sessions").update(event_category="knowledge")
    return requirement


@pytest.fixture
def staff():
    return UserFactory(groups=["Secretariat"])


def _register(*, points="3.0", kind="knowledge", start=None, hours=3):
    """A registration for an event; with `start`, the event is moved there after registering
    (registration closes when an event starts)."""
    event = event_page(pe_points=Decimal(points), pe_category=kind, hours=hours)
    registration = event_services.registration_create(event=event, user=member_user())
    if start is not None:
        EventPage.objects.filter(pk=event.pk).update(start=start, end=start + timedelta(hours=hours))
        registration.refresh_from_db()
    return registration


def _check_in(registration, staff):
    return event_services.registration_check_in(event=registration.event, code=registration.code, actor=staff)


def _undo(registration, staff):
    return event_services.registration_check_in_undo(registration=registration, actor=staff)


def _actions(entry):
    return [item.action for item in reversed(entries_for(entry))]


def test_check_in_credits_an_approved_entry_with_the_events_points(requirement, staff):
    registration = _register(points="2.5")
    _check_in(registration, staff)
    entry = PEEntry.objects.get(member=registration.user)
    assert entry.status == PEEntry.Status.APPROVED
    assert entry.source == PEEntry.Source.EVENT and entry.registration == registration
    assert entry.points == Decimal("2.5") and entry.category.code == "sessions"
    assert entry.title == registration.event.title
    assert _actions(entry) == ["knowledge.pe_entry.credited"]


def test_a_refused_second_check_in_adds_nothing(requirement, staff):
    registration = _register()
    _check_in(registration, staff)
    with pytest.raises(event_services.CheckInRefused):
        _check_in(registration, staff)
    assert PEEntry.objects.filter(member=registration.user).count() == 1


def test_a_repeated_signal_credits_once(requirement, staff):
    from events import signals

    registration = _register()
    _check_in(registration, staff)
    for _ in range(3):
        signals.attendance_recorded.send(sender=type(registration), registration=registration, user=registration.user,
                                         pe_points=Decimal("3.0"), pe_category="knowledge", hours=Decimal("3.0"))
    assert PEEntry.objects.filter(member=registration.user).count() == 1


def test_undo_voids_the_credit_and_audits_it(requirement, staff):
    registration = _register()
    _check_in(registration, staff)
    _undo(registration, staff)
    entry = PEEntry.objects.get(member=registration.user)
    assert entry.status == PEEntry.Status.VOID
    assert _actions(entry) == ["knowledge.pe_entry.credited", "knowledge.pe_entry.voided"]


def test_undo_and_redo_many_times_leaves_one_credit(requirement, staff):
    registration = _register(points="3.0")
    for _ in range(3):
        _check_in(registration, staff)
        _undo(registration, staff)
    _check_in(registration, staff)
    entries = PEEntry.objects.filter(member=registration.user)
    assert entries.count() == 1 and entries.get().status == PEEntry.Status.APPROVED
    progress = pe_selectors.pe_eligibility(user=registration.user, on=timezone.localdate(registration.event.start)).progress
    sessions = next(row for row in progress.categories if row.category.code == "sessions")
    assert sessions.approved == Decimal("3.0")


def test_after_an_undo_the_points_no_longer_count(requirement, staff):
    registration = _register(points="3.0")
    _check_in(registration, staff)
    _undo(registration, staff)
    progress = pe_selectors.pe_eligibility(user=registration.user, on=timezone.localdate(registration.event.start)).progress
    assert progress.counted == 0


def test_an_event_without_points_credits_nothing(requirement, staff):
    registration = _register(points="0")
    _check_in(registration, staff)
    assert not PEEntry.objects.exists()


def test_a_guest_is_not_credited_and_the_registering_member_neither(requirement, staff):
    event = event_page(pe_points=Decimal("3.0"))
    member = member_user()
    guest = event_services.registration_create(event=event, user=member, guest_name="Gast Collega",
                                               guest_email="gast@example.com")
    _check_in(guest, staff)
    assert not PEEntry.objects.exists()


def test_an_event_of_a_kind_no_category_takes_goes_to_the_first_that_takes_events(requirement, staff):
    registration = _register(kind="network")
    _check_in(registration, staff)
    assert PEEntry.objects.get().category.code == "sessions"


def test_the_category_that_takes_the_events_kind_gets_the_credit(requirement, staff):
    PECategory.objects.filter(code="intervision").update(event_category="network")
    registration = _register(kind="network")
    _check_in(registration, staff)
    assert PEEntry.objects.get().category.code == "intervision"


def test_the_credit_is_dated_on_the_events_day_in_amsterdam(requirement, staff):
    # 23:30 in Amsterdam on 31 December is already 1 January nowhere but still 31 December here;
    # in UTC it is 22:30 the same day. An evening session just before midnight counts on its own day.
    start = datetime(2025, 12, 31, 21, 0, tzinfo=AMSTERDAM)
    registration = _register(start=start, hours=2)
    _check_in(registration, staff)
    assert PEEntry.objects.get().date == date(2025, 12, 31)


def test_check_in_through_the_events_service_shows_the_points_on_pe(client, requirement, staff):
    registration = _register(points="4.5", start=timezone.now() - timedelta(hours=1))
    _check_in(registration, staff)
    client.force_login(registration.user)
    response = client.get(reverse("pe:ledger"))
    assert response.status_code == 200
    content = response.content.decode()
    assert registration.event.title in content
    assert "4,5" in content or "4.5" in content
