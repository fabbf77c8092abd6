"""Stripe webhooks: signed payloads through /stripe/webhook/, in order, out of order, twice."""

import json
import random
import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from members.models import Membership, Payment, StripeEvent
from members.services.membership import GRACE_DAYS
from tests.members import stripe_payloads as p
from tests.members.factories import MembershipFactory, PaymentFactory, history
from tests.members.stripe_standin import stripe_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

Status = Membership.Status
TODAY = timezone.localdate()
START = TODAY - timedelta(days=10)
END = date(START.year + 1, START.month, min(START.day, 28))


@pytest.fixture
def webhook_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = p.WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = None
    settings.STRIPE_ENABLED = False
    return settings


@pytest.fixture
def applicant(db):
    return MembershipFactory(stripe_customer_id="cus_anna")


def paid_event(membership, invoice_id="in_1", *, start=START, end=END, created=None, paid=True, sub="sub_anna"):
    obj = p.invoice(invoice_id, customer=membership.stripe_customer_id, subscription_id=sub,
                    start=p.ts(start), end=p.ts(end), paid=paid)
    kind = "invoice.paid" if paid else "invoice.payment_failed"
    return p.event(kind, obj, created=created or p.ts(start))


def sub_event(membership, kind="customer.subscription.updated", *, created, start=START, end=END, sub="sub_anna",
              **fields):
    obj = p.subscription(sub, customer=membership.stripe_customer_id, start=p.ts(start), end=p.ts(end), **fields)
    return p.event(kind, obj, created=created)


def reload(membership):
    membership.refresh_from_db()
    return membership


# --- Signature and shape -------------------------------------------------------------


def test_bad_signature_answers_400_and_stores_nothing(client, webhook_settings, applicant):
    response = p.post(client, paid_event(applicant), secret="whsec_someone_else")

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert reload(applicant).status == Status.APPLICANT


def test_stale_timestamp_answers_400_and_stores_nothing(client, webhook_settings, applicant):
    response = p.post(client, paid_event(applicant), timestamp=int(time.time()) - 10 * 60)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert not Payment.objects.exists()


def test_missing_signature_header_answers_400(client, webhook_settings, applicant):
    response = p.post(client, paid_event(applicant), header="")

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_webhook_without_configured_secret_answers_400(client, settings, applicant):
    settings.STRIPE_WEBHOOK_SECRET = None

    response = p.post(client, paid_event(applicant))

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_signed_body_that_is_not_an_event_answers_400(client, webhook_settings):
    body = json.dumps({"hello": "world"})
    response = client.post(p.WEBHOOK_URL, data=body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=p.signature_header(body))

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_webhook_refuses_get(client, webhook_settings):
    assert client.get(p.WEBHOOK_URL).status_code == 405


def test_webhook_lives_outside_the_language_prefix(client, webhook_settings, applicant):
    response = p.post(client, paid_event(applicant))

    assert response.status_code == 200
    assert response.wsgi_request.path == "/stripe/webhook/"


def test_unknown_event_type_answers_200_and_changes_nothing(client, webhook_settings, applicant):
    obj = {"id": "cus_anna", "object": "customer", "customer": "cus_anna"}
    response = p.post(client, p.event("customer.updated", obj, created=p.ts(TODAY)))

    assert response.status_code == 200
    assert StripeEvent.objects.get().result.startswith("ignored")
    assert reload(applicant).status == Status.APPLICANT
    assert not history(applicant).exists()


def test_event_for_unknown_customer_is_stored_and_changes_nothing(client, webhook_settings, applicant):
    stranger = MembershipFactory.build(stripe_customer_id="cus_stranger")

    response = p.post(client, paid_event(stranger, "in_stranger"))

    assert response.status_code == 200
    assert StripeEvent.objects.get().result == "unknown customer"
    assert not Payment.objects.exists()
    assert reload(applicant).status == Status.APPLICANT


# --- Once only ------------------------------------------------------------------------


def test_event_delivered_twice_is_recorded_once(client, webhook_settings, applicant):
    payload = paid_event(applicant)

    first, second = p.post(client, payload), p.post(client, payload)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == b"duplicate"
    assert StripeEvent.objects.count() == 1
    assert Payment.objects.count() == 1
    assert history(applicant).filter(action="members.membership.activated").count() == 1


def test_two_events_for_the_same_invoice_make_one_payment(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant, created=p.ts(START, 12)))
    p.post(client, paid_event(applicant, created=p.ts(START, 13)))  # a new event id, same invoice

    assert StripeEvent.objects.count() == 2
    assert Payment.objects.count() == 1


# --- Paying ----------------------------------------------------------------------------


def test_invoice_paid_activates_applicant_until_period_end(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))

    applicant = reload(applicant)
    assert applicant.status == Status.ACTIVE
    assert applicant.paid_until == END
    assert applicant.stripe_subscription_id == "sub_anna"
    payment = Payment.objects.get()
    assert (payment.method, payment.status, payment.stripe_invoice_id) == ("stripe", "paid", "in_1")
    assert str(payment.amount) == "302.50"


def test_each_online_payment_fact_is_in_the_audit_log_once(client, webhook_settings, applicant):
    from django.utils import translation

    from portal.audit import entry_message

    payload = paid_event(applicant)
    p.post(client, payload)
    p.post(client, payload)  # a second delivery adds nothing
    p.post(client, paid_event(applicant, created=p.ts(START, 13)))  # the same fact again: nothing new

    [entry] = history(applicant).filter(action="members.payment.online")
    payment = Payment.objects.get()
    assert entry.data["payment"] == payment.pk and entry.data["status"] == "paid"
    assert entry.data["source"] == "stripe" and entry.user is None
    with translation.override("en"):
        english = entry_message(entry)
    with translation.override("nl"):
        dutch = entry_message(entry)
    assert english == "Online payment: paid, €302.50"
    assert dutch == "Online betaling: betaald, € 302,50"


def test_paid_until_is_the_period_end_as_a_day_in_amsterdam(client, webhook_settings, applicant):
    # 00:30 on 1 March in Amsterdam is still 28 February in UTC.
    obj = p.invoice("in_1", customer="cus_anna", subscription_id="sub_anna",
                    start=p.ts(START), end=p.ts(date(2031, 3, 1), hour=0) + 30 * 60)
    p.post(client, p.event("invoice.paid", obj, created=p.ts(START)))

    assert reload(applicant).paid_until == date(2031, 3, 1)


def test_renewal_paid_extends_paid_until_and_records_renewal(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    next_end = END + timedelta(days=365)
    p.post(client, paid_event(applicant, "in_2", start=END, end=next_end))

    applicant = reload(applicant)
    assert applicant.paid_until == next_end
    assert history(applicant).filter(action="members.membership.renewed").exists()


def test_invoice_paid_before_checkout_completed_gives_the_in_order_state(client, stripe_api, applicant):
    stripe_api.subscriptions["sub_anna"] = p.subscription(
        "sub_anna", customer="cus_anna", start=p.ts(START), end=p.ts(END), latest_invoice="in_1",
        default_payment_method="pm_card_visa",
    )
    stripe_api.payment_methods["pm_card_visa"] = p.card()
    checkout = p.event("checkout.session.completed", p.checkout_session(
        "cs_1", customer="cus_anna", subscription_id="sub_anna", membership_pk=applicant.pk, invoice_id="in_1",
    ), created=p.ts(START))

    p.post(client, paid_event(applicant, created=p.ts(START, 13)))
    p.post(client, checkout)

    applicant = reload(applicant)
    assert (applicant.status, applicant.paid_until, applicant.payment_pending) == (Status.ACTIVE, END, False)
    assert applicant.payment_method_label == "Visa •••• 4242"
    assert Payment.objects.get().status == Payment.Status.PAID


# --- SEPA and iDEAL mandates still clearing --------------------------------------


@pytest.fixture
def sepa_checkout(stripe_api, applicant):
    stripe_api.subscriptions["sub_anna"] = p.subscription(
        "sub_anna", customer="cus_anna", start=p.ts(START), end=p.ts(END), latest_invoice="in_1",
        default_payment_method="pm_sepa",
    )
    stripe_api.payment_methods["pm_sepa"] = p.sepa_debit()
    return p.event("checkout.session.completed", p.checkout_session(
        "cs_1", customer="cus_anna", subscription_id="sub_anna", membership_pk=applicant.pk,
        payment_status="unpaid", invoice_id="in_1",
    ), created=p.ts(START))


def test_clearing_sepa_checkout_makes_member_active_with_payment_pending(client, sepa_checkout, applicant):
    p.post(client, sepa_checkout)

    applicant = reload(applicant)
    assert applicant.status == Status.ACTIVE
    assert applicant.payment_pending is True
    assert applicant.paid_until == END
    assert applicant.payment_method_label == "SEPA NL•• •••• 3000"


def test_checkout_reads_the_subscription_from_stripe(client, stripe_api, sepa_checkout):
    p.post(client, sepa_checkout)

    call = stripe_api.last("GET", "/v1/subscriptions/sub_anna")
    assert call.params == {"expand[0]": "default_payment_method"}


def test_cleared_sepa_payment_ends_payment_pending(client, sepa_checkout, applicant):
    p.post(client, sepa_checkout)
    p.post(client, paid_event(applicant, created=p.ts(START + timedelta(days=4))))

    applicant = reload(applicant)
    assert (applicant.status, applicant.payment_pending) == (Status.ACTIVE, False)
    assert Payment.objects.get().status == Payment.Status.PAID


def test_clearing_renewal_keeps_member_active_not_expired(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    renewal_end = END + timedelta(days=365)
    p.post(client, sub_event(applicant, created=p.ts(END), start=END, end=renewal_end, latest_invoice="in_2"))

    applicant = reload(applicant)
    assert (applicant.status, applicant.payment_pending) == (Status.ACTIVE, True)
    assert applicant.paid_until == renewal_end


def test_failed_sepa_debit_puts_member_in_arrears(client, sepa_checkout, applicant):
    p.post(client, sepa_checkout)
    p.post(client, paid_event(applicant, paid=False, created=p.ts(START + timedelta(days=5))))

    applicant = reload(applicant)
    assert (applicant.status, applicant.payment_pending) == (Status.IN_ARREARS, False)


# --- Failed payments ---------------------------------------------------------------


def test_failed_renewal_puts_member_in_arrears_with_grace_period(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    p.post(client, paid_event(applicant, "in_2", start=END, end=END + timedelta(days=365), paid=False))

    applicant = reload(applicant)
    assert applicant.status == Status.IN_ARREARS
    assert applicant.grace_until == END + timedelta(days=GRACE_DAYS)
    assert applicant.paid_until == END
    assert Payment.objects.get(stripe_invoice_id="in_2").status == Payment.Status.FAILED


def test_retried_payment_that_succeeds_makes_member_active_again(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    renewal = {"start": END, "end": END + timedelta(days=365)}
    p.post(client, paid_event(applicant, "in_2", paid=False, created=p.ts(END), **renewal))
    p.post(client, paid_event(applicant, "in_2", created=p.ts(END + timedelta(days=3)), **renewal))

    applicant = reload(applicant)
    assert (applicant.status, applicant.grace_until) == (Status.ACTIVE, None)
    assert applicant.paid_until == renewal["end"]


def test_failure_arriving_after_the_payment_that_fixed_it_changes_nothing(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    renewal = {"start": END, "end": END + timedelta(days=365)}
    p.post(client, paid_event(applicant, "in_2", created=p.ts(END + timedelta(days=3)), **renewal))
    p.post(client, paid_event(applicant, "in_2", paid=False, created=p.ts(END), **renewal))

    applicant = reload(applicant)
    assert applicant.status == Status.ACTIVE
    assert Payment.objects.get(stripe_invoice_id="in_2").status == Payment.Status.PAID


def test_failed_first_payment_leaves_an_applicant_an_applicant(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant, paid=False))

    assert reload(applicant).status == Status.APPLICANT


# --- Subscription updates, cancellation, ending ------------------------------------


def test_cancel_at_period_end_in_billing_portal_records_resignation(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    p.post(client, sub_event(applicant, created=p.ts(TODAY), cancel_at_period_end=True, canceled_at=p.ts(TODAY)))

    applicant = reload(applicant)
    assert applicant.status == Status.ACTIVE
    assert applicant.resignation_requested_at is not None
    assert history(applicant).filter(action="members.membership.resignation_requested", data__source="stripe"
    ).exists()


def test_older_subscription_update_is_ignored(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    newer = sub_event(applicant, created=p.ts(TODAY, 14), cancel_at_period_end=True, canceled_at=p.ts(TODAY, 14))
    older = sub_event(applicant, created=p.ts(TODAY, 10), status="past_due")

    p.post(client, newer)
    response = p.post(client, older)

    applicant = reload(applicant)
    assert response.content.startswith(b"ignored")
    assert applicant.stripe_subscription_status == "active"
    assert applicant.resignation_requested_at is not None
    assert applicant.stripe_synced_at.timestamp() == p.ts(TODAY, 14)


def test_withdrawn_cancellation_clears_resignation(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    p.post(client, sub_event(applicant, created=p.ts(TODAY, 10), cancel_at_period_end=True, canceled_at=p.ts(TODAY, 10)))
    p.post(client, sub_event(applicant, created=p.ts(TODAY, 11)))

    assert reload(applicant).resignation_requested_at is None


def test_subscription_deleted_after_resignation_marks_resigned(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    p.post(client, sub_event(applicant, created=p.ts(TODAY, 10), cancel_at_period_end=True, canceled_at=p.ts(TODAY, 10)))
    p.post(client, sub_event(applicant, "customer.subscription.deleted", created=p.ts(END), status="canceled",
                             cancel_at_period_end=True, canceled_at=p.ts(TODAY, 10),
                             cancellation_reason="cancellation_requested"))

    applicant = reload(applicant)
    assert applicant.status == Status.RESIGNED
    assert applicant.stripe_subscription_status == "canceled"


def test_subscription_deleted_without_resignation_marks_lapsed(client, webhook_settings, applicant):
    p.post(client, paid_event(applicant))
    p.post(client, paid_event(applicant, "in_2", start=END, end=END + timedelta(days=365), paid=False))
    p.post(client, sub_event(applicant, "customer.subscription.deleted", created=p.ts(END + timedelta(days=20)),
                             status="canceled", canceled_at=p.ts(END + timedelta(days=20)),
                             cancellation_reason="payment_failed"))

    assert reload(applicant).status == Status.LAPSED


def test_payment_arriving_after_deletion_does_not_reactivate(client, webhook_settings, applicant):
    deleted = sub_event(applicant, "customer.subscription.deleted", created=p.ts(END), status="canceled",
                        cancel_at_period_end=True, canceled_at=p.ts(TODAY), cancellation_reason="cancellation_requested")
    p.post(client, deleted)
    p.post(client, paid_event(applicant))

    applicant = reload(applicant)
    assert applicant.status == Status.RESIGNED
    assert applicant.paid_until == END


def test_renewal_snapshot_arriving_after_the_failure_gives_the_in_order_state(client, webhook_settings):
    in_order, late = (MembershipFactory(stripe_customer_id=c) for c in ("cus_order", "cus_late"))
    renewal_end = END + timedelta(days=365)

    def events(membership):
        sub = f"sub_{membership.pk}"
        return [
            paid_event(membership, f"in_1_{membership.pk}", sub=sub),
            sub_event(membership, created=p.ts(END, 9), start=END, end=renewal_end, sub=sub,
                      latest_invoice=f"in_2_{membership.pk}"),
            paid_event(membership, f"in_2_{membership.pk}", start=END, end=renewal_end, paid=False, created=p.ts(END, 10),
                       sub=sub),
            sub_event(membership, created=p.ts(END, 11), start=END, end=renewal_end, status="past_due", sub=sub,
                      latest_invoice=f"in_2_{membership.pk}"),
        ]

    for event in events(in_order):
        p.post(client, event)
    for event in reversed(events(late)):
        p.post(client, event)

    in_order, late = reload(in_order), reload(late)
    assert late.status == in_order.status == Status.IN_ARREARS
    assert late.paid_until == in_order.paid_until
    assert late.grace_until == in_order.grace_until


def test_payment_of_a_new_subscription_after_rejoining_activates(client, webhook_settings):
    member = MembershipFactory(stripe_customer_id="cus_anna", stripe_subscription_id="sub_old",
                               stripe_subscription_status="canceled", paid_until=START - timedelta(days=1),
                               stripe_synced_at=timezone.now() - timedelta(days=30))

    p.post(client, paid_event(member, "in_new", sub="sub_new"))

    member = reload(member)
    assert member.status == Status.ACTIVE
    assert member.stripe_subscription_id == "sub_new"


def test_late_event_of_an_ended_subscription_leaves_a_new_application_alone(client, webhook_settings):
    member = MembershipFactory(stripe_customer_id="cus_anna", stripe_subscription_id="sub_anna",
                               stripe_subscription_status="canceled", paid_until=END,
                               stripe_synced_at=timezone.now() - timedelta(days=30))

    p.post(client, paid_event(member, created=p.ts(START)))

    assert reload(member).status == Status.APPLICANT


def test_membership_ended_by_secretariat_keeps_its_status(client, webhook_settings):
    ended = MembershipFactory(ended=True, stripe_customer_id="cus_anna")

    p.post(client, paid_event(ended))

    ended = reload(ended)
    assert ended.status == Status.ENDED
    assert Payment.objects.filter(membership=ended).count() == 1


def test_bank_transfer_covering_the_period_keeps_failed_stripe_invoice_from_arrears(client, webhook_settings):
    member = MembershipFactory(active=True, stripe_customer_id="cus_anna", paid_until=END)
    PaymentFactory(membership=member, period_start=START, period_end=END + timedelta(days=365))

    p.post(client, paid_event(member, "in_2", start=END, end=END + timedelta(days=365), paid=False))

    assert reload(member).status == Status.ACTIVE


# --- Order does not matter --------------------------------------------------------------


def _year_of_events(customer: str, sub: str, pk: int) -> list[dict]:
    """Join by SEPA, a failed then retried renewal, a portal cancellation, the end."""
    y1, y2, y3 = START, END, END + timedelta(days=365)
    seq = iter(range(10**6))

    def inv(invoice_id, start, end, paid, created):
        obj = p.invoice(invoice_id, customer=customer, subscription_id=sub, start=p.ts(start), end=p.ts(end), paid=paid)
        return p.event("invoice.paid" if paid else "invoice.payment_failed", obj, created=created,
                       event_id=f"evt_{customer}_{next(seq)}")

    def subscription(kind, created, start, end, **fields):
        obj = p.subscription(sub, customer=customer, start=p.ts(start), end=p.ts(end), **fields)
        return p.event(kind, obj, created=created, event_id=f"evt_{customer}_{next(seq)}")

    return [
        subscription("customer.subscription.updated", p.ts(y1, 9), y1, y2, latest_invoice=f"in_{customer}_1"),
        inv(f"in_{customer}_1", y1, y2, True, p.ts(y1 + timedelta(days=3))),
        subscription("customer.subscription.updated", p.ts(y2, 9), y2, y3, status="past_due", latest_invoice=f"in_{customer}_2"),
        inv(f"in_{customer}_2", y2, y3, False, p.ts(y2, 10)),
        inv(f"in_{customer}_2", y2, y3, True, p.ts(y2 + timedelta(days=4))),
        subscription("customer.subscription.updated", p.ts(y2 + timedelta(days=4), 13), y2, y3, latest_invoice=f"in_{customer}_2"),
        subscription("customer.subscription.updated", p.ts(y2 + timedelta(days=50)), y2, y3, latest_invoice=f"in_{customer}_2",
                     cancel_at_period_end=True, canceled_at=p.ts(y2 + timedelta(days=50))),
        subscription("customer.subscription.deleted", p.ts(y3), y2, y3, status="canceled", latest_invoice=f"in_{customer}_2",
                     cancel_at_period_end=True, canceled_at=p.ts(y2 + timedelta(days=50)),
                     cancellation_reason="cancellation_requested"),
    ]


STATE = ["status", "paid_until", "payment_pending", "grace_until", "resignation_requested_at",
         "stripe_subscription_status", "stripe_synced_at"]


def _state(membership):
    membership = reload(membership)
    payments = sorted(Payment.objects.filter(membership=membership).values_list("stripe_invoice_id", "status", "period_end"))
    return [getattr(membership, f) for f in STATE], [(i.split("_")[-1], s, e) for i, s, e in payments]


@pytest.mark.parametrize("seed", range(6))
def test_shuffled_and_repeated_delivery_gives_the_in_order_state(client, webhook_settings, seed):
    in_order = MembershipFactory(stripe_customer_id=f"cus_order{seed}")
    shuffled = MembershipFactory(stripe_customer_id=f"cus_shuffle{seed}")
    for event in _year_of_events(in_order.stripe_customer_id, f"sub_order{seed}", in_order.pk):
        p.post(client, event)
    events = _year_of_events(shuffled.stripe_customer_id, f"sub_shuffle{seed}", shuffled.pk)
    rng = random.Random(seed)
    events += rng.sample(events, 3)
    rng.shuffle(events)
    for event in events:
        assert p.post(client, event).status_code == 200

    assert _state(shuffled) == _state(in_order)
    assert reload(in_order).status == Status.RESIGNED
