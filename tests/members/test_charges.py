"""One-off payments: opening, paying by Checkout or recorded transfer, expiry, cancelling,
refunds, and Stripe's events for them through the stored-once webhook pipeline."""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from members import signals
from members.models import Charge, StripeEvent
from members.services import charges as services
from portal.audit import entries_for
from portal.exceptions import DomainError
from tests.factories import UserFactory
from tests.members import stripe_payloads as p
from tests.members.stripe_standin import stripe_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
Status = Charge.Status


@pytest.fixture
def heard():
    """What the owner of purpose "test.purpose" hears, as (signal name, charge status, extra)."""
    calls = []

    def listener(name):
        def receive(sender, charge, purpose, **kwargs):
            if purpose == "test.purpose":
                calls.append((name, charge.status, kwargs.get("amount")))

        return receive

    receivers = {name: listener(name) for name in ("paid", "expired", "cancelled", "refunded")}
    for name, receiver in receivers.items():
        getattr(signals, f"charge_{name}").connect(receiver)
    yield calls
    for name, receiver in receivers.items():
        getattr(signals, f"charge_{name}").disconnect(receiver)


@pytest.fixture
def webhook_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = p.WEBHOOK_SECRET
    return settings


def open_charge(amount="60.50", *, minutes=30, **kwargs):
    return services.charge_open(
        purpose="test.purpose", object_id=kwargs.pop("object_id", 7), user=kwargs.pop("user", None) or UserFactory(),
        amount=Decimal(amount), description="Congres 2027",
        expires_at=timezone.now() + timedelta(minutes=minutes) if minutes else None, **kwargs,
    )


def actions(charge):
    return [entry.action for entry in entries_for(charge)][::-1]


def now_ts():
    return int(time.time())


def test_open_charge_holds_amount_with_vat_and_a_reference():
    charge = open_charge("121.00")

    assert charge.status == Status.OPEN
    assert charge.vat_amount == Decimal("21.00")
    assert charge.reference.startswith("PAY-") and len(charge.reference) == 12
    assert actions(charge) == ["members.charge.opened"]


def test_nothing_to_pay_is_refused():
    with pytest.raises(DomainError):
        open_charge("0")
    assert not Charge.objects.exists()


def test_recorded_transfer_pays_and_tells_the_owner_once(heard):
    charge = open_charge()
    staff = UserFactory()

    services.charge_transfer_record(charge=charge, actor=staff, paid_on=timezone.localdate(), note="NL12 ABC")
    with pytest.raises(DomainError):
        services.charge_transfer_record(charge=charge, actor=staff, paid_on=timezone.localdate())

    charge.refresh_from_db()
    assert charge.status == Status.PAID and charge.method == Charge.Method.BANK_TRANSFER
    assert charge.recorded_by == staff
    assert heard == [("paid", Status.PAID, None)]
    assert actions(charge) == ["members.charge.opened", "members.charge.paid"]


def test_transfer_in_the_future_is_refused():
    charge = open_charge()
    with pytest.raises(DomainError):
        services.charge_transfer_record(charge=charge, actor=UserFactory(), paid_on=timezone.localdate() + timedelta(days=1))
    charge.refresh_from_db()
    assert charge.status == Status.OPEN


def test_checkout_asks_stripe_for_a_payment_with_card_and_ideal(stripe_api):
    charge = open_charge("60.50")

    url = services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")

    call = stripe_api.last("POST", "/v1/checkout/sessions")
    assert url.startswith("https://checkout.stripe.test/")
    assert call.params["mode"] == "payment"
    assert call.list_param("payment_method_types") == ["card", "ideal"]
    assert call.params["line_items[0][price_data][unit_amount]"] == "6050"
    assert call.params["line_items[0][price_data][currency]"] == "eur"
    assert call.params["metadata[charge]"] == str(charge.pk)
    assert call.params["payment_intent_data[metadata][charge]"] == str(charge.pk)
    # Stripe's minimum session life is 30 minutes; the seat's time stretches to the session's end.
    assert int(call.params["expires_at"]) >= now_ts() + 30 * 60
    charge.refresh_from_db()
    assert charge.stripe_session_id and charge.expires_at >= charge.stripe_session_expires_at


def test_second_click_reuses_the_open_session(stripe_api):
    charge = open_charge()
    first = services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")
    second = services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")

    assert first == second
    assert len(stripe_api.requests_to("POST", "/v1/checkout/sessions")) == 1


def test_checkout_without_stripe_says_to_transfer(settings):
    settings.STRIPE_ENABLED = False
    with pytest.raises(DomainError, match="bankoverschrijving"):
        services.charge_checkout_start(charge=open_charge(), success_url="https://x/ok", cancel_url="https://x/back")


def test_paid_charge_cannot_be_checked_out_again(stripe_api):
    charge = open_charge()
    services.charge_transfer_record(charge=charge, actor=UserFactory(), paid_on=timezone.localdate())
    with pytest.raises(DomainError):
        services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")
    assert not stripe_api.requests_to("POST", "/v1/checkout/sessions")


def test_completed_checkout_webhook_pays_once_however_often_delivered(client, webhook_settings, heard):
    charge = open_charge("60.50")
    session = p.payment_session("cs_pay_1", charge_pk=charge.pk, amount=6050)
    completed = p.event("checkout.session.completed", session, created=now_ts())

    first = p.post(client, completed)
    again = p.post(client, completed)
    succeeded = p.post(client, p.event("checkout.session.async_payment_succeeded", session, created=now_ts()))

    assert (first.status_code, first.content) == (200, b"applied")
    assert again.content == b"duplicate"
    assert succeeded.content == b"recorded: already paid"
    charge.refresh_from_db()
    assert charge.status == Status.PAID and charge.method == Charge.Method.STRIPE
    assert charge.stripe_payment_intent_id == "pi_test_1"
    assert heard == [("paid", Status.PAID, None)]
    assert StripeEvent.objects.count() == 2


def test_unpaid_completion_waits_for_the_async_result(client, webhook_settings, heard):
    charge = open_charge()
    session = p.payment_session("cs_pay_2", charge_pk=charge.pk, amount=6050, payment_status="unpaid")

    p.post(client, p.event("checkout.session.completed", session, created=now_ts()))
    charge.refresh_from_db()
    assert charge.status == Status.OPEN

    p.post(client, p.event("checkout.session.async_payment_failed", session, created=now_ts()))
    charge.refresh_from_db()
    assert charge.status == Status.OPEN
    assert "members.charge.payment_failed" in actions(charge)
    assert heard == []


def test_expired_session_of_a_held_charge_expires_it(client, webhook_settings, heard, stripe_api):
    charge = open_charge(minutes=30)
    services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")
    charge.refresh_from_db()

    session = p.payment_session(charge.stripe_session_id, charge_pk=charge.pk, amount=6050, status="expired",
                                payment_status="unpaid", payment_intent=None)
    p.post(client, p.event("checkout.session.expired", session, created=int(charge.expires_at.timestamp())))

    charge.refresh_from_db()
    assert charge.status == Status.EXPIRED
    assert heard == [("expired", Status.EXPIRED, None)]


def test_expired_session_of_a_charge_without_time_limit_leaves_it_open(client, webhook_settings, heard, stripe_api):
    charge = open_charge(minutes=0)
    services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")
    charge.refresh_from_db()
    session = p.payment_session(charge.stripe_session_id, charge_pk=charge.pk, amount=6050, status="expired",
                                payment_status="unpaid", payment_intent=None)

    p.post(client, p.event("checkout.session.expired", session, created=now_ts()))

    charge.refresh_from_db()
    assert charge.status == Status.OPEN and charge.stripe_session_url == ""
    assert heard == []


def test_payment_after_expiry_is_still_recorded_for_the_owner_to_settle(client, webhook_settings, heard):
    charge = open_charge(minutes=1)
    services.charges_expire_due(now=timezone.now() + timedelta(minutes=2))
    session = p.payment_session("cs_late", charge_pk=charge.pk, amount=6050)

    p.post(client, p.event("checkout.session.completed", session, created=now_ts()))

    charge.refresh_from_db()
    assert charge.status == Status.PAID
    assert heard == [("expired", Status.EXPIRED, None), ("paid", Status.PAID, None)]


def test_expiry_waits_when_the_payer_completed_checkout(stripe_api, heard):
    charge = open_charge(minutes=30)
    services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")
    charge.refresh_from_db()
    stripe_api.sessions[charge.stripe_session_id]["status"] = "complete"

    services.charge_expire(charge=charge, now=charge.expires_at + timedelta(seconds=1))

    charge.refresh_from_db()
    assert charge.status == Status.OPEN
    assert heard == []


def test_expiry_closes_the_open_session_at_stripe(stripe_api, heard):
    charge = open_charge(minutes=30)
    services.charge_checkout_start(charge=charge, success_url="https://x/ok", cancel_url="https://x/back")
    charge.refresh_from_db()

    assert services.charges_expire_due(now=charge.expires_at + timedelta(seconds=1)) == 1
    assert services.charges_expire_due(now=charge.expires_at + timedelta(seconds=1)) == 0

    assert stripe_api.sessions[charge.stripe_session_id]["status"] == "expired"
    assert heard == [("expired", Status.EXPIRED, None)]


def test_cancel_closes_an_open_charge_once(heard):
    charge = open_charge()
    services.charge_cancel(charge=charge, reason="changed plans")
    services.charge_cancel(charge=charge)

    charge.refresh_from_db()
    assert charge.status == Status.CANCELLED
    assert heard == [("cancelled", Status.CANCELLED, None)]


def _paid_online(client, charge, intent="pi_test_1"):
    session = p.payment_session(f"cs_{charge.pk}", charge_pk=charge.pk, amount=int(charge.amount * 100), payment_intent=intent)
    p.post(client, p.event("checkout.session.completed", session, created=now_ts()))
    charge.refresh_from_db()
    return charge


def test_refund_of_an_online_payment_goes_to_stripe_and_the_webhook_confirms(client, webhook_settings, stripe_api, heard):
    charge = _paid_online(client, open_charge("60.50"))

    services.charge_refund(charge=charge, reason="cancelled in time")

    call = stripe_api.last("POST", "/v1/refunds")
    assert call.params["payment_intent"] == "pi_test_1"
    assert call.params["amount"] == "6050"
    charge.refresh_from_db()
    assert charge.status == Status.PAID and charge.refund_requested_amount == Decimal("60.50")
    with pytest.raises(DomainError):
        services.charge_refund(charge=charge)  # nothing left to refund

    refunded = p.refunded_charge(payment_intent="pi_test_1", amount=6050, amount_refunded=6050)
    p.post(client, p.event("charge.refunded", refunded, created=now_ts()))
    p.post(client, p.event("charge.refunded", refunded, created=now_ts()))

    charge.refresh_from_db()
    assert charge.status == Status.REFUNDED
    assert (charge.refunded_amount, charge.refund_requested_amount) == (Decimal("60.50"), Decimal("0"))
    assert heard == [("paid", Status.PAID, None), ("refunded", Status.REFUNDED, Decimal("60.50"))]


def test_partial_refunds_add_up_in_any_order(client, webhook_settings, heard):
    charge = _paid_online(client, open_charge("100.00"))
    later = p.refunded_charge(payment_intent="pi_test_1", amount=10000, amount_refunded=10000)
    earlier = p.refunded_charge(payment_intent="pi_test_1", amount=10000, amount_refunded=4000)

    p.post(client, p.event("charge.refunded", later, created=now_ts()))
    p.post(client, p.event("charge.refunded", earlier, created=now_ts()))

    charge.refresh_from_db()
    assert charge.status == Status.REFUNDED and charge.refunded_amount == Decimal("100.00")


def test_refund_delivered_before_the_payment_records_both(client, webhook_settings, heard):
    charge = open_charge("50.00")
    refunded = p.refunded_charge(payment_intent="pi_x", amount=5000, amount_refunded=2000, charge_pk=charge.pk)

    p.post(client, p.event("charge.refunded", refunded, created=now_ts()))
    _paid_online(client, charge, intent="pi_x")

    charge.refresh_from_db()
    assert charge.status == Status.PARTLY_REFUNDED and charge.refunded_amount == Decimal("20.00")
    assert heard == [("paid", Status.PAID, None), ("refunded", Status.PARTLY_REFUNDED, Decimal("20.00"))]


def test_failed_stripe_refund_frees_the_amount_again(client, webhook_settings, stripe_api):
    charge = _paid_online(client, open_charge("60.50"))
    stripe_api.fail_with = 500

    with pytest.raises(DomainError):
        services.charge_refund(charge=charge)

    charge.refresh_from_db()
    assert charge.refund_requested_amount == 0 and charge.refundable_amount == Decimal("60.50")
    assert "members.charge.refund_failed" in actions(charge)


def test_transfer_refund_is_due_then_recorded_by_staff(heard):
    charge = open_charge("80.00")
    staff = UserFactory()
    services.charge_transfer_record(charge=charge, actor=staff, paid_on=timezone.localdate())

    services.charge_refund(charge=charge, amount=Decimal("30.00"))
    charge.refresh_from_db()
    assert charge.refund_requested_amount == Decimal("30.00")
    services.charge_refund_record(charge=charge, actor=staff, amount=Decimal("30.00"), refunded_on=timezone.localdate())
    with pytest.raises(DomainError):
        services.charge_refund_record(charge=charge, actor=staff, amount=Decimal("60.00"), refunded_on=timezone.localdate())

    charge.refresh_from_db()
    assert charge.status == Status.PARTLY_REFUNDED
    assert (charge.refunded_amount, charge.refund_requested_amount) == (Decimal("30.00"), Decimal("0"))
    assert heard[-1] == ("refunded", Status.PARTLY_REFUNDED, Decimal("30.00"))


def test_event_for_an_unknown_charge_is_stored_and_changes_nothing(client, webhook_settings):
    session = p.payment_session("cs_nobody", charge_pk=987654, amount=1000)
    response = p.post(client, p.event("checkout.session.completed", session, created=now_ts()))
    assert response.content == b"unknown charge"
    assert StripeEvent.objects.get().result == "unknown charge"


def test_malformed_charge_metadata_is_refused_and_not_stored(client, webhook_settings):
    session = p.payment_session("cs_bad", charge_pk=1, amount=1000)
    session["metadata"] = "not an object"
    response = p.post(client, p.event("checkout.session.completed", session, created=now_ts()))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
