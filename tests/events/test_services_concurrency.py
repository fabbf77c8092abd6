"""Many people at once for the last seats: capacity holds, the rest wait in order of arrival."""

import threading

import pytest
from django.db import connection, connections

from events import services
from events.models import Registration, WaitlistEntry
from tests.events.helpers import event_page
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

ATTEMPTS = 200
SEATS = 50


def test_concurrent_registrations_never_oversell_and_queue_the_rest_in_order():
    event = event_page(capacity=SEATS, revision=False)
    users = UserFactory.create_batch(ATTEMPTS)
    barrier = threading.Barrier(16)
    lock = threading.Lock()
    arrivals: list[int] = []  # user ids in the order the lock was obtained
    errors: list[Exception] = []
    outcome: dict[int, str] = {}
    queue = list(users)

    def worker():
        try:
            barrier.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    user = queue.pop(0)
                try:
                    services.registration_create(event=event, user=user)
                    outcome[user.pk] = "registered"
                except services.EventFull:
                    entry = services.waitlist_join(event=event, user=user)
                    outcome[user.pk] = "waiting"
                    with lock:
                        arrivals.append(entry.pk)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    confirmed = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
    waiting = list(WaitlistEntry.objects.filter(event=event).order_by("joined_at", "pk"))
    assert confirmed == SEATS
    assert len(waiting) == ATTEMPTS - SEATS  # none lost
    assert len(outcome) == ATTEMPTS
    # The list's order (joined_at, then id) is the order in which people obtained the lock.
    assert [entry.pk for entry in waiting] == sorted(entry.pk for entry in waiting)
    assert all(a.joined_at <= b.joined_at for a, b in zip(waiting, waiting[1:]))


    # Then five attendees cancel at once: each freed seat goes to the next in line, once.
    cancelling = list(Registration.objects.filter(event=event).order_by("pk")[:5])
    barrier = threading.Barrier(len(cancelling))

    def cancel(registration):
        try:
            barrier.wait()
            services.registration_cancel(registration=registration, actor=registration.user)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(r,)) for r in cancelling]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    offered = WaitlistEntry.objects.filter(event=event, status=WaitlistEntry.Status.OFFERED).order_by("joined_at", "pk")
    assert [entry.pk for entry in offered] == [entry.pk for entry in waiting[:5]]
    assert services.seats_taken(event=event) == SEATS
