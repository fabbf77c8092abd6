import time
from datetime import date

import pytest
from django.core import signing

from members.models import Certificate
from portal.models import OutboundEmail
from tests.members.register.factories import certificates_change, listed_manager

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def _started(seconds_ago=10):
    return signing.Signer(salt="register-contact").sign(str(int(time.time()) - seconds_ago))


def _data(**overrides):
    data = {"name": "Petra Inkoop", "email": "petra@client.example", "message": "Hebt u tijd voor een opdracht?",
            "website": "", "started": _started()}
    data.update(overrides)
    return data


def test_message_is_queued_to_the_manager_with_the_clients_address(client, django_capture_on_commit_callbacks):
    profile = listed_manager()
    with django_capture_on_commit_callbacks():
        response = client.post(f"/register/{profile.pk}/", _data())
    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind="register_contact")
    assert email.to == profile.user.email
    assert "petra@client.example" in email.body_text and "Hebt u tijd" in email.body_text


def test_page_never_shows_the_managers_address(client):
    profile = listed_manager()
    response = client.post(f"/register/{profile.pk}/", _data(), follow=True)
    assert profile.user.email not in response.content.decode()


@pytest.mark.parametrize("overrides", [
    lambda: {"website": "http://spam.example"},  # the honeypot filled in
    lambda: {"started": _started(0)},  # sent faster than a person types
    lambda: {"started": "forged"},
])
def test_spam_is_refused_and_nothing_is_sent(client, overrides):
    profile = listed_manager()
    response = client.post(f"/register/{profile.pk}/", _data(**overrides()))
    assert response.status_code == 200
    assert not OutboundEmail.objects.exists()


def test_rate_limited(client, monkeypatch):
    from members import views_register

    monkeypatch.setattr(views_register, "CONTACT_RATE_LIMIT", 2)
    profile = listed_manager()
    codes = [client.post(f"/register/{profile.pk}/", _data()).status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert OutboundEmail.objects.count() == 2


def test_suspended_manager_cannot_be_contacted(client):
    profile = listed_manager()
    certificates_change(profile.user, status="suspended", suspended_until=date(2099, 1, 1))
    assert client.post(f"/register/{profile.pk}/", _data()).status_code == 404
    assert not OutboundEmail.objects.exists()
