"""Paying online: Checkout, the Billing portal and cancelling at Stripe, against the local stand-in."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from members.models import Membership
from members.services.membership import membership_resign
from tests.members.factories import history, MembershipFactory, MembershipPlanFactory
from tests.members.stripe_standin import stripe_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

CHECKOUT = reverse("members:checkout_start")
PORTAL = reverse("members:billing_portal")


@pytest.fixture
def applicant():
    return MembershipFactory(plan=MembershipPlanFactory(code="regular", stripe_price_id="price_regular"))


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant.user)
    return client


def message_levels(response):
    return [m.level_tag for m in get_messages(response.wsgi_request)]


def test_checkout_sends_member_to_stripe_checkout(stripe_api, applicant_client):
    response = applicant_client.post(CHECKOUT)

    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.test/c/pay/cs_test_")


def test_checkout_asks_for_a_subscription_with_card_ideal_and_sepa(stripe_api, applicant_client, applicant):
    applicant_client.post(CHECKOUT)

    call = stripe_api.last("POST", "/v1/checkout/sessions")
    assert call.params["mode"] == "subscription"
    assert call.list_param("payment_method_types") == ["card", "ideal", "sepa_debit"]
    assert call.params["line_items[0][price]"] == "price_regular"
    assert call.params["line_items[0][quantity]"] == "1"
    assert call.params["client_reference_id"] == str(applicant.pk)
    assert call.params["success_url"].startswith("http://testserver" + reverse("members:checkout_return"))
    assert "{CHECKOUT_SESSION_ID}" in call.params["success_url"]
    assert call.params["cancel_url"].startswith("http://testserver/")


def test_checkout_creates_a_stripe_customer_and_stores_it(stripe_api, applicant_client, applicant):
    applicant_client.post(CHECKOUT)

    applicant.refresh_from_db()
    customer = stripe_api.last("POST", "/v1/customers")
    assert customer.params["email"] == applicant.user.email
    assert applicant.stripe_customer_id.startswith("cus_standin")
    assert stripe_api.last("POST", "/v1/checkout/sessions").params["customer"] == applicant.stripe_customer_id


def test_checkout_again_reuses_the_stripe_customer(stripe_api, applicant_client):
    applicant_client.post(CHECKOUT)
    applicant_client.post(CHECKOUT)

    assert len(stripe_api.requests_to("POST", "/v1/customers")) == 1
    assert len(stripe_api.requests_to("POST", "/v1/checkout/sessions")) == 2


def test_customer_creation_carries_an_idempotency_key(stripe_api, applicant_client, applicant):
    applicant_client.post(CHECKOUT)

    assert stripe_api.last("POST", "/v1/customers").headers["Idempotency-Key"] == f"membership-{applicant.pk}-customer"


def test_checkout_without_stripe_keys_says_online_payment_is_not_configured(settings, applicant_client, applicant):
    settings.STRIPE_SECRET_KEY = None
    settings.STRIPE_ENABLED = False

    response = applicant_client.post(CHECKOUT)

    assert response.status_code == 302
    assert message_levels(response) == ["warning"]
    applicant.refresh_from_db()
    assert applicant.stripe_customer_id == ""


def test_checkout_when_stripe_fails_shows_a_message_and_changes_nothing(stripe_api, applicant_client, applicant):
    stripe_api.fail_with = 500

    response = applicant_client.post(CHECKOUT)

    assert response.status_code == 302
    assert not response["Location"].startswith("https://")
    assert message_levels(response) == ["error"]
    applicant.refresh_from_db()
    assert applicant.stripe_customer_id == ""


def test_checkout_for_a_plan_without_stripe_price_shows_a_message(stripe_api, client):
    membership = MembershipFactory(plan=MembershipPlanFactory(code="no-price", stripe_price_id=""))
    client.force_login(membership.user)

    response = client.post(CHECKOUT)

    assert message_levels(response) == ["error"]
    assert not stripe_api.requests_to("POST", "/v1/checkout/sessions")


def test_checkout_is_refused_for_an_active_member(stripe_api, client):
    member = MembershipFactory(active=True)
    client.force_login(member.user)

    response = client.post(CHECKOUT)

    assert response.status_code == 302
    assert message_levels(response) == ["error"]
    assert stripe_api.calls == []


def test_checkout_needs_a_login(stripe_api, client):
    response = client.post(CHECKOUT)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert stripe_api.calls == []


def test_checkout_refuses_get(stripe_api, applicant_client):
    assert applicant_client.get(CHECKOUT).status_code == 405


def test_member_in_arrears_with_a_running_subscription_is_sent_to_the_billing_portal(stripe_api, client):
    member = MembershipFactory(in_arrears=True, stripe=True, stripe_subscription_status="past_due")
    client.force_login(member.user)

    response = client.post(CHECKOUT)

    assert response["Location"].startswith("https://billing.stripe.test/")
    assert not stripe_api.requests_to("POST", "/v1/checkout/sessions")


def test_lapsed_member_is_sent_to_rejoin_before_checkout(stripe_api, client):
    member = MembershipFactory(
        lapsed=True, stripe=True, stripe_subscription_status="canceled",
        plan=MembershipPlanFactory(code="regular", stripe_price_id="price_regular"),
    )
    client.force_login(member.user)

    client.post(CHECKOUT)

    assert not stripe_api.requests_to("POST", "/v1/checkout/sessions")


def test_rejoining_member_whose_subscription_ended_pays_again_through_checkout(stripe_api, client):
    # A lapsed member who applied again: an applicant with the old, ended subscription.
    member = MembershipFactory(
        stripe=True, stripe_subscription_status="canceled",
        plan=MembershipPlanFactory(code="regular", stripe_price_id="price_regular"),
    )
    client.force_login(member.user)

    response = client.post(CHECKOUT)

    assert response["Location"].startswith("https://checkout.stripe.test/")
    assert stripe_api.last("POST", "/v1/checkout/sessions").params["customer"] == member.stripe_customer_id
    assert not stripe_api.requests_to("POST", "/v1/customers")


def test_checkout_return_page_says_the_payment_is_being_processed(client, applicant):
    client.force_login(applicant.user)

    with translation.override("en"):
        url = reverse("members:checkout_return")
    response = client.get(url, {"session_id": "cs_test_1"})

    assert response.status_code == 200
    assert b"processing your payment" in response.content


# --- The Billing portal ---------------------------------------------------------------------


def test_billing_portal_sends_member_to_stripe(stripe_api, client):
    member = MembershipFactory(active=True, stripe=True)
    client.force_login(member.user)

    response = client.post(PORTAL)

    assert response["Location"].startswith("https://billing.stripe.test/p/session/")
    call = stripe_api.last("POST", "/v1/billing_portal/sessions")
    assert call.params["customer"] == member.stripe_customer_id
    assert call.params["return_url"].startswith("http://testserver/")


def test_billing_portal_without_a_stripe_customer_shows_a_message(stripe_api, client):
    member = MembershipFactory(active=True)
    client.force_login(member.user)

    response = client.post(PORTAL)

    assert message_levels(response) == ["error"]
    assert stripe_api.calls == []


def test_billing_portal_without_stripe_keys_says_so(settings, client):
    settings.STRIPE_SECRET_KEY = None
    settings.STRIPE_ENABLED = False
    member = MembershipFactory(active=True, stripe=True)
    client.force_login(member.user)

    response = client.post(PORTAL)

    assert response.status_code == 302
    assert message_levels(response) == ["warning"]


# --- Resigning ------------------------------------------------------------------------------------


def test_resigning_cancels_the_subscription_at_period_end_at_stripe(stripe_api):
    member = MembershipFactory(active=True, stripe=True)
    stripe_api.subscriptions[member.stripe_subscription_id] = {
        "id": member.stripe_subscription_id, "object": "subscription", "status": "active",
    }

    membership_resign(membership=member, actor=member.user)

    call = stripe_api.last("POST", f"/v1/subscriptions/{member.stripe_subscription_id}")
    assert call.params == {"cancel_at_period_end": "true"}
    member.refresh_from_db()
    assert member.resignation_requested_at is not None
    assert member.status == Membership.Status.ACTIVE


def test_resigning_when_stripe_fails_stores_no_resignation(stripe_api):
    from portal.exceptions import DomainError

    member = MembershipFactory(active=True, stripe=True)
    stripe_api.fail_with = 500

    with pytest.raises(DomainError):
        membership_resign(membership=member, actor=member.user)

    member.refresh_from_db()
    assert member.resignation_requested_at is None



def test_withdrawing_a_resignation_lets_the_subscription_renew_at_stripe(stripe_api):
    from members.services.membership import membership_resignation_withdraw

    member = MembershipFactory(active=True, stripe=True)
    stripe_api.subscriptions[member.stripe_subscription_id] = {
        "id": member.stripe_subscription_id, "object": "subscription", "status": "active",
    }
    membership_resign(membership=member, actor=member.user)

    membership_resignation_withdraw(membership=member, actor=member.user)

    call = stripe_api.last("POST", f"/v1/subscriptions/{member.stripe_subscription_id}")
    assert call.params == {"cancel_at_period_end": "false"}
    member.refresh_from_db()
    assert member.resignation_requested_at is None
    assert history(member).filter(action="members.membership.resignation_withdrawn", data__source="member").count() == 1


def test_a_late_cancelling_snapshot_does_not_bring_a_withdrawn_resignation_back(stripe_api, client):
    from datetime import timedelta

    from django.utils import timezone

    from members.services.membership import membership_resignation_withdraw
    from tests.members import stripe_payloads as p

    member = MembershipFactory(active=True, stripe=True)
    stripe_api.subscriptions[member.stripe_subscription_id] = {
        "id": member.stripe_subscription_id, "object": "subscription", "status": "active",
    }
    membership_resign(membership=member, actor=member.user)
    membership_resignation_withdraw(membership=member, actor=member.user)
    # Stripe's event for the cancellation, created before the withdrawal, arrives only now.
    today = timezone.localdate()
    snapshot = p.subscription(
        member.stripe_subscription_id, customer=member.stripe_customer_id, start=p.ts(today - timedelta(days=30)),
        end=p.ts(today + timedelta(days=335)), cancel_at_period_end=True,
    )
    created = int((timezone.now() - timedelta(minutes=5)).timestamp())
    response = p.post(client, p.event("customer.subscription.updated", snapshot, created=created))

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.resignation_requested_at is None


def test_withdrawing_when_stripe_fails_keeps_the_resignation(stripe_api):
    from members.services.membership import membership_resignation_withdraw
    from portal.exceptions import DomainError

    member = MembershipFactory(active=True, stripe=True)
    stripe_api.subscriptions[member.stripe_subscription_id] = {
        "id": member.stripe_subscription_id, "object": "subscription", "status": "active",
    }
    membership_resign(membership=member, actor=member.user)
    stripe_api.fail_with = 500

    with pytest.raises(DomainError):
        membership_resignation_withdraw(membership=member, actor=member.user)

    member.refresh_from_db()
    assert member.resignation_requested_at is not None
