"""Helpers for tests that run the portal in other processes (gunicorn, a task worker)."""

import os
import sqlite3
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def shared_database_url(tmp_path) -> str:
    """A database URL another process can open, holding what the test database holds now:
    the test database itself on PostgreSQL (use a transactional test, so rows are
    committed), a copy of the in-memory SQLite database otherwise."""
    if settings.DATABASE_IS_POSTGRES:
        db = connection.settings_dict
        return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    copy = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(copy)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{copy}"


def portal_environment(**extra: str) -> dict[str, str]:
    """The environment of a portal process started by a test: the test's own, with
    production's switches and nothing reaching outside unless given."""
    env = {
        name: value for name, value in os.environ.items()
        if name not in ("REDIS_URL", "EMAIL_HOST", "STRIPE_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "SECRET_KEY": "test-process-key", "Q_SYNC": "1"})
    env.update(extra)
    return env


def processes_stop(processes) -> None:
    """Ask each started server to stop, then wait for it (killing one that hangs)."""
    import subprocess

    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
