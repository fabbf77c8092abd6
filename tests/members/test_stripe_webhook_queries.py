"""The database work per Stripe event through /stripe/webhook/ stays small and does not grow with the data.

Each handled event type is posted (signed) through the view in the state where it
does the most work (a payment appears, the status moves, audit entries are
written), once beside no other members and once beside fifty others with payments
and audit entries of their own, and beside older payments of the member. The
counts include the savepoint the test's transaction turns `atomic()` into (two
statements) and the duplicate check before it.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Membership, Payment, StripeEvent
from portal.audit import entries_for
from tests.members import stripe_payloads as p
from tests.members.factories import MembershipFactory, PaymentFactory
from tests.members.test_charges import open_charge

pytestmark = pytest.mark.django_db

Status = Membership.Status
TODAY = timezone.localdate()
START = TODAY - timedelta(days=10)
END = START + timedelta(days=30)
CUSTOMER = "cus_counted"


@pytest.fixture
def webhook_settings(settings):
    settings.STRIPE_WEBHOOK_SECRET = p.WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = None
    settings.STRIPE_ENABLED = False
    # As in a running worker: the content types are read once per process, not per event.
    ContentType.objects.get_for_model(Membership)
    return settings


def _others(count: int) -> None:
    """Other members, each with a Stripe payment and an audit entry of its own."""
    for index in range(count):
        membership = MembershipFactory(active=True, stripe_customer_id=f"cus_other{index}")
        PaymentFactory(membership=membership, stripe=True)


def _older_payments(membership, count: int) -> None:
    """Bank transfers for periods long past: facts that change nothing today."""
    for year in range(count):
        start = START - timedelta(days=400 * (year + 2))
        PaymentFactory(membership=membership, period_start=start, period_end=start + timedelta(days=365))


def _subscription(kind="customer.subscription.updated", *, created, **fields):
    obj = p.subscription("sub_counted", customer=CUSTOMER, start=p.ts(START), end=p.ts(END),
                         latest_invoice="in_counted_1", **fields)
    return p.event(kind, obj, created=created)


def _invoice(invoice_id="in_counted_1", *, paid=True, start=START, end=END, created=None):
    obj = p.invoice(invoice_id, customer=CUSTOMER, subscription_id="sub_counted", start=p.ts(start), end=p.ts(end),
                    paid=paid)
    return p.event("invoice.paid" if paid else "invoice.payment_failed", obj, created=created or p.ts(start, 10))


def _post(client, event) -> str:
    response = p.post(client, event)
    assert response.status_code == 200, response.content
    return response.content.decode()


def _active(client):
    """A member whose first payment was made through Stripe."""
    _post(client, _subscription(created=p.ts(START, 9)))
    _post(client, _invoice())


# Each scenario: (what happened before, the event counted, the result, the status after).
SCENARIOS = {
    "invoice.paid: an applicant pays and becomes active": (
        None, lambda: _invoice(), "applied", Status.ACTIVE),
    "invoice.paid: a renewal is paid": (
        _active, lambda: _invoice("in_counted_2", start=END, end=END + timedelta(days=30)), "applied", Status.ACTIVE),
    "invoice.payment_failed: a renewal fails, in arrears": (
        _active, lambda: _invoice("in_counted_2", paid=False, start=END, end=END + timedelta(days=30)), "applied",
        Status.IN_ARREARS),
    "customer.subscription.updated: a renewal clearing (SEPA)": (
        None, lambda: _subscription(created=p.ts(START, 9)), "applied", Status.ACTIVE),
    "customer.subscription.updated: newer snapshot, nothing new": (
        _active, lambda: _subscription(created=p.ts(START, 12)), "applied", Status.ACTIVE),
    "customer.subscription.updated: cancelled at period end": (
        _active, lambda: _subscription(created=p.ts(START, 12), cancel_at_period_end=True,
                                       canceled_at=p.ts(START, 12)), "applied", Status.ACTIVE),
    "customer.subscription.updated: older snapshot": (
        _active, lambda: _subscription(created=p.ts(START, 8)), "ignored: older than the last update", Status.ACTIVE),
    "customer.subscription.deleted: lapsed": (
        _active, lambda: _subscription("customer.subscription.deleted", created=p.ts(START, 13), status="canceled",
                                       canceled_at=p.ts(START, 13), cancellation_reason="payment_failed"),
        "applied", Status.LAPSED),
}
# At most this many statements per event, whatever else is in the database.
MAX_QUERIES = {
    "invoice.paid: an applicant pays and becomes active": 9,
    "invoice.paid: a renewal is paid": 9,
    "invoice.payment_failed: a renewal fails, in arrears": 9,
    "customer.subscription.updated: a renewal clearing (SEPA)": 9,
    "customer.subscription.updated: newer snapshot, nothing new": 7,
    "customer.subscription.updated: cancelled at period end": 8,
    "customer.subscription.updated: older snapshot": 6,
    "customer.subscription.deleted: lapsed": 8,
}


def _count(client, scenario: str, *, grown: bool) -> int:
    before, event, result, status = SCENARIOS[scenario]
    membership = MembershipFactory(stripe_customer_id=CUSTOMER)
    if grown:
        _others(50)
        _older_payments(membership, 3)
    if before:
        before(client)
    payload = event()
    with CaptureQueriesContext(connection) as queries:
        assert _post(client, payload) == result
    membership.refresh_from_db()
    assert membership.status == status
    assert StripeEvent.objects.filter(event_id=payload["id"], result=result).exists()
    return len(queries)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_queries_per_event_are_few_and_do_not_grow_with_the_data(client, webhook_settings, scenario):
    alone = _count(client, scenario, grown=False)
    Payment.objects.all().delete()
    Membership.objects.all().delete()
    StripeEvent.objects.all().delete()
    beside_others = _count(client, scenario, grown=True)

    assert alone == beside_others
    assert alone <= MAX_QUERIES[scenario]


def test_duplicate_costs_one_query(client, webhook_settings, django_assert_num_queries):
    MembershipFactory(stripe_customer_id=CUSTOMER)
    event = _invoice()
    _post(client, event)

    with django_assert_num_queries(1):
        assert _post(client, event) == "duplicate"


def test_unknown_customer_and_unhandled_type_only_store_the_event(client, webhook_settings,
                                                                  django_assert_max_num_queries):
    _others(5)
    stranger = p.event("invoice.paid", p.invoice("in_x", customer="cus_nobody", subscription_id="sub_x",
                                                 start=p.ts(START), end=p.ts(END)), created=p.ts(START))
    with django_assert_max_num_queries(5):
        assert _post(client, stranger) == "unknown customer"
    with django_assert_max_num_queries(4):
        assert _post(client, p.event("customer.created", {"id": "cus_z"}, created=p.ts(START))) == (
            "ignored: event type not handled")


def test_activation_writes_its_audit_entries_in_order(client, webhook_settings):
    membership = MembershipFactory(stripe_customer_id=CUSTOMER)

    _post(client, _invoice())

    actions = [entry.action for entry in entries_for(membership)][::-1]
    assert actions == ["members.payment.online", "members.membership.activated"]


@pytest.mark.parametrize("others", [0, 20])
def test_one_off_payment_completed_costs_the_same_beside_other_charges(client, webhook_settings, others,
                                                                         django_assert_max_num_queries):
    for index in range(others):
        open_charge(object_id=100 + index)
    charge = open_charge()
    session = p.payment_session("cs_counted", charge_pk=charge.pk, amount=6050)

    with django_assert_max_num_queries(12):
        assert _post(client, p.event("checkout.session.completed", session, created=int(timezone.now().timestamp()))) == (
            "applied")
