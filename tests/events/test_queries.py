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


# A signed-in member's registration: the event page, the "register" button, the ticket it
# leads to. Under load every query counts twice: in the response time and, for the
# register POST, in the time the event's row stays locked.
FLOW_MAX_QUERIES = {"event page": 12, "register": 13, "ticket": 9}


def add_confirmed(event, count: int, *, user=None) -> None:
    """`count` confirmed registrations of other people for `event` (or `user`'s own)."""
    User = Registration._meta.get_field("user").related_model
    start = Registration.objects.count()
    users = [user] if user else User.objects.bulk_create(
        User(email=f"ander{event.pk}-{start + n}@example.org") for n in range(count)
    )
    Registration.objects.bulk_create(
        Registration(event=event, user=person, code=f"conf-{event.pk}-{start + n:06d}") for n, person in enumerate(users)
    )


def registration_flow(client, event, member, assert_max=None) -> dict[str, int]:
    """The member opens the page, registers and lands on the ticket; the queries of each step
    (each at most FLOW_MAX_QUERIES with `assert_max`, django_assert_max_num_queries)."""

    def counting(step):
        return assert_max(FLOW_MAX_QUERIES[step]) if assert_max else CaptureQueriesContext(connection)

    client.force_login(member)
    counts = {}
    with counting("event page") as queries:
        assert client.get(event.url).status_code == 200
    counts["event page"] = len(queries)
    with counting("register") as queries:
        response = client.post(event.url + "register/")
    assert response.status_code == 302 and "/ticket/" in response["Location"]
    counts["register"] = len(queries)
    with counting("ticket") as queries:
        assert client.get(response["Location"]).status_code == 200
    counts["ticket"] = len(queries)
    return counts


def test_registration_flow_costs_the_same_with_1_and_30_other_registrations(client, django_assert_max_num_queries):
    index = event_index()
    event = event_page(index, capacity=200, revision=False)
    others = [event_page(index, revision=False) for _ in range(3)]
    # The first flow fills per-process caches (site, locales, content types, restrictions).
    registration_flow(client, event, member_user())
    add_confirmed(event, 1)
    member = member_user()
    add_confirmed(others[0], 1, user=member)
    few = registration_flow(client, event, member, django_assert_max_num_queries)
    add_confirmed(event, 29)
    member = member_user()
    for other in others:
        add_confirmed(other, 1, user=member)
    many = registration_flow(client, event, member, django_assert_max_num_queries)
    assert many == few
    assert Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count() == 33
