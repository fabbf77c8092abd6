"""A worker killed in the middle of a task leaves no half-written state, and the task
completes when it runs again: the e-mail send task in a real process, killed (SIGKILL)
while it hands the message to the mail server, then run again, then once more."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from portal.models import OutboundEmail
from tests.portal.processes import ROOT, portal_environment, shared_database_url

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKER = """
import json, sys
import django
django.setup()
from portal.models import OutboundEmail
if sys.argv[1] == "send":
    from portal.tasks import email_send
    print(json.dumps(email_send(int(sys.argv[2]))))
else:
    email = OutboundEmail.objects.get(pk=int(sys.argv[2]))
    print(json.dumps({"status": email.status, "attempts": email.attempts, "sent": email.sent_at is not None}))
"""


def run(env: dict, *args: str, timeout: int = 180) -> dict | str:
    result = subprocess.run(
        [sys.executable, "-c", WORKER, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_killed_send_leaves_the_email_queued_and_a_retry_sends_it_once(tmp_path):
    email = OutboundEmail.objects.create(
        kind="test", to="lid@example.org", from_email="noreply@example.org", subject="Welkom", body_text="Hallo",
    )
    database = shared_database_url(tmp_path)
    marker, outbox = tmp_path / "sending", tmp_path / "mail"
    base = portal_environment(DEBUG="0", DATABASE_URL=database)

    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, "send", str(email.pk)], cwd=ROOT,
        env={**base, "EMAIL_BACKEND": "tests.portal.hanging_mail.HangingBackend", "PORTAL_TEST_MARKER": str(marker)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 180
        while not marker.exists():
            assert worker.poll() is None, worker.stderr.read().decode()[-3000:]
            assert time.monotonic() < deadline, "the worker never started sending"
            time.sleep(0.2)
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    # Killed mid-send: the attempt was never committed, nothing is marked sent.
    assert run(base, "state", str(email.pk)) == {"status": "queued", "attempts": 0, "sent": False}

    mail = {**base, "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": str(outbox)}
    assert run(mail, "send", str(email.pk)) == "sent"
    assert run(mail, "send", str(email.pk)) == "already-sent"  # django-q2 delivering it twice

    assert run(base, "state", str(email.pk)) == {"status": "sent", "attempts": 1, "sent": True}
    assert len(list(outbox.iterdir())) == 1
