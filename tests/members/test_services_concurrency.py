"""Payments the secretariat records at the same moment each get their own receipt number."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from members.models import Payment
from members.services.dues import payment_record
from tests.members.factories import MembershipFactory
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_payments_recorded_at_once_get_distinct_receipt_numbers():
    secretary = UserFactory()
    memberships = [MembershipFactory() for _ in range(6)]
    barrier = threading.Barrier(len(memberships))
    errors: list[Exception] = []

    def record(membership):
        try:
            barrier.wait()
            payment_record(
                membership=membership, method=Payment.Method.BANK_TRANSFER, paid_on=timezone.localdate(), actor=secretary
            )
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record, args=(m,)) for m in memberships]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    numbers = list(Payment.objects.values_list("receipt_number", flat=True))
    assert len(numbers) == 6
    assert len(set(numbers)) == 6
