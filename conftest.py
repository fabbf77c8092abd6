"""Test-wide set-up. portal/settings.py sees pytest and switches to a fast,
self-contained configuration: MD5 hasher, locmem cache and mail, django-q2 in sync mode."""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API in live-server tests
