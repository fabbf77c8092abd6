"""An e-mail backend for tests/portal/test_task_killed.py: it says where it is (a marker
file) and then hangs, so that the worker running it can be killed in the middle of sending."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class HangingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        with open(os.environ["PORTAL_TEST_MARKER"], "w") as marker:
            marker.write("sending")
        time.sleep(600)
        return len(email_messages)
