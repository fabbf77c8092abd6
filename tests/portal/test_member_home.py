""""Mijn omgeving": the member home brings each app's block together, with the open tasks,
in a number of queries that does not grow with the member's history."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Registration, WaitlistEntry
from knowledge.pe_models import PEEntry
from members.models import Payment
from portal.audit import log_action
from tests.events.helpers import event_index, event_page
from tests.knowledge.pe.factories import category, rqim_requirement
from tests.members.factories import MembershipFactory, PaymentFactory

pytestmark = pytest.mark.django_db

HOME = "/mijn-omgeving/"


@pytest.fixture
def member():
    membership = MembershipFactory(active=True)
    return membership.user


def _login(client, user):
    client.force_login(user)
    return client


def add_history(user, *, size: int) -> None:
    """`size` of everything a long membership leaves behind: payments, audit entries, PE
    entries, past and upcoming registrations and waiting-list places."""
    membership = user.membership
    today = timezone.localdate()
    for n in range(size):
        PaymentFactory(membership=membership, plan=membership.plan, period_start=today - timedelta(days=365 * (n + 1)))
        log_action(membership, "members.membership.renewed", data={"from_status": "active", "to_status": "active"})
    sessions = category("sessions")
    PEEntry.objects.bulk_create(
        PEEntry(member=user, category=sessions, title=f"Sessie {n}", date=today - timedelta(days=n), hours=Decimal("2"),
                status=PEEntry.Status.APPROVED if n % 2 else PEEntry.Status.PENDING)
        for n in range(size * 3)
    )
    index = event_index()
    for n in range(size):
        upcoming = event_page(index, start=timezone.now() + timedelta(days=3 + n))
        Registration.objects.create(event=upcoming, user=user)
        past = event_page(index, start=timezone.now() - timedelta(days=30 + n))
        Registration.objects.create(event=past, user=user)
        full = event_page(index, start=timezone.now() + timedelta(days=10 + n))
        WaitlistEntry.objects.create(event=full, user=user)


def test_login_leads_to_member_home(client, member):
    from tests.factories import verified_email

    member.set_password("a-long-password-1")
    member.save()
    verified_email(member)
    response = client.post(reverse("account_login"), {"login": member.email, "password": "a-long-password-1"})
    assert response.status_code == 302
    assert response["Location"] == HOME


def test_member_home_needs_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_member_home_shows_each_block_with_a_link_to_its_page(client, member):
    rqim_requirement()
    content = _login(client, member).get(HOME).content.decode()
    assert "Mijn omgeving" in content
    for url in (reverse("members:dashboard"), reverse("members:certification"), reverse("pe:ledger")):
        assert f'href="{url}"' in content
    assert member.membership.paid_until.strftime("%Y") in content
    # One bar per PE category.
    assert content.count('class="pe-bar"') == 3


def test_member_home_lists_open_tasks(client, member):
    membership = member.membership
    membership.status = membership.Status.IN_ARREARS
    membership.grace_until = timezone.localdate() + timedelta(days=10)
    membership.save()
    PEEntry.objects.create(member=member, category=category("sessions"), title="Zonder bewijs",
                           date=timezone.localdate(), hours=Decimal("2"))
    event = event_page(capacity=1)
    WaitlistEntry.objects.create(event=event, user=member, status=WaitlistEntry.Status.OFFERED,
                                 offer_expires_at=timezone.now() + timedelta(hours=20))
    held = event_page(member_price=Decimal("25"))
    Registration.objects.create(event=held, user=member, status=Registration.Status.AWAITING_PAYMENT,
                                hold_expires_at=timezone.now() + timedelta(days=2))
    content = _login(client, member).get(HOME).content.decode()
    tasks = content.split('id="tasks-heading"')[1].split("</section>")[0]
    assert reverse("members:pay") in tasks
    assert "Zonder bewijs" in tasks
    assert f"Reageer op het aanbod voor {event.title}" in tasks
    assert f"Betaal je plaats bij {held.title}" in tasks


def test_member_home_without_membership_invites_to_join(client):
    from tests.factories import UserFactory

    content = _login(client, UserFactory()).get(HOME).content.decode()
    assert reverse("members:join") in content


def test_member_home_in_english(client, member):
    response = _login(client, member).get("/en/my-portal/")
    assert response.status_code == 200
    assert "My portal" in response.content.decode()


def count_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(queries)


def test_member_home_queries_do_not_grow_with_history(client, member, django_assert_max_num_queries):
    rqim_requirement()
    add_history(member, size=1)
    _login(client, member)
    client.get(HOME)  # warm the site and menu caches
    small = count_queries(client)
    add_history(member, size=12)
    client.get(HOME)  # publishing the new events renewed the shared caches: warm them again
    large = count_queries(client)
    assert large == small
    assert small <= QUERY_BUDGET


# What the page costs: the session and user, the shared parts, and each panel's fixed reads.
QUERY_BUDGET = 30


def test_member_home_forecasts_the_pe_cycle_from_the_pace_so_far(client, member):
    rqim_requirement()
    today = timezone.localdate()
    PEEntry.objects.create(member=member, category=category("sessions"), title="Eén sessie", date=today,
                           hours=Decimal("1"), status=PEEntry.Status.APPROVED)
    content = _login(client, member).get(HOME).content.decode()
    # One small entry this early in a three-year cycle: the pace falls short, and the page says so.
    assert "niet genoeg" in content
    assert "punten per maand" in content
    # Each bar carries the points expected at the cycle's end.
    assert content.count("verwachting ") == 3
