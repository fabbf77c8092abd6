"""Benchmark: PE eligibility for many members at once, from aggregate queries.

    .venv/bin/python bench/pe_eligibility.py                 # 20,000 members, 1,000,000 entries
    .venv/bin/python bench/pe_eligibility.py --scale 0.02    # a quick run: 400 members, 20,000 entries
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pe .venv/bin/python bench/pe_eligibility.py

It migrates the database (a temporary SQLite file unless DATABASE_URL is set; use a
scratch database), adds the RQIM rules (60 points in three-year cycles, a minimum and a
maximum per category) and `--members` members with `--entries` entries in all, spread
over the current and the previous cycle, in every status, some with an event's fixed
points. Then:

1. `pe_standings` computes every member's progress in the current cycle (a fixed number
   of aggregate queries grouped per member, category and status; no loop over entries),
   and each member's eligibility with its reasons: members per second;
2. `pe_eligibility`, the function certification asks, answers for `--sample` members one
   by one: members per second and the queries per member;
3. the two must agree for every sampled member.

With `--existing` it builds nothing and measures the holders of an active certificate
already in the database on today's date: `make bench` (bench/run.py) runs it that way on
its generated data (`--json` writes the figures for the report).

From Python: `run(scale=0.02)` returns the figures as a dict. The exit status is 1 when
the two answers differ. Bench members (`pe-bench-*@example.org`) are replaced at each run.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = Path(tempfile.gettempdir()) / "rqim-bench-pe.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DEFAULT_DB}")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries, transaction  # noqa: E402

from knowledge import pe_selectors  # noqa: E402
from knowledge.pe_models import PECategory, PECategoryRule, PEEntry, PERequirement  # noqa: E402
from members.models import CertificationScheme  # noqa: E402

PREFIX = "pe-bench-"
ON = date(2027, 6, 30)  # halfway through the cycle 2026-01-01 – 2028-12-31
CATEGORIES = [  # code, minimum, maximum
    ("bench-sessions", Decimal("10"), None),
    ("bench-courses", Decimal("0"), Decimal("40")),
    ("bench-intervision", Decimal("10"), Decimal("30")),
    ("bench-teaching", Decimal("0"), Decimal("20")),
    ("bench-reflection", Decimal("0"), Decimal("15")),
]
STATUSES = [PEEntry.Status.APPROVED] * 14 + [PEEntry.Status.PENDING] * 3 + [PEEntry.Status.REJECTED] * 2 + [
    PEEntry.Status.WITHDRAWN]


def prepare(*, members: int, entries: int, seed: int) -> list[int]:
    """The rules, the bench members and their entries; returns the members' ids."""
    call_command("migrate", verbosity=0)
    User = get_user_model()
    old = User.objects.filter(email__startswith=PREFIX)
    PEEntry.objects.filter(member__in=old)._raw_delete(PEEntry.objects.db)
    old.delete()
    scheme = CertificationScheme.objects.filter(code="rqim").first()
    if scheme is None:
        scheme = CertificationScheme.objects.create(code="rqim", name_nl="RQIM", name_en="RQIM")
    categories = []
    for index, (code, minimum, maximum) in enumerate(CATEGORIES):
        category, _ = PECategory.objects.get_or_create(
            code=code, defaults={"name_nl": code, "name_en": code, "sort_order": 100 + index})
        categories.append((category, minimum, maximum))
    if not PERequirement.objects.filter(scheme=scheme).exists():
        requirement = PERequirement.objects.create(scheme=scheme, valid_from=date(2020, 1, 1), cycle_years=3,
                                                   points_required=Decimal("60"), points_per_hour=Decimal("1"))
        for category, minimum, maximum in categories:
            PECategoryRule.objects.create(requirement=requirement, category=category, min_points=minimum,
                                          max_points=maximum)
    rng = random.Random(seed)
    with transaction.atomic():
        User.objects.bulk_create(
            (User(email=f"{PREFIX}{n}@example.org", first_name="Bench", last_name=str(n)) for n in range(members)),
            batch_size=2000)
    ids = list(User.objects.filter(email__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))
    first = date(2023, 1, 1)
    span = (ON - first).days
    batch = []
    for n in range(entries):
        # Some members are busy, some hardly log anything: a skewed spread over the members.
        member_id = ids[min(int(rng.paretovariate(1.2)) - 1, len(ids) - 1) if n % 3 == 0 else rng.randrange(len(ids))]
        category = categories[rng.randrange(len(categories))][0]
        event = rng.random() < 0.1
        status = rng.choice(STATUSES)
        batch.append(PEEntry(
            member_id=member_id, category=category, title="Bench", date=first + timedelta(days=rng.randrange(span)),
            hours=Decimal(rng.choice(["0.5", "1", "1.5", "2", "3", "4", "8"])),
            points=Decimal(rng.choice(["1", "2", "3"])) if event else None,
            source=PEEntry.Source.EVENT if event else PEEntry.Source.MEMBER,
            status=status, rejection_reason="Bench" if status == PEEntry.Status.REJECTED else "",
        ))
        if len(batch) == 5000:
            with transaction.atomic():
                PEEntry.objects.bulk_create(batch)
            batch = []
    with transaction.atomic():
        PEEntry.objects.bulk_create(batch)
    return ids


def run(*, scale: float = 1.0, members: int | None = None, entries: int | None = None, sample: int = 500,
        seed: int = 2026, quiet: bool = False) -> dict:
    """Build the data and time both ways of answering; returns the figures."""
    say = (lambda *a: None) if quiet else print
    members = members or max(10, int(20_000 * scale))
    entries = entries or max(100, int(1_000_000 * scale))
    say(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    started = time.perf_counter()
    ids = prepare(members=members, entries=entries, seed=seed)
    say(f"data: {len(ids)} members, {entries} entries ({time.perf_counter() - started:.1f} s to build)")
    return {"entries": entries, **measure(member_ids=ids, on=ON, sample=sample, seed=seed, quiet=quiet)}


def certified_members() -> list[int]:
    """The holders of an active certificate: whose eligibility certification asks."""
    from members.models import Certificate

    return sorted(set(Certificate.objects.filter(status=Certificate.Status.ACTIVE).values_list("holder_id", flat=True)))


def measure(*, member_ids: list[int], on: date, sample: int = 500, seed: int = 2026, quiet: bool = False) -> dict:
    """Time both ways of answering for `member_ids` on the day `on`, and check that they agree."""
    say = (lambda *a: None) if quiet else print
    ids = list(member_ids)
    if not ids:
        raise SystemExit("bench/pe_eligibility.py: no members to measure")
    started = time.perf_counter()
    standings = pe_selectors.pe_standings(on=on, member_ids=ids)
    eligible = sum(1 for standing in standings.values() if standing.eligibility().met)
    bulk_seconds = time.perf_counter() - started
    say(f"all at once:  {len(standings) / bulk_seconds:10.0f} members/s "
        f"({len(standings)} members in {bulk_seconds:.2f} s; {eligible} meet the requirement)")

    chosen = random.Random(seed).sample(ids, min(sample, len(ids)))
    User = get_user_model()
    users = User.objects.in_bulk(chosen)
    debug, settings.DEBUG = settings.DEBUG, True  # count the queries
    reset_queries()
    started = time.perf_counter()
    answers = {pk: pe_selectors.pe_eligibility(user=users[pk], on=on) for pk in chosen}
    one_seconds = time.perf_counter() - started
    queries = len(connection.queries)
    settings.DEBUG = debug
    say(f"one by one:   {len(chosen) / one_seconds:10.0f} members/s "
        f"({len(chosen)} members, {queries / len(chosen):.1f} queries per member)")

    differences = [pk for pk, answer in answers.items()
                   if pk not in standings
                   or (answer.met, answer.shortfalls, answer.progress.counted)
                   != (standings[pk].eligibility().met, standings[pk].eligibility().shortfalls,
                       standings[pk].progress.counted)]
    say("both answers agree: " + ("yes" if not differences else f"NO, {len(differences)} members differ"))
    return {"members": len(ids), "bulk_members_per_second": len(standings) / bulk_seconds,
            "bulk_seconds": bulk_seconds, "sample": len(chosen),
            "single_members_per_second": len(chosen) / one_seconds, "queries_per_member": queries / len(chosen),
            "eligible": eligible, "differences": len(differences)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of 20,000 members and 1,000,000 entries (1.0)")
    parser.add_argument("--members", type=int, default=None)
    parser.add_argument("--entries", type=int, default=None)
    parser.add_argument("--sample", type=int, default=500, help="members asked one by one (500)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--existing", action="store_true",
                        help="measure the holders of an active certificate already in the database, today "
                             "(what `make bench` does on its generated data), instead of building bench members")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()
    if args.existing:
        result = measure(member_ids=certified_members(), on=date.today(), sample=args.sample, seed=args.seed)
    else:
        result = run(scale=args.scale, members=args.members, entries=args.entries, sample=args.sample, seed=args.seed)
    if args.json:
        import json

        args.json.write_text(json.dumps(result))
    return 1 if result["differences"] else 0


if __name__ == "__main__":
    sys.exit(main())
