"""The register's search text: what of a profile free text may find, folded for matching.

A listed profile carries two search documents (`MemberProfile.search_primary` and
`search_secondary`), built here from the fields the member made public only: a word in
an unpublished bio is never in them, so no search, ranking or match can find it.

- primary (ranked higher): the name, the headline, the sector names in both languages;
- secondary: the expertise and the bio in both languages.

Both are folded (lower case, accents removed: "Müller" is found by "muller" and
"financiële" by "financiele") in Python, so the same folded text serves the SQLite
match and PostgreSQL's Dutch full-text search, and its index needs no `unaccent`.

Pure functions: `members.register_index` keeps the documents up to date, the
migration fills them for existing rows and the benchmark for generated ones.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents: "Financiële Zorg" -> "financiele zorg"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def query_words(text: str, *, limit: int = MAX_QUERY_WORDS) -> list[str]:
    """The folded words of a search, letters and digits only (safe in a raw tsquery)."""
    return _WORD.findall(fold(text))[:limit]


# Words too common to search on (a substring "de" is in nearly every text).
STOPWORDS = frozenset(
    "de het een en of van in op te voor met aan bij als is naar die dat om uit tot door over ook zijn wij we je jij "
    "ik u er maar dan nog wel niet geen the a an and or of in on to for with at by as is from that this be we you".split()
)


def search_words(text: str) -> list[str]:
    """The words of a free-text search worth matching: folded, no stop words, at most MAX_QUERY_WORDS."""
    return [word for word in query_words(text, limit=MAX_QUERY_WORDS * 2) if word not in STOPWORDS][:MAX_QUERY_WORDS]


def search_documents(
    *,
    full_name: str,
    headline: str,
    bio_nl: str,
    bio_en: str,
    expertise: str,
    sector_names: list[str],
    show_headline: bool,
    show_bio: bool,
    show_sectors: bool,
    show_expertise: bool,
) -> tuple[str, str]:
    """(primary, secondary): the folded public text of a profile."""
    primary = [full_name]
    if show_headline:
        primary.append(headline)
    if show_sectors:
        primary.extend(sector_names)
    secondary = []
    if show_expertise:
        secondary.append(expertise)
    if show_bio:
        secondary.extend([bio_nl, bio_en])
    return (
        " ".join(fold(part) for part in primary if part),
        " ".join(fold(part) for part in secondary if part),
    )


def profile_search_documents(profile, *, sectors=None) -> tuple[str, str]:
    """`search_documents` of a MemberProfile (its user and, unless given, its sectors are read)."""
    if sectors is None:
        sectors = list(profile.register_sectors.all()) if profile.pk else []
    names = []
    for sector in sectors:
        names.extend([sector.name_nl, sector.name_en])
    user = profile.user
    return search_documents(
        full_name=f"{user.first_name} {user.last_name}".strip(),
        headline=profile.headline,
        bio_nl=profile.bio_nl,
        bio_en=profile.bio_en,
        expertise=profile.expertise,
        sector_names=names,
        show_headline=profile.show_headline,
        show_bio=profile.show_bio,
        show_sectors=profile.show_sectors,
        show_expertise=profile.show_expertise,
    )
