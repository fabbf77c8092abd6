"""Every admin listing opens for a superuser (the access matrix's roles do not include one),
and a row of a listing of records opens the record: its first column links to it."""

import re

import pytest
from django.urls import reverse

from tests.factories import staff_signed_in
from tests.portal.test_access_matrix import admin_routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    staff_signed_in(client, is_superuser=True, is_staff=True)
    return client


def test_a_superuser_opens_every_admin_listing_without_an_error(superuser_client):
    from events import services as event_services
    from tests.events.helpers import event_page, member_user
    from tests.members.certification import factories as certification

    # Rows in the listings (so each row's buttons are drawn) and in the site history (so each
    # entry's link to its object is made): a certificate, a registration, a waiting-list place.
    certification.issued_certificate()
    event = event_page(capacity=1)
    event_services.registration_create(event=event, user=member_user())
    event_services.waitlist_join(event=event, user=member_user())
    failures = {}
    for address, key, has_object in admin_routes():
        if has_object or key.endswith(("_results", ":add", ":export")) or address.startswith("/admin/failwhale"):
            continue
        response = superuser_client.get(address)
        if response.status_code >= 500:
            failures[address] = response.status_code
    assert failures == {}


def rows_link_to_inspect(client, namespace: str, pk: int) -> bool:
    html = client.get(reverse(f"{namespace}:index")).content.decode()
    return reverse(f"{namespace}:inspect", args=[pk]) in re.findall(r'href="([^"]+)"', html)


def test_rows_of_record_listings_open_the_record(superuser_client):
    from events import services as event_services
    from tests.events.helpers import event_page, member_user
    from tests.members.certification import factories as certification

    certificate = certification.issued_certificate()
    application = certificate.application
    registration = event_services.registration_create(event=event_page(), user=member_user())

    assert rows_link_to_inspect(superuser_client, "certificates", certificate.pk)  # a field name first
    # a Column first:
    assert rows_link_to_inspect(superuser_client, "certification_applications", application.pk)
    assert rows_link_to_inspect(superuser_client, "event_registrations", registration.pk)
