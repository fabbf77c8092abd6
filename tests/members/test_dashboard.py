"""'Mijn lidmaatschap': status, paid-until date, what to do next, payments and history."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Membership
from members.services.membership import membership_mark_in_arrears, membership_resign
from tests.members.factories import MembershipFactory, PaymentFactory, history, history_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


def page(client, language="nl"):
    with translation.override(language):
        url = reverse("members:dashboard")
    return client.get(url).content.decode()


def test_dashboard_asks_anonymous_visitors_to_log_in(client, db):
    response = client.get(reverse("members:dashboard"))
    assert response["Location"].startswith(reverse("account_login"))


def test_someone_without_membership_is_invited_to_join(member_client):
    assert reverse("members:join") in page(member_client)


def test_an_applicant_is_asked_to_pay(member_client, user):
    MembershipFactory(user=user)
    content = page(member_client, "en")
    assert "not paid yet" in content
    assert reverse("members:pay") in content


def test_an_active_member_sees_the_paid_until_date_in_dutch(member_client, user):
    MembershipFactory(user=user, active=True, paid_until=date(2027, 3, 31))
    content = page(member_client)
    assert "31 maart 2027" in content
    assert reverse("members:resign") in content


def test_a_clearing_payment_shows_as_active_and_processing_never_as_expired(member_client, user):
    MembershipFactory(user=user, active=True, payment_pending=True)
    content = page(member_client, "en")
    assert "Active, payment processing" in content
    assert "Lapsed" not in content and "expired" not in content.lower()


def test_a_member_in_arrears_is_told_to_pay_before_the_grace_period_ends(member_client, user):
    membership = MembershipFactory(user=user, in_arrears=True, grace_until=date(2030, 5, 15))
    content = page(member_client, "en")
    assert "Pay before 15 May 2030" in content
    assert reverse("members:pay") in content
    assert membership.get_status_display() in content


@pytest.mark.parametrize("status", ["lapsed", "resigned", "ended"])
def test_a_former_member_is_invited_to_rejoin(member_client, user, status):
    MembershipFactory(user=user, **{status: True})
    assert reverse("members:join") in page(member_client)


def test_a_pending_resignation_shows_the_end_date(member_client, user):
    membership = MembershipFactory(user=user, active=True, paid_until=date(2031, 1, 31))
    membership_resign(membership=membership, actor=user)
    content = page(member_client, "en")
    assert "ends on 31 January 2031" in content
    assert f'href="{reverse("members:resign")}"' not in content


def test_a_member_withdraws_a_pending_resignation_from_the_dashboard(member_client, user):
    membership = MembershipFactory(user=user, active=True, paid_until=date(2031, 1, 31))
    membership_resign(membership=membership, actor=user)
    assert reverse("members:resign_withdraw") in page(member_client)

    response = member_client.post(reverse("members:resign_withdraw"))

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.resignation_requested_at is None
    assert f'href="{reverse("members:resign")}"' in page(member_client)


def test_withdrawing_needs_a_post(member_client, user):
    membership = MembershipFactory(user=user, active=True)
    membership_resign(membership=membership, actor=user)
    assert member_client.get(reverse("members:resign_withdraw")).status_code == 405
    membership.refresh_from_db()
    assert membership.resignation_requested_at is not None


def test_payments_list_links_receipts_of_hand_recorded_payments_only(member_client, user):
    membership = MembershipFactory(user=user, active=True)
    manual = PaymentFactory(membership=membership)
    online = PaymentFactory(membership=membership, stripe=True)
    content = page(member_client)
    assert reverse("members:receipt", args=[manual.pk]) in content
    assert reverse("members:receipt", args=[online.pk]) not in content


def test_history_shows_who_changed_what_and_why(member_client, user):
    membership = MembershipFactory(user=user, active=True)
    membership_mark_in_arrears(membership=membership, reason="Card declined")
    content = page(member_client, "en")
    assert "Payment overdue; grace period started: Card declined" in content


def _fill(membership, count):
    for index in range(count):
        start = timezone.localdate() - timedelta(days=365 * (index + 1))
        PaymentFactory(membership=membership, period_start=start)
        history_entry(membership, "members.membership.renewed", actor=membership.user)


@pytest.mark.parametrize("count", [1, 40])
def test_dashboard_queries_do_not_grow_with_payments_and_history(member_client, user, django_assert_max_num_queries, count):
    membership = MembershipFactory(user=user, active=True)
    _fill(membership, count)
    page(member_client)  # warm the site and settings caches
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = member_client.get(reverse("members:dashboard"))
    assert response.status_code == 200
    assert len(response.context["payments"]) == count


# Session, user, membership, payments, history, plus the site's layout (settings, menus).
QUERY_BUDGET = 12


# --- resigning online -------------------------------------------------------------------


def test_the_resign_page_explains_the_membership_runs_until_the_paid_date(member_client, user):
    MembershipFactory(user=user, active=True, paid_until=date(2031, 1, 31))
    with translation.override("en"):
        url = reverse("members:resign")
    content = member_client.get(url).content.decode()
    assert "31 January 2031" in content
    assert 'method="post"' in content


def test_resigning_online_keeps_the_membership_until_the_paid_date(member_client, user, settings):
    settings.STRIPE_ENABLED = False
    membership = MembershipFactory(user=user, active=True)
    response = member_client.post(reverse("members:resign"), {"reason": "Retiring"})
    assert response["Location"] == reverse("members:dashboard")
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and membership.resignation_pending
    change = history(membership).get(action="members.membership.resignation_requested")
    assert (change.user, change.data["source"], change.data.get("reason", "")) == (user, "member", "Retiring")


def test_resigning_twice_online_records_once(member_client, user):
    membership = MembershipFactory(user=user, active=True)
    member_client.post(reverse("members:resign"), {})
    member_client.post(reverse("members:resign"), {})
    assert history(membership).filter(action="members.membership.resignation_requested").count() == 1


def test_an_applicant_has_nothing_to_resign(member_client, user):
    membership = MembershipFactory(user=user)
    response = member_client.post(reverse("members:resign"), {})
    assert response["Location"] == reverse("members:dashboard")
    assert Membership.objects.get(pk=membership.pk).resignation_requested_at is None


def test_resigning_asks_anonymous_visitors_to_log_in(client, db):
    response = client.post(reverse("members:resign"))
    assert response["Location"].startswith(reverse("account_login"))


def test_a_stripe_member_can_open_the_billing_portal(member_client, user, settings):
    settings.STRIPE_ENABLED = True
    MembershipFactory(user=user, active=True, stripe=True)
    content = page(member_client)
    assert f'action="{reverse("members:billing_portal")}"' in content
    assert "Visa •••• 4242" in content


def test_a_hand_paid_member_gets_no_billing_portal_button(member_client, user, settings):
    settings.STRIPE_ENABLED = True
    MembershipFactory(user=user, active=True)
    assert reverse("members:billing_portal") not in page(member_client)


def test_dashboard_costs_the_same_with_10_members_as_with_1000(member_client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.members.test_admin_queries import add_members

    membership = MembershipFactory(user=user, active=True)
    _fill(membership, 3)
    plans = [membership.plan]

    def measured() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(reverse("members:dashboard")).status_code == 200
        return len(queries)

    add_members(10, plans)
    member_client.get(reverse("members:dashboard"))  # warm the site and settings caches
    with_10 = measured()
    add_members(990, plans, start=10)
    with_1000 = measured()
    assert with_10 == with_1000 <= QUERY_BUDGET
