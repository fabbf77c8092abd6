"""Two deliveries of the same Stripe event at the same moment record it once (PostgreSQL row locks)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from members.models import Membership, Payment, StripeEvent
from tests.members import stripe_payloads as p
from tests.members.factories import history, MembershipFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _post_at_once(payloads: list[dict]) -> list[int]:
    barrier = threading.Barrier(len(payloads))
    statuses: list[int] = []

    def deliver(payload):
        try:
            client = Client()
            barrier.wait()
            statuses.append(p.post(client, payload).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(payload,)) for payload in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return statuses


@pytest.fixture
def webhook_secret(settings):
    settings.STRIPE_WEBHOOK_SECRET = p.WEBHOOK_SECRET
    settings.STRIPE_SECRET_KEY = None
    settings.STRIPE_ENABLED = False


def _paid(membership, invoice_id="in_1"):
    start = timezone.localdate()
    obj = p.invoice(invoice_id, customer=membership.stripe_customer_id, subscription_id="sub_1",
                    start=p.ts(start), end=p.ts(start + timedelta(days=365)))
    return p.event("invoice.paid", obj, created=p.ts(start))


def test_same_event_delivered_twice_at_once_is_recorded_once(webhook_secret):
    membership = MembershipFactory(stripe_customer_id="cus_1")
    payload = _paid(membership)

    statuses = _post_at_once([payload, payload])

    assert statuses == [200, 200]
    assert StripeEvent.objects.count() == 1
    assert Payment.objects.count() == 1
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert history(membership).filter(action="members.membership.activated").count() == 1


def test_two_events_for_the_same_invoice_at_once_make_one_payment(webhook_secret):
    membership = MembershipFactory(stripe_customer_id="cus_1")
    first, second = _paid(membership), _paid(membership)  # two event ids, one invoice

    statuses = _post_at_once([first, second])

    assert statuses == [200, 200]
    assert StripeEvent.objects.count() == 2
    assert Payment.objects.count() == 1
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
