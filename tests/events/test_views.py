"""The event page, registering by HTTP, tickets (only one's own), PDFs and the check-in page."""

from decimal import Decimal

import pytest

from events import services
from events.models import Registration, WaitlistEntry
from tests.events.helpers import event_page, member_user, non_member_user
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_event_page_shows_details_to_visitors(client):
    event = event_page(title="Kennissessie governance")
    response = client.get(event.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kennissessie governance" in body and "Domus Utrecht" in body
    assert "Log in om je aan te melden" in body or "Inloggen" in body


def test_member_registers_with_one_click_and_sees_the_ticket(client):
    event = event_page()
    member = member_user()
    client.force_login(member)
    response = client.post(event.url + "register/")
    registration = Registration.objects.get(user=member)
    assert response.status_code == 302 and response["Location"].endswith(f"ticket/{registration.code}/")
    ticket = client.get(response["Location"])
    assert ticket.status_code == 200
    assert "<svg" in ticket.content.decode() and registration.code in ticket.content.decode()


def test_registering_by_get_is_not_allowed(client):
    event = event_page()
    client.force_login(member_user())
    assert client.get(event.url + "register/").status_code == 405


def test_visitor_is_sent_to_log_in(client):
    event = event_page()
    response = client.post(event.url + "register/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Registration.objects.exists()


def test_full_event_offers_the_waiting_list(client):
    event = event_page(capacity=1)
    services.registration_create(event=event, user=member_user())
    member = member_user()
    client.force_login(member)
    response = client.post(event.url + "register/", follow=True)
    assert "wachtlijst" in response.content.decode().lower()
    client.post(event.url + "waitlist/")
    assert WaitlistEntry.objects.filter(user=member, status="waiting").exists()


def test_another_persons_ticket_is_404(client):
    event = event_page()
    registration = services.registration_create(event=event, user=member_user())
    client.force_login(member_user())
    assert client.get(event.url + f"ticket/{registration.code}/").status_code == 404
    assert client.get(event.url + f"ticket/{registration.code}/pdf/").status_code == 404
    assert client.post(event.url + f"ticket/{registration.code}/cancel/").status_code == 404


def test_ticket_pdf_is_a_pdf(client):
    event = event_page()
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    client.force_login(member)
    response = client.get(event.url + f"ticket/{registration.code}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_attendance_certificate_only_after_check_in(client):
    from io import BytesIO

    from pypdf import PdfReader

    event = event_page(pe_points=Decimal("2.5"))
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    client.force_login(member)
    url = event.url + f"ticket/{registration.code}/certificate/"
    assert client.get(url).status_code == 404
    services.registration_check_in(event=event, code=registration.code, actor=UserFactory())
    response = client.get(url)
    assert response.status_code == 200
    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert event.title in text and "2,5" in text


def test_attendee_cancels_from_the_ticket(client):
    event = event_page()
    member = member_user()
    registration = services.registration_create(event=event, user=member)
    client.force_login(member)
    client.post(event.url + f"ticket/{registration.code}/cancel/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_check_in_page_is_for_staff_only(client):
    event = event_page()
    client.force_login(member_user())
    assert client.get(event.url + "check-in/").status_code == 403


def test_secretariat_checks_in_by_code_and_sees_name_and_second_refusal(client):
    event = event_page()
    member = member_user(user__first_name="Femke", user__last_name="Vos")
    registration = services.registration_create(event=event, user=member)
    client.force_login(UserFactory(groups=["Secretariat"]))
    first = client.post(event.url + "check-in/", {"code": registration.code})
    assert "Femke Vos" in first.content.decode() and "check-in-result--valid" in first.content.decode()
    second = client.post(event.url + "check-in/", {"code": registration.code})
    assert "check-in-result--already" in second.content.decode()
    undone = client.post(event.url + "check-in/", {"undo": registration.code})
    assert "check-in-result--undone" in undone.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_online_link_only_for_registered_attendees(client):
    event = event_page(venue_name="", online_url="https://meet.example.org/x", region="online")
    client.force_login(non_member_user())
    assert "meet.example.org" not in client.get(event.url).content.decode()
    member = member_user()
    services.registration_create(event=event, user=member)
    client.force_login(member)
    assert "meet.example.org" in client.get(event.url).content.decode()


def test_confirmation_email_carries_pdf_and_ics_once(mailoutbox, django_capture_on_commit_callbacks):
    from events.tasks import registration_confirmation_send

    event = event_page()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(event=event, user=member_user())
    assert registration_confirmation_send(registration.pk) == "already-sent"
    assert len(mailoutbox) == 1
    names = [attachment[0] for attachment in mailoutbox[0].attachments]
    assert any(name.endswith(".pdf") for name in names) and any(name.endswith(".ics") for name in names)


def test_materials_after_the_event_for_members_only(client):
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from datetime import timedelta
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(title="Slides kennissessie", file=ContentFile(b"%PDF-1.4", name="slides.pdf"))
    event = event_page(start=timezone.now() - timedelta(days=2), materials=[("document", document)])
    assert "Slides kennissessie" not in client.get(event.url).content.decode()
    client.force_login(non_member_user())
    assert "Slides kennissessie" not in client.get(event.url).content.decode()
    client.force_login(member_user())
    assert "Slides kennissessie" in client.get(event.url).content.decode()


def test_index_filters_by_type_region_and_month(client):
    from django.utils import timezone
    from datetime import timedelta

    from tests.events.helpers import event_index

    index = event_index()
    soon = timezone.now() + timedelta(days=3)
    event_page(index, title="Webinar Noord", event_type="webinar", region="north", start=soon)
    event_page(index, title="Congres West", event_type="congress", region="west", start=soon + timedelta(days=40))
    body = client.get(index.url + "?event_type=webinar").content.decode()
    assert "Webinar Noord" in body and "Congres West" not in body
    body = client.get(index.url + "?region=west").content.decode()
    assert "Congres West" in body and "Webinar Noord" not in body
    month = timezone.localtime(soon).strftime("%Y-%m")
    body = client.get(index.url + f"?month={month}").content.decode()
    assert "Webinar Noord" in body
    assert client.get(index.url + "?month=nonsense").status_code == 200


def test_past_events_are_in_the_archive_only(client):
    from django.utils import timezone
    from datetime import timedelta

    from tests.events.helpers import event_index

    index = event_index()
    event_page(index, title="Sessie van vorige maand", start=timezone.now() - timedelta(days=30))
    assert "Sessie van vorige maand" not in client.get(index.url).content.decode()
    assert "Sessie van vorige maand" in client.get(index.url + "?period=past").content.decode()


def test_registering_on_the_english_page_takes_a_seat_of_the_dutch_event(client):
    from tests.events.helpers import event_index
    from tests.portal import pages

    index = event_index()
    event = event_page(index, capacity=1)
    pages.translate(index, "en", title="Events", slug="events")
    english = pages.translate(event, "en", title="Knowledge session", slug="knowledge-session")
    member = member_user()
    client.force_login(member)
    client.post(english.url + "register/")
    assert Registration.objects.get(user=member).event_id == event.pk
    assert "Full" in client.get(english.url).content.decode() or "Vol" in client.get(english.url).content.decode()
