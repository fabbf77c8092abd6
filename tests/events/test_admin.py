"""Staff in the Wagtail admin: attendee list with CSV export, waiting list, permissions."""

import pytest

from events import services
from tests.events.helpers import event_page, member_user
from tests.factories import UserFactory, totp_authenticator, verified_email

pytestmark = pytest.mark.django_db


def staff_client(client, *, groups):
    person = verified_email(UserFactory(groups=groups))
    totp_authenticator(person)
    client.force_login(person)
    return client


def test_secretariat_sees_attendees_and_exports_csv(client):
    event = event_page()
    member = member_user(user__first_name="Femke", user__last_name="Vos")
    services.registration_create(event=event, user=member)
    staff_client(client, groups=["Secretariat"])
    listing = client.get(f"/admin/events/registrations/?event={event.pk}")
    assert listing.status_code == 200 and "Femke Vos" in listing.content.decode()
    export = client.get(f"/admin/events/registrations/?event={event.pk}&export=csv")
    assert export.status_code == 200
    body = b"".join(export.streaming_content).decode() if export.streaming else export.content.decode()
    assert "Femke Vos" in body and member.email in body


def test_secretariat_sees_the_waiting_list(client):
    event = event_page(capacity=1)
    services.registration_create(event=event, user=member_user())
    waiting = services.waitlist_join(event=event, user=member_user(user__first_name="Wim", user__last_name="Wachter"))
    staff_client(client, groups=["Secretariat"])
    response = client.get("/admin/events/waitlist/")
    assert response.status_code == 200 and "Wim Wachter" in response.content.decode()
    assert waiting.pk


def test_editors_do_not_see_attendees(client):
    event_page()
    staff_client(client, groups=["Editors"])
    response = client.get("/admin/events/registrations/")
    assert response.status_code in (302, 403)


def test_secretariat_may_check_in_and_editors_may_not():
    secretary = UserFactory(groups=["Secretariat"])
    editor = UserFactory(groups=["Editors"])
    assert secretary.has_perm("events.check_in_registration")
    assert not editor.has_perm("events.check_in_registration")


def test_secretariat_marks_a_bank_transfer_as_paid(client):
    from decimal import Decimal

    from events.models import Registration

    registration = services.registration_create(event=event_page(member_price=Decimal("95.00")), user=member_user())
    staff_client(client, groups=["Secretariat"])
    inspect = client.get(f"/admin/events/registrations/inspect/{registration.pk}/")
    assert "mark-paid" in inspect.content.decode()
    client.post(f"/admin/events/registrations/mark-paid/{registration.pk}/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED and registration.paid_at


def test_editors_cannot_mark_as_paid(client):
    from decimal import Decimal

    registration = services.registration_create(event=event_page(member_price=Decimal("95.00")), user=member_user())
    staff_client(client, groups=["Editors"])
    assert client.post(f"/admin/events/registrations/mark-paid/{registration.pk}/").status_code in (302, 403)
    registration.refresh_from_db()
    assert registration.status == "awaiting_payment"
