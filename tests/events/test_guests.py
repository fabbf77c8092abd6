"""Group registration (issue item 11): a member registers a named colleague; seats, the
waiting list and check-in treat each person separately. And the attendance certificate
(item 8) carries the session, date, hours and PE points."""

from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from events import services, signals
from events.models import Registration, WaitlistEntry
from portal.exceptions import DomainError
from tests.events.helpers import event_page, member_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_guest_takes_a_seat_of_their_own_and_can_fill_the_event():
    event = event_page(capacity=2)
    member = member_user()
    services.registration_create(event=event, user=member)
    services.registration_create(event=event, user=member, guest_name="Joost Jansen")

    with pytest.raises(services.EventFull):
        services.registration_create(event=event, user=member_user())
    assert services.seats_taken(event=event) == 2


def test_a_guest_waits_in_line_separately_and_gets_the_freed_seat():
    event = event_page(capacity=1)
    first = member_user()
    taken = services.registration_create(event=event, user=first)
    member = member_user()
    own = services.waitlist_join(event=event, user=member)
    guest = services.waitlist_join(event=event, user=member, guest_name="Joost Jansen")
    with pytest.raises(DomainError):
        services.waitlist_join(event=event, user=member, guest_name="Joost Jansen")

    services.registration_cancel(registration=taken, actor=first)
    own.refresh_from_db()
    guest.refresh_from_db()
    assert (own.status, guest.status) == (WaitlistEntry.Status.OFFERED, WaitlistEntry.Status.WAITING)

    services.waitlist_offer_decline(entry=own, actor=member)
    guest.refresh_from_db()
    assert guest.status == WaitlistEntry.Status.OFFERED
    registration = services.waitlist_offer_accept(entry=guest, actor=member)
    assert registration.guest_name == "Joost Jansen" and registration.user == member


def test_guest_and_member_check_in_separately_and_only_the_member_earns_points():
    event = event_page()
    member = member_user()
    own = services.registration_create(event=event, user=member)
    guest = services.registration_create(event=event, user=member, guest_name="Joost Jansen")
    heard = []

    def receiver(sender, registration, user, pe_points, **kwargs):
        heard.append((registration.pk, user, pe_points))

    signals.attendance_recorded.connect(receiver)
    try:
        services.registration_check_in(event=event, code=guest.code, actor=UserFactory())
        with pytest.raises(services.CheckInRefused):
            services.registration_check_in(event=event, code=guest.code, actor=UserFactory())
        services.registration_check_in(event=event, code=own.code, actor=UserFactory())
    finally:
        signals.attendance_recorded.disconnect(receiver)

    assert heard == [(guest.pk, None, event.pe_points), (own.pk, member, event.pe_points)]
    assert Registration.objects.filter(checked_in_at__isnull=False).count() == 2


def test_attendance_certificate_names_session_date_hours_and_points(client):
    event = event_page(pe_points=Decimal("2.5"), hours=3)
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    services.registration_check_in(event=event, code=registration.code, actor=UserFactory())
    client.force_login(member)

    response = client.get(event.url + f"ticket/{registration.code}/certificate/")

    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    from django.utils import dateformat, timezone, translation

    with translation.override("nl"):
        day = dateformat.format(timezone.localtime(event.start), "j F Y")
    assert event.title in text and day in text
    assert "3,0" in text and "2,5" in text
    assert registration.user.get_full_name() in text


def test_someone_elses_certificate_is_a_404(client):
    event = event_page()
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    services.registration_check_in(event=event, code=registration.code, actor=UserFactory())
    client.force_login(member_user())
    assert client.get(event.url + f"ticket/{registration.code}/certificate/").status_code == 404
