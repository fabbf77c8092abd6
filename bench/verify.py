"""Benchmark: certificate verification requests per second against a live server.

    .venv/bin/python bench/verify.py                          # 2,000 certificates, 20 s per endpoint
    .venv/bin/python bench/verify.py --certificates 200 --seconds 5    # a quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/verify.py

It migrates the database (a temporary SQLite file unless DATABASE_URL is set),
adds bench certificates (year 2001, so they never mix with real ones) in every
status, collects the static files and starts gunicorn as production would run
it (DEBUG off, `--workers`), with the rate limit lifted. Then `--clients`
threads, each on its own keep-alive connection, ask for random certificate
numbers, a few of them mistyped or unknown, for `--seconds` per endpoint:

- the page ``/verify/<number>/`` (in Dutch and English);
- the JSON ``/api/v1/certificates/<number>``.

It prints requests per second, latency p50/p95/p99 and the status codes seen.
The exit status is 1 when a request failed (a 5xx or a connection error).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'rqim-bench-verify.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from members.models import (  # noqa: E402
    Certificate,
    CertificationApplication,
    CertificationLevel,
    CertificationScheme,
    NormVersion,
    User,
)

PREFIX = "bench-verify"
YEAR = 2001
STATUSES = [Certificate.Status.ACTIVE] * 7 + [Certificate.Status.SUSPENDED, Certificate.Status.WITHDRAWN, Certificate.Status.EXPIRED]


def prepare(count: int) -> list[str]:
    call_command("migrate", verbosity=0, interactive=False)
    Certificate.objects.filter(number__startswith=f"RQIM-{YEAR}-").delete()
    CertificationApplication.objects.filter(applicant__email__startswith=PREFIX).delete()
    User.objects.filter(email__startswith=PREFIX).delete()
    scheme, _ = CertificationScheme.objects.get_or_create(code="rqim", defaults={"name_nl": "RQIM", "name_en": "RQIM"})
    levels = [
        CertificationLevel.objects.get_or_create(scheme=scheme, code="rqim", defaults={"name_nl": "RQIM", "name_en": "RQIM", "eqf_level": 6})[0],
        CertificationLevel.objects.get_or_create(
            scheme=scheme, code="senior", defaults={"name_nl": "RQIM Senior", "name_en": "RQIM Senior", "eqf_level": 7}
        )[0],
    ]
    norms = NormVersion.objects.filter(scheme=scheme).order_by("effective_from").first() or NormVersion.objects.create(
        scheme=scheme, version="2026.1", title_nl="RQIM-norm", title_en="RQIM norm", effective_from=date(2026, 1, 1)
    )
    rng = random.Random(1)
    users = User.objects.bulk_create(
        [User(email=f"{PREFIX}{i}@example.org", first_name=f"Naam{i}", last_name="Bench") for i in range(count)]
    )
    submitted = datetime(YEAR, 1, 1, tzinfo=dt_timezone.utc)
    applications = CertificationApplication.objects.bulk_create(
        [
            CertificationApplication(applicant=user, scheme=scheme, level=levels[i % 2], norm_version=norms,
                                     status=CertificationApplication.Status.GRANTED, submitted_at=submitted, decided_at=submitted)
            for i, user in enumerate(users)
        ]
    )
    certificates = []
    for serial, application in enumerate(applications, start=1):
        status = rng.choice(STATUSES)
        start = date(YEAR, 1, 1) + timedelta(days=serial % 300)
        certificates.append(Certificate(
            number=Certificate.format_number(year=YEAR, serial=serial), holder_id=application.applicant_id, scheme=scheme,
            level_id=application.level_id, norm_version=norms, application=application, status=status,
            status_changed_on=start, issued_on=start, valid_from=start, valid_until=start + timedelta(days=3 * 365),
            suspended_until=date(2099, 1, 1) if status == Certificate.Status.SUSPENDED else None,
        ))
    Certificate.objects.bulk_create(certificates, batch_size=500)
    return [certificate.number for certificate in certificates]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    call_command("collectstatic", verbosity=0, interactive=False)
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
           "VERIFY_RATE_LIMIT": "1000000000", "LOG_LEVEL": "ERROR"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def mistyped(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def load(port: int, paths, *, clients: int, seconds: float) -> tuple[list[float], Counter]:
    latencies: list[float] = []
    codes: Counter = Counter()
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(seed: int):
        rng = random.Random(seed)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine, seen = [], Counter()
        while time.perf_counter() < stop_at:
            path, headers = paths(rng)
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                seen[response.status] += 1
            except (OSError, http.client.HTTPException):
                seen["error"] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            codes.update(seen)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, codes


def pick(numbers):
    def number(rng):
        roll = rng.random()
        if roll < 0.05:
            return mistyped(rng.choice(numbers))
        if roll < 0.08:
            return Certificate.format_number(year=YEAR, serial=99999)
        return rng.choice(numbers)
    return number


def report(name: str, latencies: list[float], codes: Counter, seconds: float) -> bool:
    ordered = sorted(latencies)

    def pct(p):
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")

    print(f"{name:<34} {len(ordered) / seconds:8.1f} req/s   p50 {pct(.5):6.1f} ms   p95 {pct(.95):6.1f} ms   "
          f"p99 {pct(.99):6.1f} ms   mean {statistics.fmean(ordered) * 1000 if ordered else 0:6.1f} ms   "
          f"{dict(sorted(codes.items(), key=str))}")
    return not any(code == "error" or (isinstance(code, int) and code >= 500) for code in codes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    began = time.perf_counter()
    numbers = prepare(args.certificates)
    print(f"{len(numbers)} bench certificates ready in {time.perf_counter() - began:.1f} s "
          f"({os.environ['DATABASE_URL'].split(':', 1)[0]}); gunicorn with {args.workers} workers, {args.clients} clients")
    port = free_port()
    server = start_server(port, args.workers)
    number = pick(numbers)
    ok = True
    try:
        load(port, lambda rng: (f"/verify/{number(rng)}/", {}), clients=2, seconds=1)  # warm up
        runs = [
            ("page /verify/<number>/", lambda rng: (f"/verify/{number(rng)}/",
                                                     {"Accept-Language": rng.choice(["nl-NL,nl;q=0.9", "en-GB,en;q=0.8"])})),
            ("JSON /api/v1/certificates/<number>", lambda rng: (f"/api/v1/certificates/{number(rng)}", {})),
        ]
        for name, paths in runs:
            latencies, codes = load(port, paths, clients=args.clients, seconds=args.seconds)
            ok = report(name, latencies, codes, args.seconds) and ok
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
