"""Check-in at the door: once only, refusals with a reason, undo, attendance signals."""

from decimal import Decimal

import pytest
from django.dispatch import receiver

from events import services, signals
from events.models import Registration
from tests.events.helpers import event_page, member_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(groups=["Secretariat"])


@pytest.fixture
def registration():
    return services.registration_create(event=event_page(pe_points=Decimal("3.0")), user=member_user())


def test_check_in_records_time_and_staff(registration, staff):
    checked = services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    assert checked.checked_in_at is not None and checked.checked_in_by == staff


def test_checking_in_twice_is_refused_with_the_time_of_the_first(registration, staff):
    first = services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    with pytest.raises(services.CheckInRefused) as refused:
        services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    assert refused.value.kind == "already"
    from django.utils import timezone

    assert timezone.localtime(first.checked_in_at).strftime("%H:%M") in refused.value.message


def test_unknown_code_is_refused(registration, staff):
    with pytest.raises(services.CheckInRefused) as refused:
        services.registration_check_in(event=registration.event, code="nope-nope-nope", actor=staff)
    assert refused.value.kind == "unknown"


def test_ticket_for_another_event_is_refused(registration, staff):
    other = event_page()
    with pytest.raises(services.CheckInRefused) as refused:
        services.registration_check_in(event=other, code=registration.code, actor=staff)
    assert refused.value.kind == "other_event"


def test_cancelled_ticket_is_refused(registration, staff):
    services.registration_cancel(registration=registration, actor=registration.user)
    with pytest.raises(services.CheckInRefused) as refused:
        services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    assert refused.value.kind == "cancelled"


def test_unpaid_ticket_is_refused(staff):
    registration = services.registration_create(event=event_page(member_price=Decimal("10")), user=member_user())
    with pytest.raises(services.CheckInRefused) as refused:
        services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    assert refused.value.kind == "unpaid"


def test_undo_clears_the_check_in_and_allows_a_new_one(registration, staff):
    services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    undone = services.registration_check_in_undo(registration=registration, actor=staff)
    assert undone.checked_in_at is None
    again = services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    assert again.checked_in_at is not None


def test_undo_without_check_in_is_refused(registration, staff):
    from portal.exceptions import DomainError

    with pytest.raises(DomainError):
        services.registration_check_in_undo(registration=registration, actor=staff)


def test_check_in_and_undo_send_the_attendance_signals(registration, staff):
    received = []

    @receiver(signals.attendance_recorded, weak=False)
    def recorded(sender, **kwargs):
        received.append(("recorded", kwargs["user"], kwargs["pe_points"], kwargs["pe_category"], kwargs["hours"]))

    @receiver(signals.attendance_withdrawn, weak=False)
    def withdrawn(sender, **kwargs):
        received.append(("withdrawn", kwargs["user"], kwargs["pe_points"], kwargs["pe_category"], kwargs["hours"]))

    try:
        services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
        services.registration_check_in_undo(registration=registration, actor=staff)
    finally:
        signals.attendance_recorded.disconnect(recorded)
        signals.attendance_withdrawn.disconnect(withdrawn)
    assert received == [
        ("recorded", registration.user, Decimal("3.0"), "knowledge", Decimal("3.0")),
        ("withdrawn", registration.user, Decimal("3.0"), "knowledge", Decimal("3.0")),
    ]


def test_cancelling_a_checked_in_registration_is_refused(registration, staff):
    from portal.exceptions import DomainError

    services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
    with pytest.raises(DomainError, match="al ingecheckt"):
        services.registration_cancel(registration=registration, actor=staff, by_staff=True)
    assert Registration.objects.get(pk=registration.pk).status == Registration.Status.CONFIRMED
