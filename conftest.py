"""Test-wide set-up. portal/settings.py sees pytest and switches to a fast,
self-contained configuration: MD5 hasher, locmem cache and mail, django-q2 in sync mode."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live-server tests


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
