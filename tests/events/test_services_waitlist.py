"""The waiting list: first come, first served; offers that expire and pass on."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from events import services
from events.models import Registration, WaitlistEntry
from events.tasks import events_housekeeping
from portal.exceptions import DomainError
from tests.events.helpers import event_page, member_user

pytestmark = pytest.mark.django_db

Waiting = WaitlistEntry.Status


@pytest.fixture
def full_event():
    event = event_page(capacity=1)
    first = services.registration_create(event=event, user=member_user())
    return event, first


def test_joining_an_event_with_seats_left_is_refused():
    with pytest.raises(DomainError, match="nog plaatsen vrij"):
        services.waitlist_join(event=event_page(capacity=5), user=member_user())


def test_joining_twice_is_refused(full_event):
    event, _first = full_event
    member = member_user()
    services.waitlist_join(event=event, user=member)
    with pytest.raises(DomainError, match="al op de wachtlijst"):
        services.waitlist_join(event=event, user=member)


def test_registered_person_cannot_join_the_waiting_list(full_event):
    event, first = full_event
    with pytest.raises(DomainError, match="al aangemeld"):
        services.waitlist_join(event=event, user=first.user)


def test_cancellation_offers_the_seat_to_the_first_in_line(full_event):
    event, first = full_event
    second, third = member_user(), member_user()
    entry_2 = services.waitlist_join(event=event, user=second)
    entry_3 = services.waitlist_join(event=event, user=third)
    services.registration_cancel(registration=first, actor=first.user)
    entry_2.refresh_from_db()
    entry_3.refresh_from_db()
    assert entry_2.status == Waiting.OFFERED and entry_2.offer_expires_at > timezone.now()
    assert entry_3.status == Waiting.WAITING


def test_new_registrations_do_not_jump_the_queue(full_event):
    event, first = full_event
    services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    with pytest.raises(services.EventFull):
        services.registration_create(event=event, user=member_user())


def test_offer_accepted_becomes_a_registration(full_event):
    event, first = full_event
    entry = services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    registration = services.waitlist_offer_accept(entry=entry, actor=entry.user)
    entry.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert entry.status == Waiting.ACCEPTED and entry.registration == registration
    assert services.seats_taken(event=event) == 1


def test_accepting_without_an_offer_is_refused(full_event):
    event, _first = full_event
    entry = services.waitlist_join(event=event, user=member_user())
    with pytest.raises(DomainError, match="geen aanbod open"):
        services.waitlist_offer_accept(entry=entry, actor=entry.user)


def test_accepting_an_expired_offer_is_refused(full_event):
    event, first = full_event
    entry = services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    entry.refresh_from_db()
    with pytest.raises(DomainError, match="verlopen"):
        services.waitlist_offer_accept(entry=entry, actor=entry.user, now=entry.offer_expires_at + timedelta(seconds=1))


def test_declined_offer_passes_to_the_next(full_event):
    event, first = full_event
    entry_2 = services.waitlist_join(event=event, user=member_user())
    entry_3 = services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    services.waitlist_offer_decline(entry=entry_2, actor=entry_2.user)
    entry_2.refresh_from_db()
    entry_3.refresh_from_db()
    assert entry_2.status == Waiting.DECLINED
    assert entry_3.status == Waiting.OFFERED


def test_leaving_with_an_open_offer_passes_it_on(full_event):
    event, first = full_event
    entry_2 = services.waitlist_join(event=event, user=member_user())
    entry_3 = services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    services.waitlist_leave(entry=entry_2, actor=entry_2.user)
    entry_3.refresh_from_db()
    assert entry_3.status == Waiting.OFFERED


def test_leaving_twice_is_refused(full_event):
    event, _first = full_event
    entry = services.waitlist_join(event=event, user=member_user())
    services.waitlist_leave(entry=entry, actor=entry.user)
    with pytest.raises(DomainError, match="niet meer op de wachtlijst"):
        services.waitlist_leave(entry=entry, actor=entry.user)


def test_expired_offer_passes_to_the_next_and_a_second_run_changes_nothing(full_event):
    event, first = full_event
    entry_2 = services.waitlist_join(event=event, user=member_user())
    entry_3 = services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    entry_2.refresh_from_db()
    later = entry_2.offer_expires_at + timedelta(minutes=1)
    assert services.waitlist_offers_expire(now=later) == 1
    assert services.waitlist_offers_expire(now=later) == 0
    entry_2.refresh_from_db()
    entry_3.refresh_from_db()
    assert entry_2.status == Waiting.EXPIRED
    assert entry_3.status == Waiting.OFFERED
    assert ModelLogEntry.objects.filter(action="events.waitlist.expired").count() == 1


def test_offer_stands_48_hours_far_from_the_event():
    event = event_page(start=timezone.now() + timedelta(days=30))
    now = timezone.now()
    assert services.offer_expiry(event=event, now=now) == now + timedelta(hours=48)


def test_offer_is_shorter_close_to_the_event():
    event = event_page(start=timezone.now() + timedelta(hours=10))
    now = timezone.now()
    expiry = services.offer_expiry(event=event, now=now)
    assert expiry < event.start
    assert expiry - now == (event.start - now) / 2


def test_housekeeping_task_runs_the_expiry(full_event):
    event, first = full_event
    services.waitlist_join(event=event, user=member_user())
    services.registration_cancel(registration=first, actor=first.user)
    WaitlistEntry.objects.filter(status=Waiting.OFFERED).update(offer_expires_at=timezone.now() - timedelta(minutes=1))
    assert events_housekeeping() == {"offers_expired": 1, "holds_released": 0, "reminders_sent": 0, "materials_sent": 0}


def test_offer_email_is_queued_once(full_event, django_capture_on_commit_callbacks):
    from events.tasks import waitlist_offer_send
    from portal.models import OutboundEmail

    event, first = full_event
    entry = services.waitlist_join(event=event, user=member_user())
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first, actor=first.user)
    waitlist_offer_send(entry.pk)  # a second run queues nothing new
    email = OutboundEmail.objects.get(kind="events.waitlist_offer")
    assert entry.user.email in email.to
    assert event.title in email.subject
