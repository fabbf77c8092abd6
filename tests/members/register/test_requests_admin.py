"""Members › Assignment requests: the secretariat reads what clients asked through the
register, who received it and how they answered; nobody edits it there."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import ModelLogEntry

from members.models import AssignmentRequest
from portal.audit import entry_message
from members.services.register_requests import (
    assignment_request_answer,
    assignment_request_confirm,
    assignment_request_create,
)
from tests.factories import staff_signed_in
from tests.members.register.factories import listed_manager

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/members/assignment-requests/"


def confirmed_request(description="Interim CFO gezocht voor een ziekenhuisfusie in Utrecht.", **client_fields):
    data = {"client_name": "Petra Inkoop", "client_email": "petra@client.example", "organisation": "Zorggroep",
            "description": description, "language": "nl", **client_fields}
    return assignment_request_confirm(request=assignment_request_create(**data))


def test_secretariat_sees_each_request_with_who_received_it_and_the_answers(client):
    anna = listed_manager(accepts_requests=True, available_from=None)
    request = confirmed_request()
    assignment_request_answer(recipient=request.recipients.get(profile=anna), user=anna.user, interested=True,
                              note="Graag een gesprek.")
    staff_signed_in(client, "Secretariat")
    secretariat = client

    listing = secretariat.get(LIST_URL).content.decode()
    page = secretariat.get(f"{LIST_URL}inspect/{request.pk}/").content.decode()

    assert "Petra Inkoop" in listing and "Zorggroep" in listing
    assert "ziekenhuisfusie" in page
    assert anna.user.get_full_name() in page
    assert "Graag een gesprek." in page
    confirmed = ModelLogEntry.objects.get(action="members.assignment_request.confirmed")
    assert entry_message(confirmed) in page


def test_the_listing_costs_the_same_with_more_requests(client):
    listed_manager(accepts_requests=True, available_from=None)
    staff_signed_in(client, "Secretariat")
    secretariat = client
    confirmed_request()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert secretariat.get(LIST_URL).status_code == 200
        return len(captured)

    queries()  # warms the session and site caches
    few = queries()
    for number in range(12):
        confirmed_request(client_name=f"Klant {number}", client_email=f"klant{number}@client.example")
    assert AssignmentRequest.objects.count() == 13
    assert queries() == few


@pytest.mark.parametrize("group", ["Editors", "Assessors", "Deciders"])
def test_other_staff_do_not_read_the_requests(client, group):
    request = confirmed_request()
    staff_signed_in(client, group)
    other = client

    assert other.get(f"{LIST_URL}inspect/{request.pk}/").status_code in (302, 403)
    assert "Petra Inkoop" not in other.get(LIST_URL, follow=True).content.decode()


def test_there_is_no_form_to_change_a_request(client):
    request = confirmed_request()
    staff_signed_in(client, "Secretariat")
    secretariat = client

    assert secretariat.get(f"{LIST_URL}edit/{request.pk}/").status_code == 404
    assert secretariat.post(f"{LIST_URL}delete/{request.pk}/").status_code == 404
    assert AssignmentRequest.objects.filter(pk=request.pk).exists()
