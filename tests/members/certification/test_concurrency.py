"""Decisions taken at the same moment: distinct certificate numbers, and one decision per application."""

import threading

import pytest
from django.db import connection, connections

from members.models import Certificate, Decision
from members.services import certification as services
from portal.exceptions import DomainError

from . import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_at_once(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except DomainError:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_certificates_issued_at_once_get_distinct_numbers():
    applications = [f.application_for_decision() for _ in range(4)]
    deciders = [f.decider() for _ in applications]
    outcomes = run_at_once([
        (lambda a=a, d=d: services.application_decide(application=a, decider=d, outcome="granted", reasons="Voldoet."))
        for a, d in zip(applications, deciders)
    ])
    assert outcomes == ["ok"] * 4
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 4


def test_one_application_decided_twice_at_once_gets_one_decision():
    application = f.application_for_decision()
    deciders = [f.decider(), f.decider()]
    outcomes = run_at_once([
        (lambda d=d: services.application_decide(application=application, decider=d, outcome="granted", reasons="Voldoet."))
        for d in deciders
    ])
    assert sorted(outcomes) == ["ok", "refused"]
    assert Decision.objects.count() == 1
    assert Certificate.objects.count() == 1
