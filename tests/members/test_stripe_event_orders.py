"""Stripe events delivered in any order, some twice, leave the state of the order they happened in.

Two cases as examples (the end of a subscription delivered before its payments;
a Checkout handled after the subscription renewed), then a property test:
hypothesis tells a membership's story (joining by card or SEPA, renewals paid,
paid after a retry or never, a cancellation in the Billing portal), delivers
its events through the webhook once in order and once shuffled with
duplicates, and compares status, member since, paid until, payments with their
periods, and the history's status transitions.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time as clock, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings, strategies as st

from members.models import Membership, Payment
from members.services.membership import GRACE_DAYS
from tests.members import stripe_payloads as p
from tests.members.factories import MembershipFactory, history
from tests.members.stripe_standin import stripe_api  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

Status = Membership.Status
TODAY = timezone.localdate()
PERIOD = timedelta(days=30)

_numbers = itertools.count(1)


def _transitions(membership: Membership) -> list[tuple[str, str]]:
    """The history's status transitions, oldest first: (from, to) for each entry that changed the status."""
    changes = [(entry.data.get("from_status"), entry.data.get("to_status")) for entry in history(membership)]
    return [(before, after) for before, after in changes if before and after and before != after]


def _statuses_passed(membership: Membership) -> list[str]:
    """The statuses the membership went through, as any delivery order shows them.

    "In arrears" is left out: whether a failed renewal that was paid later (or
    ended the subscription) passed through it depends on which of its events
    came first, as Stripe's own order does.
    """
    transitions = _transitions(membership)
    passed = [transitions[0][0]] + [after for _before, after in transitions] if transitions else [membership.status]
    passed = [status for status in passed if status != Status.IN_ARREARS]
    return [status for index, status in enumerate(passed) if index == 0 or status != passed[index - 1]]


def _payments(membership: Membership) -> list[tuple]:
    rows = Payment.objects.filter(membership=membership).values_list(
        "stripe_invoice_id", "status", "period_start", "period_end", "amount", "paid_at"
    )
    return sorted((invoice.rsplit("_", 1)[-1], *rest) for invoice, *rest in rows)


def _end_state(membership: Membership) -> dict:
    membership.refresh_from_db()
    return {
        "status": membership.status,
        "member_since": membership.member_since,
        "paid_until": membership.paid_until,
        "payment_pending": membership.payment_pending,
        "grace_until": membership.grace_until,
        "resignation_requested_at": membership.resignation_requested_at,
        "subscription": (membership.stripe_subscription_status, membership.stripe_synced_at),
        "payment_method": membership.payment_method_label,
        "payments": _payments(membership),
        "statuses passed": _statuses_passed(membership),
    }


# --- A membership's story as Stripe tells it -------------------------------------------------


@dataclass(frozen=True)
class Story:
    """Joining and renewing (by card, or by SEPA debit clearing for days), how it ends, all before today.

    `renewals`: "paid", "retried" (failed, paid three days later) or "failed"
    (never paid: Stripe gives up after 20 days and ends the subscription).
    `ending`: "ongoing", "cancelling" (cancelled in the Billing portal, the
    period still running) or "cancelled" (the subscription ended at the period end).
    """

    sepa: bool = False
    renewals: tuple[str, ...] = ()
    ending: str = "ongoing"

    @property
    def expected_status(self) -> str:
        if self.renewals and self.renewals[-1] == "failed":
            return Status.LAPSED
        return Status.RESIGNED if self.ending == "cancelled" else Status.ACTIVE


_paid_renewals = st.lists(st.sampled_from(["paid", "retried"]), max_size=2).map(tuple)
stories = st.one_of(
    st.builds(Story, sepa=st.booleans(), renewals=_paid_renewals,
              ending=st.sampled_from(["ongoing", "cancelling", "cancelled"])),
    st.builds(Story, sepa=st.booleans(), renewals=_paid_renewals.map(lambda paid: (*paid[:1], "failed"))),
)


@dataclass
class Told:
    membership: Membership
    events: list[dict]
    subscription: dict  # what Stripe's API answers for the subscription


def _at(day: date, hour: int = 12, minute: int = 0) -> int:
    return p.ts(day, hour) + minute * 60


def _day(timestamp: int) -> date:
    return datetime.fromtimestamp(timestamp, tz=p.AMSTERDAM).date()


def tell(story: Story, stripe_api, *, late: bool = True) -> Told:
    """The events of `story` for a new applicant, in the order they happened, all before now.

    Stripe's API (the stand-in) answers for the subscription as it is today (`late`:
    Checkout handled after everything else happened) or as it was at Checkout.
    """
    n = next(_numbers)
    customer, sub, method = f"cus_order{n}", f"sub_order{n}", f"pm_order{n}"
    periods = 1 + len(story.renewals)
    failed = story.renewals[-1:] == ("failed",)
    if failed:
        first = TODAY - (periods - 1) * PERIOD - timedelta(days=25)
    elif story.ending == "cancelled":
        first = TODAY - periods * PERIOD - timedelta(days=5)
    else:
        first = TODAY - (periods - 1) * PERIOD - timedelta(days=10)
    starts = [first + k * PERIOD for k in range(periods + 1)]
    membership = MembershipFactory(
        stripe_customer_id=customer,
        terms_accepted_at=timezone.make_aware(datetime.combine(first - timedelta(days=1), clock(12))),
    )
    events: list[dict] = []
    snapshots: list[dict] = []

    def add(kind: str, obj: dict, created: int) -> None:
        events.append(p.event(kind, obj, created=created, event_id=f"evt_order{n}_{len(events)}"))

    def snapshot(k: int, created: int, kind="customer.subscription.updated", **fields) -> None:
        obj = p.subscription(sub, customer=customer, start=_at(starts[k]), end=_at(starts[k + 1]),
                             latest_invoice=f"in_order{n}_{k}", default_payment_method=method, **fields)
        snapshots.append(obj)
        add(kind, obj, created)

    def bill(k: int, paid: bool, created: int) -> None:
        obj = p.invoice(f"in_order{n}_{k}", customer=customer, subscription_id=sub,
                        start=_at(starts[k]), end=_at(starts[k + 1]), paid=paid)
        obj["status_transitions"]["paid_at"] = created if paid else None
        add("invoice.paid" if paid else "invoice.payment_failed", obj, created)

    # Joining: the subscription starts, Checkout completes, the first invoice is paid
    # (at once by card; a SEPA debit clears days later).
    snapshot(0, _at(first), kind="customer.subscription.created")
    session = p.checkout_session(f"cs_order{n}", customer=customer, subscription_id=sub, membership_pk=membership.pk,
                                 payment_status="unpaid" if story.sepa else "paid", invoice_id=f"in_order{n}_0")
    add("checkout.session.completed", session, _at(first, minute=2))
    bill(0, True, _at(first + timedelta(days=4)) if story.sepa else _at(first, minute=1))

    for k, renewal in enumerate(story.renewals, start=1):
        day = starts[k]
        snapshot(k, _at(day, 9))
        if renewal == "paid":  # a SEPA debit clears days later, the renewal "processing" until then
            bill(k, True, _at(day + timedelta(days=4) if story.sepa else day, 10))
            continue
        bill(k, False, _at(day, 10))
        snapshot(k, _at(day, 10, 1), status="past_due")
        if renewal == "retried":
            bill(k, True, _at(day + timedelta(days=3), 10))
            snapshot(k, _at(day + timedelta(days=3), 10, 1))
        else:
            ended = _at(day + timedelta(days=20), 10)
            snapshot(k, ended, kind="customer.subscription.deleted", status="canceled", canceled_at=ended,
                     cancellation_reason="payment_failed")

    if story.ending in ("cancelling", "cancelled"):
        k = periods - 1
        cancelled = _at(starts[k] + timedelta(days=5), 15)
        snapshot(k, cancelled, cancel_at_period_end=True, canceled_at=cancelled)
        if story.ending == "cancelled":
            snapshot(k, _at(starts[k + 1]), kind="customer.subscription.deleted", status="canceled",
                     cancel_at_period_end=True, canceled_at=cancelled, cancellation_reason="cancellation_requested")

    events.sort(key=lambda event: event["created"])
    assert events[-1]["created"] < p.ts(TODAY, 23)
    answer = copy.deepcopy(snapshots[-1] if late else snapshots[0])
    stripe_api.subscriptions[sub] = answer
    stripe_api.payment_methods[method] = p.sepa_debit(method) if story.sepa else p.card(method)
    return Told(membership, events, answer)


def deliver(client, events: list[dict]) -> None:
    for event in events:
        response = p.post(client, event)
        assert response.status_code == 200, response.content


# --- The two orders that went wrong --------------------------------------------------------------------


def test_end_of_subscription_before_its_payments_still_activates_first(client, stripe_api):
    told = tell(Story(renewals=("paid",), ending="cancelled"), stripe_api)
    checkout = next(e for e in told.events if e["type"] == "checkout.session.completed")
    others = [e for e in told.events if e is not checkout]

    deliver(client, [checkout] + others[::-1])

    membership = told.membership
    membership.refresh_from_db()
    assert membership.status == Status.RESIGNED
    assert membership.member_since == TODAY
    assert _transitions(membership) == [(Status.APPLICANT, Status.ACTIVE), (Status.ACTIVE, Status.RESIGNED)]
    assert [entry.action for entry in history(membership)].count("members.membership.activated") == 1


def test_end_for_non_payment_before_the_first_payment_still_activates_first(client, stripe_api):
    told = tell(Story(renewals=("failed",)), stripe_api)
    ended = [e for e in told.events if e["type"] == "customer.subscription.deleted"]
    first_paid = [e for e in told.events if e["type"] == "invoice.paid"]

    deliver(client, ended + first_paid)

    membership = told.membership
    membership.refresh_from_db()
    assert (membership.status, membership.member_since) == (Status.LAPSED, TODAY)
    assert _transitions(membership) == [(Status.APPLICANT, Status.ACTIVE), (Status.ACTIVE, Status.LAPSED)]


def test_failed_renewal_before_the_first_payment_still_activates_first(client, stripe_api):
    told = tell(Story(renewals=("failed",)), stripe_api)
    failed = next(e for e in told.events if e["type"] == "invoice.payment_failed")
    first_paid = next(e for e in told.events if e["type"] == "invoice.paid")

    deliver(client, [failed, first_paid])

    membership = told.membership
    membership.refresh_from_db()
    renewal_start = _day(failed["data"]["object"]["lines"]["data"][0]["period"]["start"])
    assert (membership.status, membership.member_since) == (Status.IN_ARREARS, TODAY)
    assert membership.grace_until == renewal_start + timedelta(days=GRACE_DAYS)
    assert _transitions(membership) == [(Status.APPLICANT, Status.ACTIVE), (Status.ACTIVE, Status.IN_ARREARS)]


def test_late_end_of_an_old_subscription_still_leaves_a_new_application_alone(client, stripe_api):
    told = tell(Story(ending="cancelled"), stripe_api)
    membership = told.membership
    membership.terms_accepted_at = timezone.now()  # applied again after the subscription ended
    membership.save(update_fields=["terms_accepted_at"])
    ended = [e for e in told.events if e["type"] == "customer.subscription.deleted"]
    first_paid = [e for e in told.events if e["type"] == "invoice.paid"]

    deliver(client, ended + first_paid)

    membership.refresh_from_db()
    assert (membership.status, membership.member_since) == (Status.APPLICANT, None)
    assert _transitions(membership) == []


def test_checkout_handled_after_a_renewal_keeps_the_first_invoices_own_period(client, stripe_api):
    told = tell(Story(renewals=("retried",)), stripe_api)
    checkout = next(e for e in told.events if e["type"] == "checkout.session.completed")
    told.subscription.update(status="past_due")  # the renewal failed; Stripe retries it now
    first_paid = next(e for e in told.events if e["type"] == "invoice.paid")

    deliver(client, [checkout, first_paid])

    line = first_paid["data"]["object"]["lines"]["data"][0]["period"]
    first_period = (_day(line["start"]), _day(line["end"]))
    payment = Payment.objects.get(membership=told.membership)
    assert (payment.period_start, payment.period_end) == first_period
    told.membership.refresh_from_db()
    assert told.membership.paid_until == first_period[1]


def test_checkout_handled_after_a_renewal_does_not_extend_paid_until(client, stripe_api):
    told = tell(Story(renewals=("retried",)), stripe_api)
    checkout = next(e for e in told.events if e["type"] == "checkout.session.completed")
    told.subscription.update(status="past_due")
    first_paid = next(e for e in told.events if e["type"] == "invoice.paid")

    deliver(client, [first_paid, checkout])

    told.membership.refresh_from_db()
    assert told.membership.paid_until == _day(first_paid["data"]["object"]["lines"]["data"][0]["period"]["end"])
    assert Payment.objects.filter(membership=told.membership).count() == 1


def test_checkout_handled_in_time_records_the_clearing_first_payment(client, stripe_api):
    told = tell(Story(sepa=True), stripe_api)
    checkout = next(e for e in told.events if e["type"] == "checkout.session.completed")

    deliver(client, [checkout])

    told.membership.refresh_from_db()
    assert (told.membership.status, told.membership.payment_pending) == (Status.ACTIVE, True)
    assert Payment.objects.get(membership=told.membership).status == Payment.Status.PENDING


def test_card_payment_keeps_the_invoices_moment_of_payment_in_any_order(client, stripe_api):
    told, again = tell(Story(), stripe_api), tell(Story(), stripe_api)

    deliver(client, told.events)
    deliver(client, again.events[::-1])

    assert _payments(told.membership) == _payments(again.membership)


# --- Any order, any duplicates --------------------------------------------------------------------


_reference_states: dict[Story, dict] = {}


def _in_order_state(client, stripe_api, story: Story) -> dict:
    """The end state of `story` with each event handled at once, as it happened (once per story)."""
    if story not in _reference_states:
        told = tell(story, stripe_api, late=False)
        deliver(client, told.events)
        _reference_states[story] = _end_state(told.membership)
    return _reference_states[story]


@hypothesis_settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=stories, late=st.booleans(), data=st.data())
def test_any_delivery_order_with_duplicates_gives_the_in_order_state(client, stripe_api, story, late, data):
    expected = _in_order_state(client, stripe_api, story)
    told = tell(story, stripe_api, late=late)
    duplicates = data.draw(st.lists(st.sampled_from(told.events), max_size=4), label="duplicates")
    delivery = data.draw(st.permutations(told.events + duplicates), label="delivery order")

    deliver(client, delivery)

    assert expected["status"] == story.expected_status
    assert expected["member_since"] == TODAY
    assert expected["statuses passed"] == [Status.APPLICANT, Status.ACTIVE] + (
        [story.expected_status] if story.expected_status != Status.ACTIVE else []
    )
    assert _end_state(told.membership) == expected
