"""Clients' personal data sent through the register (docs/privacy.md): a manager's download
holds the messages and assignment requests they received, erasing the manager deletes them,
and the daily retention run deletes what clients sent longer ago than the set period."""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.utils import timezone

from members.privacy import profile_erase
from members.models import AssignmentRecipient, AssignmentRequest, RegisterContactMessage
from members.services.register import register_contact_send
from members.services.register_requests import (
    assignment_request_answer,
    assignment_request_confirm,
    assignment_request_create,
    assignment_requests_expire,
)
from portal import privacy
from tests.members.register.factories import listed_manager

pytestmark = pytest.mark.django_db


def manager_with_mail():
    """A listed manager who received one contact message and one assignment request, and answered it."""
    profile = listed_manager(accepts_requests=True, available_from=None)
    register_contact_send(profile_pk=profile.pk, name="Karel Klant", email="karel@client.example",
                          message="Bent u in maart beschikbaar?", language="nl")
    request = assignment_request_confirm(request=assignment_request_create(
        client_name="Petra Inkoop", client_email="petra@client.example", organisation="Zorggroep",
        description="Interim CFO gezocht voor een ziekenhuisfusie in Utrecht, zes maanden.", language="nl",
    ))
    recipient = request.recipients.get(profile=profile)
    assignment_request_answer(recipient=recipient, user=profile.user, interested=True, note="Graag een gesprek.")
    return profile


def zip_part(user, name):
    archive = zipfile.ZipFile(io.BytesIO(privacy.personal_data_export(user=user)))
    return json.loads(archive.read(f"{name}.json")) if f"{name}.json" in archive.namelist() else None


def test_the_managers_download_holds_what_clients_sent_and_the_answer():
    profile = manager_with_mail()

    data = zip_part(profile.user, "register")

    assert [m["email"] for m in data["contact_messages"]] == ["karel@client.example"]
    assert data["contact_messages"][0]["message"] == "Bent u in maart beschikbaar?"
    [request] = data["assignment_requests"]
    assert request["client_email"] == "petra@client.example"
    assert "ziekenhuisfusie" in request["assignment"]
    assert request["interested"] is True and request["note"] == "Graag een gesprek."


def test_another_managers_mail_is_not_in_the_download():
    manager_with_mail()
    other = listed_manager(first_name="Bram", last_name="Koster")

    assert zip_part(other.user, "register") is None


def test_erasing_the_manager_deletes_what_clients_sent_them():
    """The erasure's profile part (the whole erasure waits for the certificate to end)."""
    profile = manager_with_mail()

    profile_erase(profile.user)

    assert not RegisterContactMessage.objects.exists()
    assert not AssignmentRecipient.objects.exists()


def test_retention_deletes_what_clients_sent_longer_ago_than_the_period(settings):
    settings.PRIVACY_REGISTER_CLIENT_YEARS = 1
    profile = manager_with_mail()
    old_moment = timezone.now() - timedelta(days=367)
    RegisterContactMessage.objects.update(created_at=old_moment)
    AssignmentRequest.objects.update(created_at=old_moment)
    assignment_requests_expire(now=timezone.now() + timedelta(days=365))
    register_contact_send(profile_pk=profile.pk, name="Nieuwe Klant", email="nieuw@client.example",
                          message="Een recente vraag.", language="nl")

    result = privacy.retention_apply(today=date.today())

    assert result["register"] == {"contact_messages": 1, "assignment_requests": 1}
    assert list(RegisterContactMessage.objects.values_list("email", flat=True)) == ["nieuw@client.example"]
    assert not AssignmentRequest.objects.exists() and not AssignmentRecipient.objects.exists()
    assert privacy.retention_apply(today=date.today())["register"] == {"contact_messages": 0, "assignment_requests": 0}


def test_retention_leaves_a_request_that_is_still_open(settings):
    settings.PRIVACY_REGISTER_CLIENT_YEARS = 0  # everything sent before today
    manager_with_mail()
    AssignmentRequest.objects.update(created_at=timezone.now() - timedelta(days=2))

    result = privacy.retention_apply(today=date.today())

    assert result["register"]["assignment_requests"] == 0
    assert AssignmentRequest.objects.get().status == AssignmentRequest.Status.OPEN
