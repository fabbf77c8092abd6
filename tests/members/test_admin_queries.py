"""The secretariat's member list costs the same number of queries with 10 members as with 1,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import MemberProfile, Membership, MembershipPlan
from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.members.factories import MembershipPlanFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/members/"


def add_members(count: int, plans: list[MembershipPlan], start: int = 0) -> None:
    """`count` active members with a profile each, written in bulk to keep the test fast."""
    User = Membership._meta.get_field("user").related_model
    today = timezone.localdate()
    users = User.objects.bulk_create(
        User(email=f"lid{n}@example.org", first_name=f"Lid{n}", last_name=f"Achternaam{n:05d}")
        for n in range(start, start + count)
    )
    MemberProfile.objects.bulk_create(
        MemberProfile(
            user=user, phone="+31 6 1", street="Straat 1", postal_code="1234 AB", city=["Utrecht", "Zwolle"][n % 2],
            kvk_number="12345678", sectors="zorg", expertise="Interim", years_interim=5,
        )
        for n, user in enumerate(users)
    )
    Membership.objects.bulk_create(
        Membership(
            user=user, plan=plans[n % len(plans)], status=Membership.Status.ACTIVE, paid_until=today,
            member_since=today, statutes_version="2026-01", privacy_version="2026-01", terms_accepted_at=timezone.now(),
        )
        for n, user in enumerate(users)
    )


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST_URL, params)
        if params.get("export"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def secretariat_client(client):
    user = verified_email(UserFactory(groups=["Secretariat"]))
    totp_authenticator(user)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "active", "city": "utrecht", "ordering": "paid_until"},
        {"q": "lid"},
        {"export": "csv"},
    ],
    ids=["list", "filtered", "search", "csv"],
)
def test_member_list_queries_do_not_grow_with_the_number_of_members(secretariat_client, params):
    plans = [MembershipPlanFactory(), MembershipPlanFactory()]
    add_members(10, plans)
    secretariat_client.get(LIST_URL)  # warm up per-process caches (content types, site)
    with_ten = count_queries(secretariat_client, params)

    add_members(990, plans, start=10)
    with_thousand = count_queries(secretariat_client, params)

    assert Membership.objects.count() == 1000
    assert with_thousand == with_ten


@pytest.mark.parametrize("count", [1, 40])
def test_member_detail_reads_history_and_payments_in_a_fixed_number_of_queries(
    secretariat_client, django_assert_max_num_queries, count
):
    from datetime import timedelta

    from tests.members.factories import MembershipFactory, PaymentFactory, history_entry

    membership = MembershipFactory(active=True)
    staff = UserFactory()
    for index in range(count):
        PaymentFactory(membership=membership, period_start=timezone.localdate() - timedelta(days=365 * (index + 1)))
        history_entry(membership, "members.membership.renewed", actor=staff, reason=f"Renewal {index}")
    url = f"{LIST_URL}inspect/{membership.pk}/"
    secretariat_client.get(url)  # warm up per-process caches (content types, site)
    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET):
        response = secretariat_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("Renewal ") == count


# Session, user, authenticator, permissions, membership, profile, history, payments, plus the admin's own.
DETAIL_QUERY_BUDGET = 20
