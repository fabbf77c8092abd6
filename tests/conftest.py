import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.factories import UserFactory, record_sign_in, totp_authenticator, verified_email


class PortalClient(Client):
    """Django's test client, where `force_login` stands for a finished sign-in through
    allauth: for a user with an authenticator that includes the code, as the admin
    requires (portal/security.py). `second_factor=False` stands for a session that
    signed in with the password alone."""

    def force_login(self, user, backend=None, *, second_factor=True):
        super().force_login(user, backend)
        record_sign_in(self.session, user, second_factor=second_factor)


@pytest.fixture
def client():
    return PortalClient()


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth keeps rate-limit counters in the cache
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request to /en/ leaves English active in the test's thread; every test
    # starts in Dutch, as a visitor does, so reverse() and gettext() are Dutch.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def user(db):
    return verified_email(UserFactory())


@pytest.fixture
def superuser(db):
    admin = verified_email(UserFactory(email="admin@example.org", is_staff=True, is_superuser=True))
    totp_authenticator(admin)
    return admin


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
