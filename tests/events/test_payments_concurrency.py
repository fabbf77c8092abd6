"""Paid seats under concurrency (PostgreSQL): a payment recorded at the very moment its hold
runs out. Lock order is payment, then event, then registration everywhere, so nothing
deadlocks; each seat ends either confirmed and paid, or released (with a late payment
made a refund due), and the released seats go to the waiting list."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from events import services
from events.models import Registration, WaitlistEntry
from members.models import Charge
from members.services import charges
from tests.events.helpers import event_page
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

SEATS = 12


def test_payment_racing_the_hold_never_loses_a_seat_or_a_payment(settings):
    settings.STRIPE_ENABLED = False
    event = event_page(capacity=SEATS, member_price=Decimal("95.00"), non_member_price=Decimal("95.00"), revision=False)
    held = [services.registration_create(event=event, user=UserFactory()) for _ in range(SEATS)]
    waiting = [services.waitlist_join(event=event, user=UserFactory()) for _ in range(SEATS)]
    staff = UserFactory()
    later = max(r.hold_expires_at for r in held) + timedelta(seconds=1)
    barrier = threading.Barrier(2 * SEATS)
    errors: list[Exception] = []

    def pay(registration):
        try:
            barrier.wait()
            charges.charge_transfer_record(charge=registration.charge, actor=staff, paid_on=timezone.localdate())
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    def expire(registration):
        try:
            barrier.wait()
            charges.charge_expire(charge=registration.charge, now=later)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(r,)) for r in held] + [
        threading.Thread(target=expire, args=(r,)) for r in held
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    released = 0
    for registration in Registration.objects.filter(pk__in=[r.pk for r in held]).select_related("charge"):
        charge = registration.charge
        assert charge.status == Charge.Status.PAID  # the money is recorded whatever happened first
        if registration.status == Registration.Status.CONFIRMED:
            assert registration.paid_at is not None
        else:
            assert registration.status == Registration.Status.CANCELLED
            assert charge.refund_requested_amount == Decimal("95.00")  # paid too late: refund due
            released += 1
    offered = WaitlistEntry.objects.filter(pk__in=[w.pk for w in waiting], status=WaitlistEntry.Status.OFFERED).count()
    assert offered == released
    assert services.seats_taken(event=event) == SEATS
