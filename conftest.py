"""Test-wide set-up.

The settings are portal/settings.py read from the environment that tests/environment.py
sets before Django starts (no Redis, no SMTP, no Stripe, a throwaway key, django-q2 in
sync mode). pytest_configure adds what only tests change and no environment variable
covers; pytest-django already swaps in the locmem mail backend.
"""

import pytest


def pytest_configure(config):
    from django.conf import settings
    from django.test import override_settings

    override_settings(
        TESTING=True,
        # Fast: hashing a password takes no time.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # No collectstatic before the tests: static files are served as they are.
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # The test client and the live server speak plain HTTP on any host name.
        ALLOWED_HOSTS=["*"],
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
    ).enable()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: the database is rolled back after a test,
    so nothing cached during one (menus, pages, rate limits) may reach the next."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` (row locks, full-text search) are skipped on SQLite."""
    from django.conf import settings

    if getattr(settings, "DATABASE_IS_POSTGRES", False):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
