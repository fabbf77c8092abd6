"""The environment a test run reads its settings from.

Loaded with `-p tests.environment` (pyproject.toml), so it runs before pytest-django
imports portal/settings.py: whatever the machine has set, the tests start from the
same self-contained environment. Settings that have no environment variable and only
tests change are applied afterwards, in conftest.py's pytest_configure.
"""

import os

import pytest

# Integrations that would reach outside the test run: the tests switch them on themselves
# (the Stripe stand-in, the locmem mail outbox) where they need them.
OUTSIDE = (
    "REDIS_URL",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    for name in OUTSIDE:
        os.environ.pop(name, None)
    os.environ["DEBUG"] = "0"  # the tests run with production's settings unless a test says otherwise
    os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")
    # django-q2 reads Q_CLUSTER once, when Django starts: tasks run at once, inside the test.
    os.environ["Q_SYNC"] = "1"
    # Playwright's sync API in live-server tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
