"""Two doors scan the same ticket at once: one check-in, one credit."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from events import services as event_services
from knowledge.pe_models import PEEntry
from tests.events.helpers import event_page, member_user
from tests.factories import UserFactory
from tests.knowledge.pe import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_concurrent_check_ins_of_one_ticket_credit_once():
    f.rqim_requirement()
    staff = UserFactory(groups=["Secretariat"])
    registration = event_services.registration_create(event=event_page(pe_points=Decimal("3.0"), revision=False),
                                                      user=member_user())
    barrier = threading.Barrier(6)
    outcomes, errors = [], []

    def door():
        try:
            barrier.wait()
            event_services.registration_check_in(event=registration.event, code=registration.code, actor=staff)
            outcomes.append("in")
        except event_services.CheckInRefused as refused:
            outcomes.append(refused.kind)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=door) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["already"] * 5 + ["in"]
    assert PEEntry.objects.filter(registration=registration, status=PEEntry.Status.APPROVED).count() == 1
