"""Matching an assignment to listed managers: `register_assignment_match` is the one selector.

A client pastes a description ("interim CFO for a hospital merger in Utrecht, six
months, from March"); the description is read for sectors and regions (their names and
the keywords the secretariat keeps on them), a start date (a month, a date, "per
direct") and the remaining words. Listed managers are ranked on what they published:

    3 per matching sector, 2 per matching region, 1 per assignment word found in the
    expertise or headline, 1 when the availability fits the start, plus the free-text
    rank (PostgreSQL's ts_rank, or the SQLite stand-in) as a tie-breaker.

Each result says why it matched, and only with published fields: a sector the manager
keeps private is neither matched nor named. Replace this module's ranking, keep its
signature, and the page, the requests and their tests follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Exists, FloatField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members import register_text
from members.models import MemberProfile, Region, Sector
from members.register_selectors import register_public_list

CANDIDATES = 200  # read at most this many best candidates from the database
MAX_WORDS = 16

MONTHS = {
    "januari": 1, "january": 1, "jan": 1, "februari": 2, "february": 2, "feb": 2, "maart": 3, "march": 3,
    "april": 4, "apr": 4, "mei": 5, "may": 5, "juni": 6, "june": 6, "juli": 7, "july": 7, "augustus": 8,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10, "october": 10, "okt": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
# Words every assignment has: they say nothing about who fits.
GENERIC_WORDS = frozenset(
    "interim manager managers interimmanager gezocht zoeken zoekt zoek gevraagd nodig looking seeking wanted needed "
    "need maand maanden months month week weken weeks jaar jaren year years dagen days opdracht opdrachten assignment "
    "ervaring experience ervaren experienced per direct vanaf from start starting ongeveer about circa voor for "
    "zes vier drie twee een six four three two one halfjaar uur uren hours fulltime parttime".split()
)
NOW_WORDS = ("per direct", "per omgaande", "zo snel mogelijk", "zsm", "immediately", "as soon as possible", "asap")
_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass
class AssignmentMatch:
    profile: MemberProfile
    score: float
    sectors: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    expertise: list = field(default_factory=list)
    available: bool = False
    available_from: date | None = None

    def reasons(self) -> list[str]:
        """Why this manager fits, in the reader's language, from published fields only."""
        lines = []
        if self.sectors:
            lines.append(_("Sector: %(names)s") % {"names": ", ".join(s.name for s in self.sectors)})
        if self.expertise:
            lines.append(_("Expertise: %(words)s") % {"words": ", ".join(self.expertise)})
        if self.regions:
            lines.append(_("Region: %(names)s") % {"names": ", ".join(r.name for r in self.regions)})
        if self.available:
            if self.available_from and self.available_from > timezone.localdate():
                lines.append(_("Available from %(date)s") % {"date": date_format(self.available_from, "j F Y")})
            else:
                lines.append(_("Available now"))
        return lines

    def reasons_data(self) -> dict:
        """The reasons as data (stored with a request), rendered again in the reader's language."""
        return {
            "sectors": [s.code for s in self.sectors],
            "regions": [r.code for r in self.regions],
            "expertise": self.expertise,
            "available": self.available,
            "available_from": self.available_from.isoformat() if self.available_from else None,
        }


@dataclass
class AssignmentReading:
    """What the description was read as."""

    sectors: list
    regions: list
    start: date | None
    words: list


def _mentions(text: str, phrase: str) -> bool:
    phrase = register_text.fold(phrase).strip()
    if not phrase:
        return False
    if len(phrase) >= 5:  # also inside a compound: "ziekenhuisfusie"
        return phrase in text
    return re.search(rf"\b{re.escape(phrase)}\b", text) is not None


def _choice_phrases(choice) -> list[str]:
    return [choice.name_nl, choice.name_en, choice.code.replace("-", " "), *choice.keywords.split(",")]


def _start(text: str, today: date) -> date | None:
    if any(word in text for word in NOW_WORDS):
        return today
    found = _DATE.search(text)
    if found:
        try:
            if found.group(1):
                return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
            return date(int(found.group(4)), int(found.group(5)), int(found.group(6)))
        except ValueError:
            pass
    for word in re.findall(r"[a-z]+", text):
        month = MONTHS.get(word)
        if month and (len(word) > 3 or re.search(rf"\b(per|vanaf|from|in|starting|start)\s+{word}\b", text)):
            year = today.year + (1 if month < today.month else 0)
            return date(year, month, 1)
    return None


def assignment_read(*, text: str, sectors=None, regions=None, today: date | None = None) -> AssignmentReading:
    """Read a description for sectors, regions, a start date and the words left to match."""
    today = today or timezone.localdate()
    folded = register_text.fold(text)
    sectors = list(Sector.objects.all()) if sectors is None else sectors
    regions = list(Region.objects.all()) if regions is None else regions
    found_sectors = [s for s in sectors if any(_mentions(folded, p) for p in _choice_phrases(s))]
    found_regions = [r for r in regions if any(_mentions(folded, p) for p in _choice_phrases(r))]
    used = set()
    for choice in found_sectors + found_regions:
        for phrase in _choice_phrases(choice):
            used.update(register_text.query_words(phrase))
    words = []
    for word in register_text.search_words(text) + register_text.query_words(text, limit=200):
        if (
            len(word) >= 3 and word not in used and word not in MONTHS and not word.isdigit()
            and word not in register_text.STOPWORDS and word not in GENERIC_WORDS and word not in words
        ):
            words.append(word)
    return AssignmentReading(found_sectors, found_regions, _start(folded, today), words[:MAX_WORDS])


def _word_in(word: str, text: str) -> bool:
    # A light stem: "fusie" finds "fusies", "herstructurering" finds "herstructureringen".
    stem = word if len(word) <= 5 else word[: max(5, len(word) - 2)]
    return stem in text


def register_assignment_match(*, text: str, limit: int = 10, queryset=None) -> tuple[AssignmentReading, list[AssignmentMatch]]:
    """The listed managers who fit an assignment best, each with why; (what was read, matches).

    `queryset` narrows the candidates (the requests pass only managers who accept them).
    """
    reading = assignment_read(text=text)
    profiles = register_public_list() if queryset is None else queryset
    sector_ids = [s.pk for s in reading.sectors]
    region_ids = [r.pk for r in reading.regions]
    sector_hit = Q(show_sectors=True) & Exists(
        MemberProfile.register_sectors.through.objects.filter(memberprofile_id=OuterRef("pk"), sector_id__in=sector_ids)
    )
    region_hit = Q(show_regions=True) & Exists(
        MemberProfile.regions.through.objects.filter(memberprofile_id=OuterRef("pk"), region_id__in=region_ids)
    )
    words = reading.words
    word_hit = Q()
    for word in words:
        word_hit |= Q(search_primary__contains=word) | Q(search_secondary__contains=word)
    condition = Q()
    if sector_ids:
        condition |= sector_hit
    if region_ids:
        condition |= region_hit
    if words:
        condition |= word_hit
    if not condition:
        return reading, []
    sql_score = Value(0.0, output_field=FloatField())
    if sector_ids:
        sql_score = sql_score + Case(When(sector_hit, then=Value(3.0)), default=Value(0.0), output_field=FloatField())
    if region_ids:
        sql_score = sql_score + Case(When(region_hit, then=Value(2.0)), default=Value(0.0), output_field=FloatField())
    for word in words:
        sql_score = sql_score + Case(
            When(Q(search_primary__contains=word) | Q(search_secondary__contains=word), then=Value(1.0)),
            default=Value(0.0), output_field=FloatField(),
        )
    candidates = list(
        profiles.filter(condition).annotate(sql_score=sql_score).order_by("-sql_score", "pk")[:CANDIDATES]
    )
    matches = [_match(profile, reading) for profile in candidates]
    matches.sort(key=lambda m: (-m.score, m.profile.user.last_name, m.profile.pk))
    return reading, [m for m in matches if m.score > 0][:limit]


def _match(profile: MemberProfile, reading: AssignmentReading) -> AssignmentMatch:
    match = AssignmentMatch(profile=profile, score=0.0)
    if profile.show_sectors:
        wanted = {s.pk for s in reading.sectors}
        match.sectors = [s for s in profile.register_sectors.all() if s.pk in wanted]
    if profile.show_regions:
        wanted = {r.pk for r in reading.regions}
        match.regions = [r for r in profile.regions.all() if r.pk in wanted]
    published = " ".join(
        register_text.fold(text)
        for text, shown in ((profile.expertise, profile.show_expertise), (profile.headline, profile.show_headline))
        if shown and text
    )
    match.expertise = [word for word in reading.words if _word_in(word, published)][:6]
    if profile.show_availability and reading.start is not None:
        if profile.available_from is None or profile.available_from <= reading.start:
            match.available = True
            match.available_from = profile.available_from
    match.score = 3 * len(match.sectors) + 2 * len(match.regions) + len(match.expertise) + (1 if match.available else 0)
    match.score += float(getattr(profile, "sql_score", 0) or 0) / 100  # a tie-breaker: more words found anywhere
    return match
