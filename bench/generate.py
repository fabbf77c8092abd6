"""Bench data: a realistic Dutch association at a chosen scale, reproducible from a seed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/generate.py --scale 0.01
    .venv/bin/python bench/generate.py --scale 1 --seed 2026          # the full set (a few minutes)

At scale 1 (`COUNTS`): 100,000 members, each with an account, a membership and a
member profile; 20,000 of them certified (an application granted, a certificate
with its validity period and status-list places) and listed in the register with
consented, filled-in profiles; 1,000,000 PE entries (most of them logged by the
certified members); 2,000 events with 200,000 registrations; 500 news items and
knowledge pages. Other scales multiply every count (at least one of each).

The rows go in with `bulk_create` in batches (fast on PostgreSQL and SQLite alike);
only the Wagtail pages (events, news, knowledge) go through treebeard's `add_child`,
a few thousand at scale 1. The same seed and reference date give the same data: each
part draws from its own random generator, so a change in one part leaves the others
as they were. A progress bar shows on a terminal (not when CI is set).

It adds to what is there (run it on a fresh, migrated database, with or without
`seed_demo`); the set-up rows it needs (scheme, levels, norms, PE categories and
rules, plans, indexes) are found by code or created.
"""

from __future__ import annotations

import argparse
import base64
import math
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone as dt_timezone
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Scale 1, as the benchmark issue sets it.
COUNTS = {
    "members": 100_000,
    "certified": 20_000,
    "pe_entries": 1_000_000,
    "events": 2_000,
    "registrations": 200_000,
    "pages": 500,
}
# Of the PE entries, this share belongs to certified members (they must keep up their PE).
CERTIFIED_PE_SHARE = 0.7
# Of the pages, this share is news; the rest are knowledge articles.
NEWS_SHARE = 0.8
BATCH = 2_000
EMAIL_DOMAIN = "bench.example.nl"
# Not "kennisbank": that is the library the demo seeds.
KNOWLEDGE_SLUG = "achtergronden"


def plan_counts(scale: float) -> dict[str, int]:
    """The number of rows of each kind at `scale` (at least one of each, certified ≤ members)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    counts = {name: max(1, round(count * scale)) for name, count in COUNTS.items()}
    counts["certified"] = min(counts["certified"], counts["members"])
    counts["pages"] = max(2, counts["pages"])  # one news item and one knowledge page at least
    return counts


# --- Dutch words -------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna Bram Carla Daan Eva Femke Gert Hanneke Iris Jeroen Karin Lars Marieke Niels Olga Pieter Quinten Roos "
    "Sanne Thijs Ursula Vincent Wendy Xander Yvonne Zeger Annemieke Bas Charlotte Dirk Els Frank Geert Hilde Ingrid "
    "Jan Klaas Lotte Maarten Nicole Otto Petra Rob Saskia Tom Ilse Willem Joost Mirjam Ruud Esther Hans Marloes "
    "Koen Linda Sjoerd Margriet Erik Janneke Wouter Femmy Hugo Noor Sem Fleur Jasper Laura Rik Evelien Stijn"
).split()
LAST_NAMES = (
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|"
    "Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|Smits|de Graaf|van der Meer|van der Linden|"
    "Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|"
    "Schouten|van Beek|Willems|van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|van der Wal|Prins|"
    "Blom|Huisman|Peeters|de Lange|Kuipers|van Wijk|Postma|Kramer|van den Bosch|Scholten|Veenstra|Bosman|"
    "Molenaar|Timmermans|Groen|Koning|Wouters|Hermans|Sanders|Boekhout|Ververs|Zwart"
).split("|")
# city, postal code range (4 digits), phone area code, region code (members.Region)
CITIES = [
    ("Amsterdam", (1011, 1109), "020", "noord-holland"),
    ("Rotterdam", (3011, 3089), "010", "zuid-holland"),
    ("Den Haag", (2491, 2597), "070", "zuid-holland"),
    ("Utrecht", (3511, 3585), "030", "utrecht"),
    ("Eindhoven", (5611, 5658), "040", "noord-brabant"),
    ("Groningen", (9711, 9747), "050", "groningen"),
    ("Tilburg", (5011, 5049), "013", "noord-brabant"),
    ("Almere", (1311, 1362), "036", "flevoland"),
    ("Breda", (4811, 4839), "076", "noord-brabant"),
    ("Nijmegen", (6511, 6546), "024", "gelderland"),
    ("Apeldoorn", (7311, 7339), "055", "gelderland"),
    ("Haarlem", (2011, 2037), "023", "noord-holland"),
    ("Arnhem", (6811, 6846), "026", "gelderland"),
    ("Amersfoort", (3811, 3830), "033", "utrecht"),
    ("Zwolle", (8011, 8043), "038", "overijssel"),
    ("Leiden", (2311, 2334), "071", "zuid-holland"),
    ("Maastricht", (6211, 6229), "043", "limburg"),
    ("Enschede", (7511, 7548), "053", "overijssel"),
    ("Leeuwarden", (8911, 8939), "058", "friesland"),
    ("Den Bosch", (5211, 5249), "073", "noord-brabant"),
    ("Assen", (9401, 9409), "0592", "drenthe"),
    ("Middelburg", (4331, 4339), "0118", "zeeland"),
    ("Hilversum", (1211, 1223), "035", "noord-holland"),
    ("Deventer", (7411, 7429), "0570", "overijssel"),
]
STREETS = (
    "Kerkstraat Dorpsstraat Stationsweg Molenweg Schoolstraat Julianastraat Beatrixlaan Wilhelminastraat "
    "Kastanjelaan Eikenlaan Prinsengracht Herengracht Nieuwstraat Marktplein Industrieweg Parallelweg "
    "Oranjestraat Lindelaan Burgemeester de Withstraat Vondellaan Rembrandtlaan Hoofdstraat Veldweg Zuidsingel"
).split()
ROLES = [
    ("Interim-CFO", "finance", "Financiële turnaround, planning & control, fusies en overnames."),
    ("Interim-directeur", "industry", "Reorganisatie, strategie en leiding in onzekere tijden."),
    ("Interim-bestuurder", "healthcare", "Governance, toezicht en bestuurlijke verhoudingen in de zorg."),
    ("Interim-programmamanager", "government", "Grote programma's bij gemeenten en ministeries, van plan tot oplevering."),
    ("Interim-CIO", "ict", "ICT-transities, sourcing, informatiebeveiliging en datagedreven werken."),
    ("Interim-HR-directeur", "education", "Cultuurverandering, medezeggenschap en strategische personeelsplanning."),
    ("Interim-manager supply chain", "logistics", "Lean, ERP- en WMS-implementaties, distributie en inkoop."),
    ("Interim-manager energietransitie", "energy", "Netbeheer, verduurzaming en grote infrastructuurprojecten."),
    ("Interim-manager vastgoed", "housing", "Portefeuillestrategie, huisvesting en bouwprojecten."),
    ("Interim-manager zorglogistiek", "healthcare", "Capaciteitsmanagement en patiëntlogistiek in ziekenhuizen."),
]
LANGUAGES = ["Nederlands, Engels", "Nederlands, Engels, Duits", "Nederlands", "Nederlands, Engels, Frans"]
PE_TITLES = {
    "sessions": ["Kennissessie goed opdrachtgeverschap", "Webinar nieuwe normen", "Regiobijeenkomst {city}",
                 "Kennissessie interim in de zorg", "Lezing governance en toezicht"],
    "courses": ["Training onderhandelen", "Cursus verandermanagement", "Leergang financieel leiderschap",
                "Masterclass crisiscommunicatie", "Training lean leiderschap"],
    "intervision": ["Intervisiegroep voorjaar", "Intervisiegroep najaar", "Collegiale toetsing regio {city}",
                    "Intervisie met collega-interimmers"],
    "teaching": ["Gastcollege verandermanagement", "Artikel in vakblad", "Workshop voor jonge interimmers"],
    "reflection": ["Reflectie op opdracht gemeente", "Reflectie op opdracht ziekenhuis", "Reflectie op een turnaround"],
}
PE_PROVIDERS = ["RQIM-vereniging", "Academie Noord", "Nyenrode", "Hogeschool Utrecht", "TIAS", "Eigen intervisiegroep",
                "Erasmus Academie", "Management Impact", ""]
NEWS_SUBJECTS = ["de norm", "het register", "permanente educatie", "de ledenvergadering", "opdrachtgeverschap",
                 "de arbeidsmarkt voor interim-managers", "hercertificering", "de regiobijeenkomsten", "tarieven",
                 "toezicht in de zorg", "de Wet DBA", "digitale certificaten"]
NEWS_VERBS = ["Nieuw over", "Terugblik op", "Vijf vragen over", "Wat verandert er aan", "Ledenpeiling over",
              "Het bestuur over", "Praktijkverhaal:"]
KNOWLEDGE_TITLES = ["Handreiking", "Checklist", "Praktijkgids", "Achtergrond", "Model"]
EVENT_KINDS = [
    ("knowledge_session", "Kennissessie", 3, Decimal("0"), Decimal("45")),
    ("webinar", "Webinar", 1, Decimal("0"), Decimal("0")),
    ("regional_meeting", "Regiobijeenkomst", 2, Decimal("0"), Decimal("25")),
    ("congress", "Congres", 7, Decimal("195"), Decimal("395")),
]
EVENT_REGIONS = {"noord-holland": "west", "zuid-holland": "west", "utrecht": "centre", "noord-brabant": "south",
                 "groningen": "north", "flevoland": "centre", "gelderland": "east", "overijssel": "east",
                 "limburg": "south", "friesland": "north", "drenthe": "north", "zeeland": "south"}


# --- progress -------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on a terminal; silent in CI or when the output is not a terminal."""

    def __init__(self, total: int, *, stream=None, enabled: bool | None = None):
        self.total, self.done, self.stream = max(1, total), 0, stream or sys.stderr
        if enabled is None:
            enabled = self.stream.isatty() and not os.environ.get("CI")
        self.enabled = enabled
        self.started = time.monotonic()
        self.label = ""

    def step(self, label: str, count: int = 0) -> None:
        self.label = label
        self.done += count
        if self.enabled:
            share = min(1.0, self.done / self.total)
            bar = "#" * int(share * 30)
            self.stream.write(f"\r  [{bar:<30}] {share:5.1%} {time.monotonic() - self.started:6.0f} s  {label:<28}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


# --- the generator ---------------------------------------------------------------------------


@dataclass
class Generated:
    scale: float
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    # What the benchmarks look for: addresses and people, found here so no benchmark searches.
    landmarks: dict = field(default_factory=dict)


def _rng(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")


def _token(rng: random.Random, bits: int = 96) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(bits).to_bytes(bits // 8, "big")).decode().rstrip("=")


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _aware(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt_timezone.utc)


def _spread(total: int, parts: int, rng: random.Random, *, cap: int | None = None) -> list[int]:
    """`total` split over `parts` in uneven, realistic sizes (each at most `cap`)."""
    if parts <= 0:
        return []
    weights = [rng.lognormvariate(0, 0.6) for _ in range(parts)]
    scale = total / sum(weights)
    sizes = [int(w * scale) for w in weights]
    if cap is not None:
        sizes = [min(size, cap) for size in sizes]
    short = total - sum(sizes)
    while short > 0:  # hand out what rounding (or the cap) left over
        room = [j for j in range(parts) if cap is None or sizes[j] < cap]
        if not room:
            break
        for j in room[:short]:
            sizes[j] += 1
        short = total - sum(sizes)
    return sizes


def generate(*, scale: float = 1.0, seed: int = 2026, today: date | None = None, progress: Progress | None = None,
             stdout=None) -> Generated:
    """Add the bench data at `scale` to the database Django is set up with; return counts and landmarks."""
    from django.db import transaction

    today = today or date.today()
    counts = plan_counts(scale)
    result = Generated(scale=scale, seed=seed)
    work = counts["members"] * 3 + counts["certified"] * 4 + counts["pe_entries"] + counts["registrations"] \
        + (counts["events"] + counts["pages"]) * 20
    progress = progress or Progress(work, enabled=False)
    progress.total = max(1, work)

    def timed(name, func, *args):
        began = time.monotonic()
        value = func(*args)
        result.seconds[name] = round(time.monotonic() - began, 2)
        return value

    with transaction.atomic():
        base = timed("set-up rows", _base_rows)
    users = timed("members", _members, counts, seed, today, base, progress)
    certified = timed("certificates", _certificates, counts, seed, today, base, users, progress)
    timed("pe entries", _pe_entries, counts, seed, today, base, users, certified, progress)
    pages = timed("pages", _pages, counts, seed, today, base, progress)
    timed("registrations", _registrations, counts, seed, today, users, pages["events"], progress)
    progress.close()

    result.counts = _count_rows(users, pages["slug_prefix"])
    result.landmarks = _landmarks(users, certified, pages, today)
    if stdout is not None:
        stdout.write(f"generated at scale {scale} (seed {seed}): " +
                     ", ".join(f"{n:,} {name}" for name, n in result.counts.items()) + "\n")
    return result


def _base_rows() -> dict:
    """The rows every generated record hangs off, found by code (as seed_demo names them) or created."""
    from knowledge.pe_models import PECategory, PECategoryRule, PERequirement
    from members.models import (
        CertificateStatusList, CertificationLevel, CertificationScheme, MembershipPlan, NormVersion, Region, Sector,
    )

    scheme, _ = CertificationScheme.objects.get_or_create(
        code="rqim", defaults={"name_nl": "RQIM", "name_en": "RQIM", "validity_years": 3})
    levels = [
        CertificationLevel.objects.get_or_create(
            scheme=scheme, code="rqim", defaults={"name_nl": "RQIM", "name_en": "RQIM", "eqf_level": 6, "sort_order": 1})[0],
        CertificationLevel.objects.get_or_create(
            scheme=scheme, code="senior",
            defaults={"name_nl": "RQIM Senior", "name_en": "RQIM Senior", "eqf_level": 7, "sort_order": 2})[0],
    ]
    norms = NormVersion.objects.filter(scheme=scheme).order_by("-effective_from").first() or NormVersion.objects.create(
        scheme=scheme, version="2026.1", title_nl="RQIM-norm", title_en="RQIM norm", effective_from=date(2026, 1, 1))
    from knowledge.demo_pe import CATEGORIES

    categories = {}
    for order, (code, nl, en, _minimum, _maximum, event_category) in enumerate(CATEGORIES):
        categories[code] = PECategory.objects.get_or_create(
            code=code, defaults={"name_nl": nl, "name_en": en, "sort_order": order, "event_category": event_category})[0]
    if not PERequirement.objects.filter(scheme=scheme).exists():
        requirement = PERequirement.objects.create(
            scheme=scheme, valid_from=date(2020, 1, 1), cycle_years=3, points_required=Decimal("60"))
        for code, _nl, _en, minimum, maximum, _event_category in CATEGORIES:
            PECategoryRule.objects.create(requirement=requirement, category=categories[code], min_points=minimum,
                                          max_points=maximum)
    plan = MembershipPlan.objects.filter(is_active=True).order_by("sort_order", "pk").first() or \
        MembershipPlan.objects.create(code="regular", name_nl="Gewoon lid", name_en="Regular member",
                                      yearly_price=Decimal("250.00"))
    lists = {}
    for purpose in CertificateStatusList.Purpose.values:
        lists[purpose] = CertificateStatusList.objects.filter(purpose=purpose).order_by("-pk").first() or \
            CertificateStatusList.objects.create(purpose=purpose)
    return {
        "scheme": scheme, "levels": levels, "norms": norms, "categories": categories, "plan": plan, "lists": lists,
        "sectors": {s.code: s for s in Sector.objects.all()}, "regions": {r.code: r for r in Region.objects.all()},
    }


def _bulk(model, rows, progress: Progress, label: str, *, weight: int = 1) -> list:
    """bulk_create in batches, each in its own transaction; returns the saved rows (with pks)."""
    from django.db import transaction

    saved = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        with transaction.atomic():
            saved += model.objects.bulk_create(chunk)
        progress.step(label, len(chunk) * weight)
    return saved


def _copy(model, objs, progress: Progress, label: str) -> None:
    """Insert unsaved rows without reading their keys back: COPY on PostgreSQL (several times
    faster than INSERT for a million rows), bulk_create elsewhere."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        _bulk(model, objs, progress, label)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    for start in range(0, len(objs), BATCH * 10):
        chunk = objs[start:start + BATCH * 10]
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for obj in chunk:
                    copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
        progress.step(label, len(chunk))


def _copy_rows(model, names: list[str], rows: list[tuple], progress: Progress, label: str) -> None:
    """Insert plain tuples of column values (by attribute name) without making model instances:
    for the tables of a million rows. Every non-null column must be named."""
    from django.db import connection, transaction

    concrete = [f for f in model._meta.concrete_fields if not f.primary_key]
    missing = [f.attname for f in concrete if f.attname not in names and not f.null]
    if missing:
        raise ValueError(f"{model.__name__}: columns without a value: {', '.join(missing)}")
    if connection.vendor != "postgresql":
        _bulk(model, [model(**dict(zip(names, row, strict=True))) for row in rows], progress, label)
        return
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n).column) for n in names)
    table = connection.ops.quote_name(model._meta.db_table)
    for start in range(0, len(rows), BATCH * 10):
        chunk = rows[start:start + BATCH * 10]
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in chunk:
                    copy.write_row(row)
        progress.step(label, len(chunk))


@dataclass
class Person:
    user_id: int
    first: str
    last: str
    city: tuple
    role: tuple
    certified: bool = False


def _members(counts, seed, today, base, progress) -> list[Person]:
    """Accounts, memberships and member profiles."""
    from members.models import Membership, MemberProfile, User

    rng = _rng(seed, "members")
    n = counts["members"]
    people, users = [], []
    for i in range(n):
        first, last, city = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(CITIES)
        local = f"{first}.{last}".lower().replace(" ", "")
        joined = today - timedelta(days=rng.randint(30, 15 * 365))
        users.append(User(
            email=f"{local}.{seed}.{i}@{EMAIL_DOMAIN}", first_name=first, last_name=last,
            password="!bench-no-password", language="en" if rng.random() < 0.08 else "nl",
            date_joined=_aware(joined, 9),
        ))
        people.append(Person(0, first, last, city, rng.choice(ROLES)))
    users = _bulk(User, users, progress, "accounts")
    for person, user in zip(people, users, strict=True):
        person.user_id = user.pk
    for i in _rng(seed, "certified").sample(range(n), counts["certified"]):
        people[i].certified = True
    register = _rng(seed, "register")

    plan = base["plan"]
    memberships, profiles = [], []
    for person, user in zip(people, users, strict=True):
        roll = rng.random()
        since = user.date_joined.date()
        if roll < 0.86:
            status, paid_until = Membership.Status.ACTIVE, date(today.year, 12, 31)
        elif roll < 0.91:
            status, paid_until = Membership.Status.IN_ARREARS, date(today.year - 1, 12, 31)
        elif roll < 0.95:
            status, paid_until = Membership.Status.LAPSED, date(today.year - 1, 12, 31)
        elif roll < 0.98:
            status, paid_until = Membership.Status.RESIGNED, date(today.year - 1, 12, 31)
        else:
            status, paid_until, since = Membership.Status.APPLICANT, None, None
        memberships.append(Membership(
            user_id=user.pk, plan=plan, status=status, paid_until=paid_until, member_since=since,
            statutes_version="2026-01", privacy_version="2026-01", terms_accepted_at=user.date_joined,
        ))
        name, low_high, area, _region = person.city
        role, sector, expertise = person.role
        profiles.append(MemberProfile(
            user_id=user.pk,
            phone=f"{area}-{rng.randint(10 ** (9 - len(area)), 10 ** (10 - len(area)) - 1)}",  # ten digits in all
            street=f"{rng.choice(STREETS)} {rng.randint(1, 240)}",
            postal_code=f"{rng.randint(*low_high)} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}",
            city=name, kvk_number=f"{rng.randint(10000000, 99999999)}",
            sectors=sector.replace("-", " "), expertise=expertise, years_interim=rng.randint(1, 30),
        ))
        if person.certified:
            _register_profile(profiles[-1], person, register, today)
    _copy(Membership, memberships, progress, "memberships")
    _copy(MemberProfile, profiles, progress, "member profiles")
    _register_choices(people, base, register)
    return people


def _register_profile(profile, person: Person, rng: random.Random, today: date) -> None:
    """A certified member's professional profile: listed, most fields public."""
    role, _sector, expertise = person.role
    city = person.city[0]
    started = today.year - profile.years_interim
    profile.headline = f"{role} – {rng.choice(['zorg', 'overheid', 'industrie', 'onderwijs', 'logistiek', 'financiële dienstverlening'])}"
    profile.bio_nl = f"{person.first} {person.last} werkt sinds {started} als interim-manager vanuit {city}. {expertise}"
    profile.bio_en = "" if rng.random() < 0.5 else f"Interim manager based in {city} since {started}."
    profile.languages = rng.choice(LANGUAGES)
    profile.available_from = today + timedelta(days=rng.choice([0, 0, 14, 30, 60, 90, 180]))
    profile.day_rate_band = rng.choice(["lt1000", "1000-1250", "1250-1500", "gte1500"])
    profile.linkedin_url = f"https://www.linkedin.com/in/{person.first.lower()}-{person.last.lower().replace(' ', '-')}-{person.user_id}"
    profile.register_listed = True
    for name in ("headline", "bio", "sectors", "expertise", "regions", "languages", "availability", "day_rate", "linkedin"):
        setattr(profile, f"show_{name}", rng.random() < 0.85)
    profile.consent_changed_at = _aware(today - timedelta(days=30), 9)


def _register_choices(people: list[Person], base: dict, rng: random.Random) -> None:
    """Sectors and regions of the certified members' profiles."""
    from members.models import MemberProfile

    sectors, regions = base["sectors"], base["regions"]
    sector_codes, region_codes = sorted(sectors), sorted(regions)
    holders = [p for p in people if p.certified]
    profile_ids = dict(MemberProfile.objects.filter(user_id__in=[h.user_id for h in holders]).values_list("user_id", "pk"))
    through_sector, through_region = MemberProfile.register_sectors.through, MemberProfile.regions.through
    sector_rows, region_rows = [], []
    for person in holders:
        profile_id = profile_ids[person.user_id]
        _role, sector, _expertise = person.role
        region = person.city[3]
        picked = {sector} if sector in sectors else set()
        picked.update(rng.sample(sector_codes, k=min(len(sector_codes), rng.randint(0, 2))))
        sector_rows += [through_sector(memberprofile_id=profile_id, sector_id=sectors[code].pk) for code in sorted(picked)]
        picked = {region} if region in regions else set()
        picked.update(rng.sample(region_codes, k=min(len(region_codes), rng.randint(0, 1))))
        region_rows += [through_region(memberprofile_id=profile_id, region_id=regions[code].pk) for code in sorted(picked)]
    through_sector.objects.bulk_create(sector_rows, batch_size=BATCH)
    through_region.objects.bulk_create(region_rows, batch_size=BATCH)


def _certificates(counts, seed, today, base, people: list[Person], progress) -> list[Person]:
    """Certified members: application, certificate, period, a consented register profile."""
    from members.models import Certificate, CertificatePeriod, CertificateSequence, CertificationApplication
    from members.register_index import register_certificate_facts_refresh
    from members.services.certification import validity_end

    rng = _rng(seed, "certificates")
    holders = [p for p in people if p.certified]
    scheme, levels, norms, lists = base["scheme"], base["levels"], base["norms"], base["lists"]

    # Status-list places: random and free in the newest list of each purpose (131,072 places each).
    places = {}
    for purpose, status_list in lists.items():
        used = set(Certificate.objects.filter(**{f"{purpose}_list": status_list}).values_list(f"{purpose}_index", flat=True))
        from members.credentials.status_list import LIST_LENGTH

        free = LIST_LENGTH - len(used)
        if free < len(holders):
            raise RuntimeError(f"the {purpose} status list has {free} free places for {len(holders)} certificates")
        picked, seen = [], set(used)
        while len(picked) < len(holders):
            index = rng.randrange(LIST_LENGTH)
            if index not in seen:
                seen.add(index)
                picked.append(index)
        places[purpose] = picked

    serials: dict[int, int] = {}
    for sequence in CertificateSequence.objects.all():
        serials[sequence.year] = sequence.last_number
    applications, plans = [], []
    for k, person in enumerate(holders):
        issued = today - timedelta(days=rng.randint(10, 3 * 365 - 10))
        level = levels[1] if rng.random() < 0.25 else levels[0]
        roll = rng.random()
        status = (Certificate.Status.ACTIVE if roll < 0.94 else Certificate.Status.SUSPENDED if roll < 0.97
                  else Certificate.Status.EXPIRED if roll < 0.99 else Certificate.Status.WITHDRAWN)
        if status == Certificate.Status.EXPIRED:  # a validity that ran out some months ago
            issued = today - timedelta(days=3 * 365 + rng.randint(1, 200))
        serials[issued.year] = serials.get(issued.year, 0) + 1
        submitted = _aware(issued - timedelta(days=rng.randint(40, 120)), 10)
        applications.append(CertificationApplication(
            applicant_id=person.user_id, scheme=scheme, level=level, norm_version=norms,
            status=CertificationApplication.Status.GRANTED, years_experience=rng.randint(3, 30),
            assignment_count=rng.randint(3, 25), declaration_version="2026-01", declaration_signed_at=submitted,
            submitted_at=submitted, decided_at=_aware(issued, 14),
        ))
        plans.append((issued, level, status, serials[issued.year], k))
    applications = _bulk(CertificationApplication, applications, progress, "applications")
    for year, last in serials.items():
        CertificateSequence.objects.update_or_create(year=year, defaults={"last_number": last})

    certificates = []
    for application, (issued, level, status, serial, k) in zip(applications, plans, strict=True):
        valid_until = validity_end(start=issued, years=scheme.validity_years)
        certificates.append(Certificate(
            number=Certificate.format_number(year=issued.year, serial=serial), holder_id=application.applicant_id,
            scheme=scheme, level=level, norm_version=norms, application=application, status=status,
            status_changed_on=issued, issued_on=issued, valid_from=issued, valid_until=valid_until,
            suspension_reason="Lopend klachtonderzoek." if status == Certificate.Status.SUSPENDED else "",
            suspended_until=today + timedelta(days=60) if status == Certificate.Status.SUSPENDED else None,
            withdrawal_reason="Op eigen verzoek." if status == Certificate.Status.WITHDRAWN else "",
            suspension_list=lists["suspension"], suspension_index=places["suspension"][k],
            revocation_list=lists["revocation"], revocation_index=places["revocation"][k],
        ))
    certificates = _bulk(Certificate, certificates, progress, "certificates")
    _bulk(CertificatePeriod, [
        CertificatePeriod(certificate=c, valid_from=c.valid_from, valid_until=c.valid_until, norm_version=norms)
        for c in certificates
    ], progress, "certificate periods")
    # The bulk insert bypassed the signals that copy the certificate facts onto the profiles.
    register_certificate_facts_refresh()

    return [h for h, c in zip(holders, certificates, strict=True) if c.status == Certificate.Status.ACTIVE]


def _pe_entries(counts, seed, today, base, people, certified, progress) -> None:
    from knowledge.pe_models import PEEntry

    rng = _rng(seed, "pe")
    total = counts["pe_entries"]
    to_certified = min(total, round(total * CERTIFIED_PE_SHARE)) if certified else 0
    certified_ids = {p.user_id for p in certified}
    others = [p for p in people if p.user_id not in certified_ids]
    if not others:
        to_certified = total
    categories = base["categories"]
    codes = list(categories)
    weights = [5, 3, 3, 1, 1][: len(codes)]
    hours = [Decimal(h) for h in ("1", "1.5", "2", "3", "3", "4", "6", "8", "16")]
    reviewed = _aware(today - timedelta(days=7), 11)
    created = _aware(today, 8)
    reflections = ["Wat ik meeneem: " + text for text in (
        "scherpere opdrachtformulering.", "meer aandacht voor de overdracht.", "een nieuwe kijk op toezicht.",
        "betere afspraken over rapportage.")]
    names = ["member_id", "category_id", "title", "provider", "date", "hours", "reflection", "evidence", "evidence_type",
             "status", "rejection_reason", "reviewed_by_id", "reviewed_at", "created_at", "source"]
    member_source = PEEntry.Source.MEMBER.value
    category_ids = {code: category.pk for code, category in categories.items()}
    approved, pending, rejected, withdrawn = (PEEntry.Status.APPROVED.value, PEEntry.Status.PENDING.value,
                                              PEEntry.Status.REJECTED.value, PEEntry.Status.WITHDRAWN.value)
    batch = []

    def add(person: Person):
        code = rng.choices(codes, weights)[0]
        roll = rng.random()
        status = approved if roll < 0.75 else pending if roll < 0.90 else rejected if roll < 0.95 else withdrawn
        batch.append((
            person.user_id, category_ids[code], rng.choice(PE_TITLES.get(code, ["Activiteit"])).format(city=person.city[0]),
            rng.choice(PE_PROVIDERS), today - timedelta(days=rng.randint(0, 4 * 365)), rng.choice(hours),
            rng.choice(reflections), "", "", status, "Geen bewijs van deelname." if status == rejected else "", None,
            reviewed if status in (approved, rejected) else None, created, member_source,
        ))

    for owners, n in ((certified, to_certified), (others, total - to_certified)):
        for k in range(n):
            add(owners[k % len(owners)] if k < len(owners) else rng.choice(owners))
            if len(batch) >= BATCH * 10:
                _copy_rows(PEEntry, names, batch, progress, "PE entries")
                batch = []
    _copy_rows(PEEntry, names, batch, progress, "PE entries")


def _pages(counts, seed, today, base, progress) -> dict:
    """News items, knowledge pages and events: real Wagtail pages, added under their indexes."""
    from django.conf import settings
    from django.db import transaction
    from wagtail.images import get_image_model
    from wagtail.models import Locale

    from events.models import EventCapacity, EventIndexPage, EventPage
    from portal.demo import heading, paragraph
    from portal.models import HomePage, NewsIndexPage, NewsPage, StandardPage

    rng = _rng(seed, "pages")
    locale = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    home = HomePage.objects.filter(locale=locale).order_by("depth", "pk").first()
    if home is None:
        raise RuntimeError("No Dutch home page: migrate the database first.")

    def index(model, slug, title, **extra):
        found = model.objects.child_of(home).first()
        if found is None:
            found = model(title=title, slug=slug, live=True, **extra)
            home.add_child(instance=found)
        return found

    news_index = index(NewsIndexPage, "nieuws", "Nieuws")
    events_index = index(EventIndexPage, "evenementen", "Evenementen")
    knowledge_index = StandardPage.objects.child_of(home).filter(slug=KNOWLEDGE_SLUG).first()
    if knowledge_index is None:
        knowledge_index = StandardPage(title="Achtergronden", slug=KNOWLEDGE_SLUG, live=True,
                                       intro="Handreikingen en achtergronden voor interim-managers.")
        home.add_child(instance=knowledge_index)

    # News items carry a picture as editors publish them (four in five here), from the demo's images.
    pictures = list(get_image_model().objects.order_by("pk").values_list("pk", flat=True))
    n_news = min(counts["pages"] - 1, max(1, round(counts["pages"] * NEWS_SHARE)))
    n_knowledge = counts["pages"] - n_news
    run = _token(rng, 24).lower().replace("-", "x").replace("_", "y")
    news, knowledge, events = [], [], []
    with transaction.atomic():
        for i in range(n_news):
            subject = rng.choice(NEWS_SUBJECTS)
            title = f"{rng.choice(NEWS_VERBS)} {subject}"
            day = today - timedelta(days=rng.randint(0, 5 * 365))
            page = NewsPage(
                title=title, slug=f"bench-{run}-nieuws-{i}", date=day, live=True,
                first_published_at=_aware(day, 8), last_published_at=_aware(day, 8),
                translation_key=_uuid(rng),
                lead=f"{title}: wat het bestuur en de leden ervan vinden, en wat het voor jou betekent.",
                body=[heading("Waar gaat het om?"),
                      paragraph(f"Dit bericht gaat over {subject}. " * 6, "Lees verder op de ledenpagina's.")],
                members_only=rng.random() < 0.1,
                image_id=rng.choice(pictures) if pictures and rng.random() < 0.8 else None,
            )
            news_index.add_child(instance=page)
            news.append(page)
            progress.step("news items", 20)
        for i in range(n_knowledge):
            title = f"{rng.choice(KNOWLEDGE_TITLES)} {rng.choice(NEWS_SUBJECTS)}"
            page = StandardPage(
                title=title, slug=f"bench-{run}-kennis-{i}", live=True, translation_key=_uuid(rng),
                first_published_at=_aware(today - timedelta(days=rng.randint(0, 900)), 8),
                intro=f"{title} voor interim-managers en hun opdrachtgevers.",
                body=[heading("In het kort"), paragraph("Een praktische uitwerking met voorbeelden uit opdrachten. " * 8)],
                members_only=rng.random() < 0.3,
            )
            knowledge_index.add_child(instance=page)
            knowledge.append(page)
            progress.step("knowledge pages", 20)
        for i in range(counts["events"]):
            kind, label, hours, member_price, price = rng.choice(EVENT_KINDS)
            city, _postal, _area, region = rng.choice(CITIES)
            # Two in five are still to come; the rest took place over the past three years.
            days = rng.randint(3, 240) if rng.random() < 0.4 else -rng.randint(1, 3 * 365)
            start = _aware(today + timedelta(days=days), rng.choice([9, 13, 15, 19]), rng.choice([0, 30]))
            subject = rng.choice(NEWS_SUBJECTS)
            online = kind == "webinar"
            page = EventPage(
                title=f"{label}: {subject}" + ("" if online else f" ({city})"), slug=f"bench-{run}-event-{i}",
                event_type=kind, start=start, end=start + timedelta(hours=hours), live=True, translation_key=_uuid(rng),
                first_published_at=start - timedelta(days=60),
                lead=f"Een {label.lower()} over {subject}, met praktijkvoorbeelden en ruimte voor vragen.",
                description=[paragraph(f"We bespreken {subject} aan de hand van echte opdrachten. " * 4)],
                venue_name="" if online else f"Vergadercentrum {city}",
                venue_address="" if online else f"{rng.choice(STREETS)} {rng.randint(1, 200)}, {city}",
                region="online" if online else EVENT_REGIONS.get(region, "centre"),
                online_url="https://meet.example.nl/rqim" if online else "",
                capacity=200, member_price=member_price, non_member_price=price,
                pe_points=Decimal(hours), pe_category=rng.choice(["knowledge", "skills", "network"]),
            )
            events_index.add_child(instance=page)
            events.append(page)
            progress.step("events", 20)
        EventCapacity.objects.bulk_create([EventCapacity(event=page) for page in events], ignore_conflicts=True)
    return {"news": news, "knowledge": knowledge, "events": events, "news_index": news_index,
            "events_index": events_index, "slug_prefix": f"bench-{run}-"}


def _registrations(counts, seed, today, people, events, progress) -> None:
    """Registrations spread unevenly over the events; capacity set to fit, a few events full."""
    from events.models import EventPage, Registration

    rng = _rng(seed, "registrations")
    sizes = _spread(counts["registrations"], len(events), rng, cap=len(people))
    rows, capacities = [], []
    now = _aware(today, 12)
    names = ["event_id", "user_id", "guest_name", "guest_email", "status", "code", "price", "member_price_applied",
             "payment_reference", "hold_expires_at", "paid_at", "checked_in_at", "checked_in_by_id", "cancelled_at",
             "confirmation_sent_at", "reminder_sent_at", "materials_sent_at", "created_at"]
    confirmed, cancelled = Registration.Status.CONFIRMED.value, Registration.Status.CANCELLED.value
    for event, size in zip(events, sizes, strict=True):
        attendees = rng.sample(range(len(people)), size)
        full = rng.random() < 0.15
        capacity = max(1, size if full else size + rng.randint(5, 60))
        capacities.append((event.pk, capacity))
        past = event.start < now
        price = event.member_price
        registered = event.start - timedelta(days=20)
        for k in attendees:
            status = cancelled if rng.random() < 0.05 else confirmed
            rows.append((
                event.pk, people[k].user_id, "", "", status, _token(rng), price, True, "", None,
                (event.start - timedelta(days=10)) if price else None,
                event.start if past and status == confirmed and rng.random() < 0.85 else None, None,
                (event.start - timedelta(days=3)) if status == cancelled else None,
                registered, (event.start - timedelta(days=2)) if past else None, None, registered,
            ))
            if len(rows) >= BATCH * 10:
                _copy_rows(Registration, names, rows, progress, "registrations")
                rows = []
    _copy_rows(Registration, names, rows, progress, "registrations")
    by_capacity: dict[int, list[int]] = {}
    for pk, capacity in capacities:
        by_capacity.setdefault(capacity, []).append(pk)
    for capacity, pks in by_capacity.items():
        EventPage.objects.filter(pk__in=pks).update(capacity=capacity)


def _count_rows(people: list[Person], prefix: str) -> dict[str, int]:
    """What this run added, counted in the database."""
    from events.models import EventPage, Registration
    from knowledge.pe_models import PEEntry
    from members.models import Certificate, MemberProfile
    from portal.models import NewsPage, StandardPage

    ids = [p.user_id for p in people]
    first, last = min(ids), max(ids)
    return {
        "members": MemberProfile.objects.filter(user_id__gte=first, user_id__lte=last).count(),
        "certified": Certificate.objects.filter(holder_id__gte=first, holder_id__lte=last).count(),
        "listed": MemberProfile.objects.filter(user_id__gte=first, user_id__lte=last, register_listed=True).count(),
        "pe_entries": PEEntry.objects.filter(member_id__gte=first, member_id__lte=last).count(),
        "events": EventPage.objects.filter(slug__startswith=prefix).count(),
        "registrations": Registration.objects.filter(event__slug__startswith=prefix).count(),
        "pages": NewsPage.objects.filter(slug__startswith=prefix).count()
        + StandardPage.objects.filter(slug__startswith=prefix).count(),
    }


def _landmarks(people, certified, pages, today) -> dict:
    """Pages and people the benchmarks use: an upcoming event with room, a news index, a certificate."""
    from events.models import EventPage, Registration
    from members.models import Certificate

    now = _aware(today, 12)
    upcoming = [e for e in pages["events"] if e.start > now]
    event = None
    for candidate in sorted(upcoming, key=lambda e: (e.start, e.pk)):
        event = candidate
        if Registration.objects.filter(event=candidate).exists():
            break
    event = event or pages["events"][0]
    busiest = certified[0] if certified else people[0]
    certificate = Certificate.objects.filter(
        status=Certificate.Status.ACTIVE, holder_id__in=[p.user_id for p in certified[:50]] or [busiest.user_id]
    ).order_by("pk").first() or Certificate.objects.order_by("pk").first()
    return {
        "event_path": EventPage.objects.get(pk=event.pk).url,
        "news_index_path": pages["news_index"].url,
        "certificate_number": certificate.number if certificate else "",
        "member_id": busiest.user_id,
        "certified_ids": (min(p.user_id for p in certified), max(p.user_id for p in certified)) if certified else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="reference date (default: today)")
    parser.add_argument("--json", type=Path, help="write counts, timings and landmarks to this file")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    began = time.monotonic()
    counts = plan_counts(args.scale)
    work = sum(counts.values())
    result = generate(scale=args.scale, seed=args.seed, today=args.today, progress=Progress(work), stdout=sys.stdout)
    result.seconds["total"] = round(time.monotonic() - began, 2)
    print(f"in {result.seconds['total']:.1f} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items() if k != "total"))
    if args.json:
        import json

        args.json.write_text(json.dumps({
            "scale": result.scale, "seed": result.seed, "counts": result.counts, "seconds": result.seconds,
            "landmarks": result.landmarks,
        }, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
