"""Benchmark: concurrent event registrations through the real HTTP endpoints.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_events .venv/bin/python bench/registrations.py

It migrates the (scratch, PostgreSQL) database, adds an events index with two
events and signed-in members, starts gunicorn on 127.0.0.1 (`--port`, default
8109) and then, as those members (each with their own session and CSRF cookie):

1. last seats: `--attempts` (70) members, `--concurrency` (16) at a time, each
   open the event page and press "register" (following the redirect to the
   ticket or back to the page) for an event with `--seats` (50) seats. Confirmed
   must be exactly the number of seats, the rest on the waiting list, with no
   server errors; it reports p50/p95 of the whole flow;
2. throughput: `--members` (8) members at a time register `--throughput-count`
   (200) different people for an event with ample seats; it reports
   registrations per minute.

Targets on a 2-core machine: p95 <= 1.5 s, >= 350 registrations per minute.
The exit status is 1 when a count is wrong or a server error occurred.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")  # plain HTTP on 127.0.0.1; gunicorn, PostgreSQL and the ORM task broker as in production
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from events.models import EventIndexPage, EventPage, Registration, WaitlistEntry  # noqa: E402
from events.services import event_capacity_ensure  # noqa: E402
from portal.models import HomePage  # noqa: E402


def setup(seats: int, people: int, run: str):
    call_command("migrate", verbosity=0)
    home = HomePage.objects.filter(depth=2, locale__language_code=settings.LANGUAGE_CODE).first()
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(title="Evenementen", slug="evenementen")
        home.add_child(instance=index)
        index.save_revision().publish()
    start = timezone.now() + timedelta(days=10)
    events = []
    for capacity, title in ((seats, f"Laatste plaatsen {run}"), (100_000, f"Ruim {run}")):
        event = EventPage(
            title=title, slug=f"bench-{run}-{capacity}", lead="Benchmark", start=start, end=start + timedelta(hours=2),
            venue_name="Utrecht", capacity=capacity, live=True,
        )
        index.add_child(instance=event)
        event_capacity_ensure(event=event)
        events.append(event)
    User = get_user_model()
    users = User.objects.bulk_create(User(email=f"bench-{run}-{n}@example.org", first_name="Bench", last_name=str(n)) for n in range(people))
    return events, users


def session_cookie(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    """Send Secure cookies to http://127.0.0.1 too, as browsers do for loopback: with DEBUG off the
    portal marks its session and CSRF cookies Secure, and the bench speaks plain HTTP on loopback."""

    def return_ok_secure(self, cookie, request):
        return True


class Member:
    def __init__(self, base: str, user):
        self.base = base
        self.csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked token
        self.jar = http.cookiejar.CookieJar(policy=LoopbackPolicy())
        for name, value in ((settings.SESSION_COOKIE_NAME, session_cookie(user)), (settings.CSRF_COOKIE_NAME, self.csrf)):
            self.jar.set_cookie(
                http.cookiejar.Cookie(0, name, value, None, False, "127.0.0.1", False, False, "/", True, False, None, True, None, None, {})
            )
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=60) as response:
                response.read()
                return response.status, response.url
        except urllib.error.HTTPError as error:
            return error.code, path

    def register_flow(self, event_path: str) -> tuple[float, list[int]]:
        """Open the event page, press register; when the event is full, join the waiting list."""
        began = time.perf_counter()
        token = {"csrfmiddlewaretoken": self.csrf}
        statuses = [self.request(event_path)[0]]
        status, landed = self.request(event_path + "register/", token)
        statuses.append(status)
        if status == 200 and "/ticket/" not in landed:
            statuses.append(self.request(event_path + "waitlist/", token)[0])
        return time.perf_counter() - began, statuses


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=70)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument("--members", type=int, default=8)
    parser.add_argument("--throughput-count", type=int, default=200)
    parser.add_argument("--port", type=int, default=8109)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    if not settings.DATABASE_IS_POSTGRES:
        print("Needs PostgreSQL: set DATABASE_URL=postgres://... (a scratch database).")
        return 2

    run = secrets.token_hex(3)
    (last_seats, ample), users = setup(args.seats, args.attempts + args.throughput_count, run)
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-b", f"127.0.0.1:{args.port}", "-w", str(args.workers), "--log-level", "warning"],
        cwd=ROOT,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 90  # two workers loading Django on a busy machine
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    print("gunicorn did not start")
                    return 2
                time.sleep(0.2)
        members = [Member(base, user) for user in users]

        # 1. The last seats.
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(lambda member: member.register_flow(last_seats.url), members[: args.attempts]))
        times = [seconds for seconds, _statuses in results]
        errors = sum(1 for _seconds, statuses in results for status in statuses if status >= 500)
        confirmed = Registration.objects.filter(event=last_seats, status=Registration.Status.CONFIRMED).count()
        waiting = WaitlistEntry.objects.filter(event=last_seats).count()
        print(f"Last seats: {args.attempts} attempts, {args.concurrency} at a time, {args.seats} seats")
        print(f"  confirmed {confirmed}, offered the waiting list {args.attempts - confirmed}, joined it {waiting}, server errors {errors}")
        print(f"  whole flow p50 {statistics.median(times):.3f} s, p95 {percentile(times, 0.95):.3f} s, max {max(times):.3f} s")

        # 2. Throughput with ample seats.
        began = time.perf_counter()
        with ThreadPoolExecutor(args.members) as pool:
            results2 = list(pool.map(lambda member: member.register_flow(ample.url), members[args.attempts :]))
        elapsed = time.perf_counter() - began
        errors2 = sum(1 for _seconds, statuses in results2 for status in statuses if status >= 500)
        registered = Registration.objects.filter(event=ample).count()
        print(f"Throughput: {args.members} members at a time, {registered} registrations in {elapsed:.1f} s")
        times2 = [seconds for seconds, _statuses in results2]
        print(f"  {registered / elapsed * 60:.0f} registrations per minute, server errors {errors2}, "
              f"flow p50 {statistics.median(times2):.3f} s, p95 {percentile(times2, 0.95):.3f} s")
        ok = confirmed == args.seats and errors == 0 and errors2 == 0 and registered == args.throughput_count
        if args.json:
            args.json.write_text(json.dumps({
                "race": {
                    "attempts": args.attempts, "concurrency": args.concurrency, "seats": args.seats,
                    "confirmed": confirmed, "waiting": waiting, "server_errors": errors,
                    "p50_s": statistics.median(times), "p95_s": percentile(times, 0.95), "max_s": max(times),
                },
                "throughput": {
                    "members": args.members, "registrations": registered, "seconds": elapsed,
                    "per_minute": registered / elapsed * 60, "server_errors": errors2,
                    "p50_s": statistics.median(times2), "p95_s": percentile(times2, 0.95),
                },
            }, indent=2))
        return 0 if ok else 1
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
