"""The event index, the event page and the staff lists cost the same number of queries
with few or many events and with few or many registrations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Registration, WaitlistEntry
from tests.events.helpers import event_index, event_page, member_user
from tests.factories import UserFactory, totp_authenticator, verified_email

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    client.get(url)  # the first request fills per-process caches (site root paths, settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_registrations(event, count: int) -> None:
    User = Registration._meta.get_field("user").related_model
    start = Registration.objects.filter(event=event).count()
    numbers = range(start, start + count)
    users = User.objects.bulk_create(User(email=f"deelnemer{event.pk}-{n}@example.org") for n in numbers)
    Registration.objects.bulk_create(
        Registration(event=event, user=user, code=f"code-{event.pk}-{n:06d}") for n, user in zip(numbers, users)
    )
    WaitlistEntry.objects.bulk_create(WaitlistEntry(event=event, user=user) for user in users[: count // 10])


def test_index_costs_the_same_with_5_and_50_events(client):
    index = event_index()
    for _ in range(5):
        event_page(index, revision=False)
    few = count_queries(client, index.url)
    for _ in range(45):
        event_page(index, revision=False)
    many = count_queries(client, index.url)
    assert many == few
    assert few <= 18


def test_index_filtered_and_archive_cost_the_same(client):
    index = event_index()
    for _ in range(5):
        event_page(index, revision=False)
    plain = count_queries(client, index.url)
    assert count_queries(client, index.url + "?event_type=knowledge_session&region=centre&month=2026-12") == plain
    assert count_queries(client, index.url + "?period=past") <= plain  # empty: no rows to fetch


@pytest.mark.parametrize("signed_in", [False, True])
def test_event_page_costs_the_same_with_10_and_1000_registrations(client, signed_in):
    event = event_page(capacity=2000, revision=False)
    if signed_in:
        client.force_login(member_user())
    add_registrations(event, 10)
    few = count_queries(client, event.url)
    add_registrations(event, 990)
    many = count_queries(client, event.url)
    assert many == few


def test_attendee_list_costs_the_same_with_10_and_1000_registrations(client):
    admin = verified_email(UserFactory(is_staff=True, is_superuser=True))
    totp_authenticator(admin)
    client.force_login(admin)
    event = event_page(capacity=2000, revision=False)
    add_registrations(event, 10)
    url = f"/admin/events/registrations/?event={event.pk}"
    few = count_queries(client, url)
    add_registrations(event, 990)
    assert count_queries(client, url) == few
