"""Assignment requests: confirmed by the client's e-mail, sent to listed managers who accept
requests and match, answered in the member area, expiring after a set time."""

import re
import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from members.models import AssignmentRecipient, AssignmentRequest, Certificate
from members.services.register_requests import (
    assignment_request_answer,
    assignment_request_confirm,
    assignment_request_create,
    assignment_request_token,
    assignment_requests_expire,
)
from portal.exceptions import DomainError
from portal.models import OutboundEmail
from tests.members.register.factories import certificates_change, listed_manager

pytestmark = pytest.mark.django_db

ASSIGNMENT = "Interim CFO gezocht voor een ziekenhuisfusie in Utrecht, zes maanden, per direct."


def _request(**overrides):
    data = {"client_name": "Petra Inkoop", "client_email": "petra@client.example", "organisation": "Zorggroep",
            "description": ASSIGNMENT, "language": "nl"}
    data.update(overrides)
    return assignment_request_create(**data)


def _accepting(**kwargs):
    return listed_manager(accepts_requests=True, available_from=None, **kwargs)


def test_nothing_reaches_a_manager_before_the_client_confirms():
    _accepting()
    request = _request()
    assert request.status == AssignmentRequest.Status.UNVERIFIED
    assert not AssignmentRecipient.objects.exists()
    mails = OutboundEmail.objects.all()
    assert [m.kind for m in mails] == ["assignment_request_confirm"]
    assert mails[0].to == "petra@client.example"


def test_only_listed_accepting_matching_managers_receive_it():
    anna = _accepting()
    _accepting(first_name="Dirk", last_name="Geschorst", status=Certificate.Status.SUSPENDED)
    _accepting(first_name="Nina", last_name="Nietvermeld", listed=False)
    listed_manager(first_name="Olga", last_name="Wilgeen", accepts_requests=False)
    _accepting(first_name="Bram", last_name="Koster", headline="Logistiek", sectors=("logistics",),
               regions=("limburg",), expertise="Supply chain", bio_nl="", bio_en="")
    request = assignment_request_confirm(request=_request())
    assert request.status == AssignmentRequest.Status.OPEN
    assert [r.profile for r in request.recipients.all()] == [anna]
    received = OutboundEmail.objects.filter(kind="assignment_request_received")
    assert [m.to for m in received] == [anna.user.email]
    assert "ziekenhuisfusie" in received[0].body_text


def test_confirming_twice_sends_once():
    _accepting()
    request = _request()
    assignment_request_confirm(request=request)
    assignment_request_confirm(request=request)
    assert AssignmentRecipient.objects.count() == 1
    assert OutboundEmail.objects.filter(kind="assignment_request_received").count() == 1


def test_answer_reaches_the_client_with_the_address_only_when_interested():
    anna = _accepting()
    bram = _accepting(first_name="Bram", last_name="Koster")
    request = assignment_request_confirm(request=_request())
    no = request.recipients.get(profile=bram)
    assignment_request_answer(recipient=no, user=bram.user, interested=False, note="Helaas bezet.")
    mail = OutboundEmail.objects.get(kind="assignment_request_answer")
    assert mail.to == "petra@client.example" and "Helaas bezet." in mail.body_text
    assert bram.user.email not in mail.body_text and mail.reply_to == ""
    yes = request.recipients.get(profile=anna)
    assignment_request_answer(recipient=yes, user=anna.user, interested=True, note="Graag!")
    mail = OutboundEmail.objects.filter(kind="assignment_request_answer").latest("pk")
    assert anna.user.email in mail.body_text and mail.reply_to == anna.user.email


def test_a_manager_answers_once_and_only_their_own():
    anna = _accepting()
    bram = _accepting(first_name="Bram", last_name="Koster")
    request = assignment_request_confirm(request=_request())
    recipient = request.recipients.get(profile=anna)
    with pytest.raises(DomainError):
        assignment_request_answer(recipient=recipient, user=bram.user, interested=True, note="")
    assignment_request_answer(recipient=recipient, user=anna.user, interested=True, note="")
    with pytest.raises(DomainError):
        assignment_request_answer(recipient=recipient, user=anna.user, interested=False, note="")


def test_requests_expire_and_cannot_be_answered_then(settings):
    anna = _accepting()
    request = assignment_request_confirm(request=_request())
    assert request.expires_at - request.verified_at == timedelta(days=settings.REGISTER_REQUEST_DAYS)
    assert assignment_requests_expire(now=request.expires_at - timedelta(minutes=1)) == 0
    assert assignment_requests_expire(now=request.expires_at + timedelta(minutes=1)) == 1
    request.refresh_from_db()
    assert request.status == AssignmentRequest.Status.EXPIRED
    assert assignment_requests_expire(now=request.expires_at + timedelta(days=1)) == 0
    with pytest.raises(DomainError):
        assignment_request_answer(recipient=request.recipients.get(profile=anna), user=anna.user,
                                  interested=True, note="")


def test_a_manager_suspended_after_receiving_cannot_answer():
    anna = _accepting()
    request = assignment_request_confirm(request=_request())
    certificates_change(
        anna.user, status=Certificate.Status.SUSPENDED, suspended_until=timezone.localdate() + timedelta(days=30)
    )
    with pytest.raises(DomainError):
        assignment_request_answer(recipient=request.recipients.get(profile=anna), user=anna.user,
                                  interested=True, note="")
    assert not OutboundEmail.objects.filter(kind="assignment_request_answer").exists()


def _started():
    return signing.Signer(salt="register-contact").sign(str(int(time.time()) - 10))


def test_the_whole_flow_through_the_pages(client, django_capture_on_commit_callbacks):
    anna = _accepting()
    response = client.post("/en/register/request/", {
        "client_name": "Petra Inkoop", "client_email": "petra@client.example", "organisation": "",
        "description": ASSIGNMENT, "website": "", "started": _started(),
    })
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    link = re.search(r"http\S+/confirm/", OutboundEmail.objects.get(kind="assignment_request_confirm").body_text).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]
    assert client.get(path).status_code == 200  # a GET (a mail scanner) sends nothing
    assert not AssignmentRecipient.objects.exists()
    status_page = client.post(path, follow=True)
    assert "Sent to 1 matching manager" in status_page.content.decode()
    assert anna.user.email not in status_page.content.decode()  # not before the manager answers

    client.force_login(anna.user)
    inbox = client.get("/en/membership/register-inbox/").content.decode()
    assert "ziekenhuisfusie" in inbox
    recipient = AssignmentRecipient.objects.get()
    response = client.post(f"/en/membership/register-inbox/{recipient.pk}/answer/",
                           {f"r{recipient.pk}-interested": "yes", f"r{recipient.pk}-note": "Graag"})
    assert response.status_code == 302
    client.logout()
    status_page = client.get(path.replace("confirm/", "")).content.decode()
    assert "Interested" in status_page and anna.user.email in status_page


def test_spam_is_refused_and_nothing_is_stored(client):
    response = client.post("/en/register/request/", {
        "client_name": "Bot", "client_email": "bot@example.com", "description": ASSIGNMENT,
        "website": "http://spam.example", "started": _started(),
    })
    assert response.status_code == 400
    assert not AssignmentRequest.objects.exists()


def test_a_forged_link_answers_404(client):
    assert client.get("/en/register/request/forged/confirm/").status_code == 404
    assert client.get("/en/register/request/forged/").status_code == 404


def test_another_member_cannot_answer_through_the_page(client):
    anna = _accepting()
    bram = listed_manager(first_name="Bram", last_name="Koster")
    request = assignment_request_confirm(request=_request())
    recipient = request.recipients.get(profile=anna)
    client.force_login(bram.user)
    response = client.post(f"/en/membership/register-inbox/{recipient.pk}/answer/",
                           {f"r{recipient.pk}-interested": "yes"})
    assert response.status_code == 404
    assert AssignmentRecipient.objects.get().answered_at is None


def test_the_token_in_links_is_the_requests_own():
    request = _request()
    other = _request(client_email="other@client.example")
    assert assignment_request_token(request) != assignment_request_token(other)
    assert timezone.now()
