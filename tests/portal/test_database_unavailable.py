"""When the database briefly refuses connections, the webhook and the registration
endpoint answer a clean 503 with Retry-After (Stripe retries later), write nothing,
and the same request succeeds once the database is back."""

import contextlib

import pytest
from django.db import OperationalError
from django.db.backends import utils
from django.test import Client

from events.models import Registration
from members.models import StripeEvent
from tests.events.helpers import event_page, member_user
from tests.members import stripe_payloads as p
from tests.members.factories import MembershipFactory
from tests.members.test_stripe_webhooks import paid_event
from tests.factories import record_sign_in

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_refusing(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    with monkeypatch.context() as patch:
        patch.setattr(utils.CursorWrapper, "execute", refuse)
        patch.setattr(utils.CursorWrapper, "executemany", refuse)
        yield


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_the_webhook_answers_503_and_stripe_s_retry_is_applied_once(client, settings, monkeypatch):
    settings.STRIPE_WEBHOOK_SECRET = p.WEBHOOK_SECRET
    membership = MembershipFactory(stripe_customer_id="cus_anna")
    payload = paid_event(membership)

    with database_refusing(monkeypatch):
        refused = p.post(client, payload)
    retried = p.post(client, payload)
    again = p.post(client, payload)

    assert refused.status_code == 503
    assert refused["Retry-After"] == "30"
    assert refused.json()["error"] == "unavailable"
    assert retried.status_code == 200 and again.status_code == 200
    assert StripeEvent.objects.filter(event_id=payload["id"]).count() == 1


def test_registration_answers_503_and_registers_once_when_tried_again(client, monkeypatch):
    event = event_page()
    member = member_user()
    client.force_login(member)
    record_sign_in(client.session, member)
    address = event.url + event.reverse_subpage("register")

    with database_refusing(monkeypatch):
        refused = client.post(address)
    assert Registration.objects.filter(user=member).count() == 0
    accepted = client.post(address)

    assert refused.status_code == 503 and refused["Retry-After"] == "30"
    assert "Even niet beschikbaar" in refused.content.decode()
    assert accepted.status_code == 302
    assert Registration.objects.filter(user=member, event=event).count() == 1


def test_other_faults_stay_a_500(rf):
    from portal.views import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(rf.get("/stripe/webhook/"))

    assert response.status_code == 500 and "Retry-After" not in response
