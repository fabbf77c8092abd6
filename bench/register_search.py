"""Benchmark: twenty realistic register searches against a live server, at two register sizes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/register_search.py
    .venv/bin/python bench/register_search.py --profiles 2000 --listed 400 --baseline 0 --repeats 3   # a quick run

It migrates the database (a temporary SQLite file unless DATABASE_URL is set; the
figures that count are PostgreSQL's), generates `--profiles` member profiles of which
`--listed` hold an active certificate and chose to be listed (bench users
`bench-register…`, certificates of year 2002, so they never mix with real ones), and
starts gunicorn as production would run it (DEBUG off, the API's rate limit lifted).
Then it asks twenty searches a client would ask (free text, a prefix while typing,
accents, filters, combinations, sorting, a deep page) `--repeats` times each, on the
page /register/ and on GET /api/v1/register/, and prints p50 and p95 latency and the
database queries one search takes (counted in-process with the same code).

With `--baseline N` (default 1,000) it first measures the same at N profiles and
prints how the large register compares: the issue's target is p95 under 150 ms on a
2-core machine, at most 1.5 times the figure at 1,000 profiles, and the same number
of queries at both sizes.

With `--port P` it builds nothing and asks the server already answering on port P, on
the register in the database: `make bench` (bench/run.py) runs it that way against its
gunicorn and its generated data (`--json` writes the figures for the report).

`run(profiles=..., listed=...)` does one size and returns the figures as a dict, for
a harness that calls it. The exit status is 1 when a request failed (5xx or a
connection error).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone as dt_timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(tempfile.gettempdir()) / 'rqim-bench-register.sqlite3'}")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from members.models import (  # noqa: E402
    Certificate,
    CertificateStatusList,
    CertificationApplication,
    CertificationLevel,
    CertificationScheme,
    MemberProfile,
    NormVersion,
    Region,
    Sector,
    User,
)
from members.register_index import register_certificate_facts_refresh  # noqa: E402
from members.register_text import search_documents  # noqa: E402

PREFIX = "bench-register"
YEAR = 2002
BATCH = 2000

FIRST = ["Anna", "Bram", "Carla", "Daan", "Eva", "Femke", "Gert", "Hanna", "Iris", "Joost", "Karin", "Lars", "Marieke",
         "Niels", "Olga", "Pieter", "Renée", "Sanne", "Thijs", "Ursula", "Vincent", "Wouter", "Yvonne", "Zoë", "José"]
LAST = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
        "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
        "Vermeulen", "Koster", "Peeters", "Müller", "Çelik", "Hoekstra", "van Dijk", "Kramer", "Prins", "Verbeek"]
ROLES = ["Interim-CFO", "Interim-directeur", "Interim-manager", "Interim-bestuurder", "Programmamanager",
         "Interim-CIO", "Kwartiermaker", "Verandermanager", "Interim-HR-directeur", "Crisismanager"]
FIELDS = ["in de zorg", "bij de overheid", "in het onderwijs", "in de logistiek", "in de industrie", "bij banken",
          "in de energiesector", "bij woningcorporaties", "in de ICT", "in de retail"]
EXPERTISE = ["fusies", "financiële turnaround", "planning & control", "lean", "supply chain", "reorganisatie",
             "ERP-implementatie", "governance", "crisismanagement", "digitale transformatie", "verandermanagement",
             "inkoop", "HR-beleid", "aanbestedingen", "toezicht op bouwprojecten", "cultuurverandering"]
BIO = ["Twintig jaar ervaring als eindverantwoordelijke.", "Brengt rust en richting na een crisis.",
       "Werkt graag met raden van toezicht en ondernemingsraden.", "Sterk in het verbinden van strategie en uitvoering.",
       "Begeleidde meerdere ziekenhuisfusies.", "Leidde de invoering van een nieuw ERP-systeem.",
       "Heeft gewerkt in Nederland, België en Duitsland.", "Specialist in herstructureringen en saneringen."]
LANGUAGES = ["Nederlands, Engels", "Nederlands, Engels, Duits", "Nederlands, Frans", "Nederlands", "Nederlands, Engels, Spaans"]


def searches(today: date) -> list[dict]:
    """Twenty searches a client would make: free text, typing, accents, filters, combinations, sorting, paging."""
    soon = (today + timedelta(days=60)).isoformat()
    return [
        {"q": "cfo"},
        {"q": "zorg"},
        {"q": "verm"},  # typing a name
        {"q": "financiele turnaround"},  # without the accent
        {"sector": "healthcare"},
        {"region": "utrecht"},
        {"sector": "healthcare", "region": "utrecht"},
        {"q": "interim cfo zorg"},
        {"q": "fusies", "sort": "relevance"},
        {"level": "senior"},
        {"language": "de"},
        {"available_before": soon},
        {"q": "turnaround", "region": "noord-holland"},
        {"sector": "logistics", "language": "en"},
        {"q": "supply chain"},
        {"sort": "certified"},
        {"q": "ict", "sector": "ict"},
        {"q": "de vries"},
        {"expertise": "lean", "available_before": soon},
        {"sector": "government", "page": "5"},
    ]


def _clear() -> None:
    """Remove the bench data with plain DELETEs (Django's collector would visit every relation of 100,000 users)."""
    user = User._meta.db_table
    profile = MemberProfile._meta.db_table
    bench_users = f"SELECT id FROM {user} WHERE email LIKE %s"
    bench_profiles = f"SELECT id FROM {profile} WHERE user_id IN ({bench_users})"
    like = f"{PREFIX}%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Certificate._meta.db_table} WHERE number LIKE %s", [f"RQIM-{YEAR}-%"])
        cursor.execute(f"DELETE FROM {CertificationApplication._meta.db_table} WHERE applicant_id IN ({bench_users})", [like])
        for through in (MemberProfile.register_sectors.through, MemberProfile.regions.through):
            cursor.execute(f"DELETE FROM {through._meta.db_table} WHERE memberprofile_id IN ({bench_profiles})", [like])
        cursor.execute(f"DELETE FROM {profile} WHERE user_id IN ({bench_users})", [like])
        cursor.execute(f"DELETE FROM {user} WHERE email LIKE %s", [like])
    # The bench's own status lists (a scratch database: a list no certificate points at is the bench's).
    CertificateStatusList.objects.exclude(pk__in=Certificate.objects.values("suspension_list")).exclude(
        pk__in=Certificate.objects.values("revocation_list")
    ).delete()


def generate(*, profiles: int, listed: int, seed: int = 1) -> None:
    """`profiles` bench member profiles, of which `listed` listed with an active certificate."""
    call_command("migrate", verbosity=0, interactive=False)
    _clear()
    rng = random.Random(seed)
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
    sectors = list(Sector.objects.all())
    regions = list(Region.objects.all())
    today = date.today()
    listed_every = max(1, profiles // max(1, listed)) if listed else 0
    serial = 0
    suspension_list = CertificateStatusList.objects.create(purpose=CertificateStatusList.Purpose.SUSPENSION)
    revocation_list = CertificateStatusList.objects.create(purpose=CertificateStatusList.Purpose.REVOCATION)
    for start in range(0, profiles, BATCH):
        with transaction.atomic():
            count = min(BATCH, profiles - start)
            users = User.objects.bulk_create([
                User(email=f"{PREFIX}{start + i}@example.org", first_name=rng.choice(FIRST), last_name=rng.choice(LAST))
                for i in range(count)
            ])
            rows, chosen = [], []
            for i, user in enumerate(users):
                number = start + i
                is_listed = bool(listed_every) and number % listed_every == 0 and number // listed_every < listed
                mine_sectors = rng.sample(sectors, rng.randint(1, 3))
                mine_regions = rng.sample(regions, rng.randint(1, 3))
                consents = {name: rng.random() < 0.85 for name in (
                    "show_headline", "show_bio", "show_sectors", "show_expertise", "show_regions", "show_languages",
                    "show_availability", "show_day_rate", "show_linkedin")}
                values = {
                    "headline": f"{rng.choice(ROLES)} {rng.choice(FIELDS)}",
                    "bio_nl": " ".join(rng.sample(BIO, 3)),
                    "bio_en": "",
                    "expertise": ", ".join(rng.sample(EXPERTISE, 3)).capitalize() + ".",
                }
                primary, secondary = search_documents(
                    full_name=f"{user.first_name} {user.last_name}",
                    sector_names=[name for s in mine_sectors for name in (s.name_nl, s.name_en)], **values,
                    **{key: consents[key] for key in ("show_headline", "show_bio", "show_sectors", "show_expertise")},
                )
                rows.append(MemberProfile(
                    user=user, phone="+31 6 00000000", street="Benchstraat 1", postal_code="1000 AA", city="Utrecht",
                    kvk_number=f"{number % 100000000:08d}", sectors="", years_interim=rng.randint(1, 30),
                    languages=rng.choice(LANGUAGES), day_rate_band=rng.choice(["", "lt1000", "1000-1250", "gte1500"]),
                    available_from=None if rng.random() < 0.3 else today + timedelta(days=rng.randint(0, 365)),
                    register_listed=is_listed, search_primary=primary, search_secondary=secondary, **values, **consents,
                ))
                chosen.append((mine_sectors, mine_regions, is_listed))
            made = MemberProfile.objects.bulk_create(rows)
            MemberProfile.register_sectors.through.objects.bulk_create([
                MemberProfile.register_sectors.through(memberprofile_id=p.pk, sector_id=s.pk)
                for p, (mine, _r, _l) in zip(made, chosen) for s in mine
            ])
            MemberProfile.regions.through.objects.bulk_create([
                MemberProfile.regions.through(memberprofile_id=p.pk, region_id=r.pk)
                for p, (_s, mine, _l) in zip(made, chosen) for r in mine
            ])
            holders = [p.user for p, (_s, _r, is_listed) in zip(made, chosen) if is_listed]
            submitted = datetime(YEAR, 1, 1, tzinfo=dt_timezone.utc)
            applications = CertificationApplication.objects.bulk_create([
                CertificationApplication(applicant=user, scheme=scheme, level=rng.choice(levels), norm_version=norms,
                                         status=CertificationApplication.Status.GRANTED, submitted_at=submitted,
                                         decided_at=submitted)
                for user in holders
            ])
            certificates = []
            for application in applications:
                serial += 1
                issued = today - timedelta(days=rng.randint(1, 1000))
                certificates.append(Certificate(
                    number=Certificate.format_number(year=YEAR, serial=serial), holder_id=application.applicant_id,
                    scheme=scheme, level_id=application.level_id, norm_version=norms, application=application,
                    status=Certificate.Status.ACTIVE, status_changed_on=issued, issued_on=issued, valid_from=issued,
                    valid_until=issued + timedelta(days=3 * 365),
                    suspension_list=suspension_list, suspension_index=serial,
                    revocation_list=revocation_list, revocation_index=serial,
                ))
            Certificate.objects.bulk_create(certificates)
            # bulk_create bypasses the signals that copy the certificate facts onto the profiles.
            register_certificate_facts_refresh(user_ids=[user.pk for user in holders])
    if connection.vendor == "postgresql":
        from members.register_index import search_vector

        MemberProfile.objects.filter(user__email__startswith=PREFIX).update(
            search_vector=search_vector("search_primary", "search_secondary")
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int) -> subprocess.Popen:
    call_command("collectstatic", verbosity=0, interactive=False)
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
           "REGISTER_API_RATE_LIMIT": "1000000000", "LOG_LEVEL": "ERROR"}
    if not env.get("CREDENTIAL_SIGNING_KEY"):  # production refuses to start without one; the bench signs nothing
        import json

        from joserfc.jwk import OKPKey

        env["CREDENTIAL_SIGNING_KEY"] = json.dumps(OKPKey.generate_key("Ed25519", private=True).as_dict(private=True))
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


def _timed(port: int, paths: list[str], repeats: int) -> tuple[list[float], list]:
    latencies, failures = [], []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(repeats):
        for path in paths:
            began = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                failures.append((path, repr(error)))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies.append(time.perf_counter() - began)
            if response.status >= 500 or response.status == 429:
                failures.append((path, response.status))
    conn.close()
    return latencies, failures


def _query_counts(paths: list[str]) -> list[int]:
    """Database queries per search, counted in this process with Django's test client."""
    from django.core.cache import cache
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    counts = []
    with override_settings(ALLOWED_HOSTS=["*"], SECURE_SSL_REDIRECT=False, REGISTER_API_RATE_LIMIT=10**9):
        client = Client()
        client.get(paths[0])  # warm what a process keeps (the site, the locales)
        for path in paths:
            cache.clear()
            with CaptureQueriesContext(connection) as context:
                client.get(path)
            counts.append(len(context.captured_queries))
    return counts


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")


def run(*, profiles: int = 100_000, listed: int = 20_000, repeats: int = 5, workers: int = 2, seed: int = 1,
        verbose: bool = True) -> dict:
    """Generate one register size, measure the twenty searches on the page and the API; return the figures."""
    began = time.perf_counter()
    generate(profiles=profiles, listed=listed, seed=seed)
    if verbose:
        print(f"{profiles} bench profiles ({listed} listed) ready in {time.perf_counter() - began:.1f} s "
              f"({connection.vendor})")
    port = free_port()
    server = start_server(port, workers)
    try:
        return {"profiles": profiles, "listed": listed, **measure(port=port, repeats=repeats, verbose=verbose)}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def measure(*, port: int, repeats: int = 5, verbose: bool = True, count_queries: bool = True) -> dict:
    """The twenty searches against the server on `port`, on the page and the API: p50, p95, queries, failures."""
    queries = [urlencode(params) for params in searches(date.today())]
    results = {"database": connection.vendor, "searches": len(queries), "repeats": repeats}
    for name, base in (("page", "/register/"), ("api", "/api/v1/register/")):
        paths = [f"{base}?{query}" for query in queries]
        _timed(port, paths, 1)  # warm up
        latencies, failures = _timed(port, paths, repeats)
        counts = _query_counts(paths) if count_queries else [None]
        results[name] = {
            "p50_ms": round(_pct(latencies, 0.5), 1),
            "p95_ms": round(_pct(latencies, 0.95), 1),
            "requests": len(latencies),
            "queries_min": min(counts) if count_queries else None,
            "queries_max": max(counts) if count_queries else None,
            "failures": failures,
        }
        if verbose:
            figures = results[name]
            print(f"  {name:<5} {base:<20} p50 {figures['p50_ms']:7.1f} ms   p95 {figures['p95_ms']:7.1f} ms   "
                  f"queries per search {figures['queries_min']}–{figures['queries_max']}   "
                  f"{figures['requests']} requests, {len(failures)} failed")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--listed", type=int, default=20_000)
    parser.add_argument("--baseline", type=int, default=1_000, help="profiles of the small register to compare with (0: none)")
    parser.add_argument("--repeats", type=int, default=5, help="times each of the twenty searches is asked")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the bench data afterwards")
    parser.add_argument("--port", type=int, default=None,
                        help="measure the server already answering on this port, on the data in the database: "
                             "no data is built or removed (what `make bench` does on its generated register)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()
    if args.port:
        result = measure(port=args.port, repeats=args.repeats)
        if args.json:
            import json

            args.json.write_text(json.dumps(result))
        return 1 if result["page"]["failures"] or result["api"]["failures"] else 0

    runs = []
    if args.baseline:
        runs.append(run(profiles=args.baseline, listed=max(1, args.baseline * args.listed // max(1, args.profiles)),
                        repeats=args.repeats, workers=args.workers, seed=args.seed))
    runs.append(run(profiles=args.profiles, listed=args.listed, repeats=args.repeats, workers=args.workers,
                    seed=args.seed))
    if not args.keep:
        _clear()
    failed = any(result[name]["failures"] for result in runs for name in ("page", "api"))
    if len(runs) == 2:
        small, large = runs
        for name in ("page", "api"):
            ratio = large[name]["p95_ms"] / small[name]["p95_ms"] if small[name]["p95_ms"] else float("nan")
            same = (small[name]["queries_min"], small[name]["queries_max"]) == (large[name]["queries_min"], large[name]["queries_max"])
            print(f"{name}: p95 {large[name]['p95_ms']} ms at {large['profiles']} (target < 150: "
                  f"{'met' if large[name]['p95_ms'] < 150 else 'NOT met'}); {ratio:.2f}× the figure at "
                  f"{small['profiles']} (target ≤ 1.5: {'met' if ratio <= 1.5 else 'NOT met'}); same query count at "
                  f"both sizes: {'yes' if same else 'NO'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
