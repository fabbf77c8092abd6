"""Rate limits hold across processes: with REDIS_URL set, the sixth failed sign-in for one
account within five minutes answers 429, whichever of two gunicorn processes takes it.
A cache inside each process would let ten through (five per process).

Needs Redis at 127.0.0.1:6379 (CI has it; the test is skipped without it). The two
servers share the test database: a copy of it for SQLite, the test database itself for
PostgreSQL (they need its tables only).
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.portal.processes import ROOT, portal_environment, processes_stop, shared_database_url

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
# Both processes answer for one site, as the workers behind one proxy do (allauth counts
# failed sign-ins per site and account).
HOST = "portal.example"


def redis_reachable() -> bool:
    parts = urllib.parse.urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db,  # the servers need the tables only, which the test database has
    pytest.mark.skipif(not redis_reachable(), reason=f"needs Redis at {REDIS_URL}"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, database_url: str, log: Path) -> subprocess.Popen:
    env = portal_environment(
        # DEBUG serves the templates' static files without a collected manifest; the rate
        # limits, the cache and the sign-in are those of production.
        DEBUG="1", ALLOWED_HOSTS=f"{HOST},127.0.0.1", REDIS_URL=REDIS_URL, DATABASE_URL=database_url,
        TRUSTED_PROXY_COUNT="0", PAGE_CACHE_SECONDS="0",
    )
    command = [
        sys.executable, "-m", "gunicorn", "portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def wait_until_up(port: int, process: subprocess.Popen, log: Path, seconds: int = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server on {port} stopped:\n{log.read_text()[-3000:]}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"server on {port} did not start:\n{log.read_text()[-3000:]}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def failed_login(port: int, email: str) -> int:
    """GET the login form on one server, POST a wrong password; the status code."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page = urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", headers={"Host": HOST})
    form = opener.open(page, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": email, "password": "not the password"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/accounts/login/", data=body,
        headers={"Host": HOST, "Referer": f"http://{HOST}/accounts/login/"},
    )
    try:
        return opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_sixth_failed_login_gets_429_whichever_process_answers(tmp_path):
    database_url = shared_database_url(tmp_path)
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"server-{port}.log" for port in ports]
    servers = [start_server(port, database_url, log) for port, log in zip(ports, logs)]
    try:
        for port, server, log in zip(ports, servers, logs):
            wait_until_up(port, server, log)
        email = f"{uuid.uuid4().hex[:12]}@example.org"  # a fresh account key in the shared Redis

        # Five failures alternate between the two processes: each is an ordinary wrong password.
        statuses = [failed_login(ports[attempt % 2], email) for attempt in range(5)]
        sixth = [failed_login(port, email) for port in ports]  # the sixth, at either process

        assert statuses == [200] * 5
        assert sixth == [429, 429]
        # Another account is not held back by this one's failures.
        assert failed_login(ports[0], f"other-{email}") == 200
    finally:
        processes_stop(servers)
