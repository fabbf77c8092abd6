"""Reads of the public register: who is listed, searching them, one public profile.

Listed means: the member chose to be listed (`register_listed`) AND holds an ACTIVE
certificate. A suspended, withdrawn or expired certificate drops out at once: the
profile's copy of that fact (`register_certified`) is rewritten in the same transaction
as the certificate (members.register_index), so a search reads the profiles alone.

Search and filters only ever look at fields the member made public: a word in an
unpublished bio never finds anyone.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Case, Exists, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Value, When

from django.utils.translation import gettext_lazy as _

from members import register_text
from members.models import Certificate, MemberProfile, Region, Sector


def _active_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.filter(status=Certificate.Status.ACTIVE)


def register_public_list() -> QuerySet[MemberProfile]:
    """Every listed profile, with what a results page shows, in a constant number of queries."""
    # Whether a member holds an active certificate, and since when they are certified, are
    # kept on the profile (members.register_index): the search reads one table.
    return (
        MemberProfile.objects.filter(register_listed=True, register_certified=True)
        .annotate(certified_since=F("register_certified_since"))
        .defer("search_primary", "search_secondary", "search_vector")
        .select_related("user")
        .prefetch_related(
            Prefetch("register_sectors", queryset=Sector.objects.order_by("sort_order", "code")),
            Prefetch("regions", queryset=Region.objects.order_by("sort_order", "code")),
            Prefetch(
                "user__certificates",
                queryset=_active_certificates().select_related("level", "norm_version").order_by("-valid_until"),
                to_attr="active_certificates",
            ),
        )
    )


# Sort orders of the search; "relevance" needs a free-text query (without one it is by name).
SORT_RELEVANCE, SORT_NAME, SORT_CERTIFIED = "relevance", "name", "certified"
SORTS = (SORT_RELEVANCE, SORT_NAME, SORT_CERTIFIED)
_NAME_ORDER = ("user__last_name", "user__first_name", "pk")

# Spoken languages a client can filter on, with their names in the filter.
LANGUAGE_NAMES = {
    "nl": _("Dutch"),
    "en": _("English"),
    "de": _("German"),
    "fr": _("French"),
    "es": _("Spanish"),
}
# Spoken languages a client can filter on: code -> the words a member writes for it.
LANGUAGE_WORDS = {
    "nl": ("nederlands", "dutch"),
    "en": ("engels", "english"),
    "de": ("duits", "german", "deutsch"),
    "fr": ("frans", "french", "francais"),
    "es": ("spaans", "spanish"),
}


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def register_text_filter(profiles: QuerySet[MemberProfile], *, q: str) -> QuerySet[MemberProfile]:
    """Profiles whose published text matches every word of `q`, annotated with `rank`.

    Matching is accent-insensitive (the documents and the words are folded) and finds
    the start of a word while typing ("verm" finds Vermeulen). On PostgreSQL a word
    matches through the Dutch full-text vector (stemming: "ziekenhuizen" finds
    "ziekenhuis"), or inside a compound ("zorg" in "gezondheidszorg", trigram-indexed);
    the rank is PostgreSQL's `ts_rank`, name, headline and sectors weighing more than
    expertise and bio. On SQLite a word matches anywhere in the text, and the rank counts
    matches in the first document twice.
    """
    words = register_text.search_words(q)
    if not words:
        return profiles
    if _is_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchRank

        for word in words:
            condition = Q(search_vector=SearchQuery(f"{word}:*", search_type="raw", config="dutch"))
            if len(word) >= 3:
                condition |= Q(search_primary__contains=word) | Q(search_secondary__contains=word)
            profiles = profiles.filter(condition)
        query = SearchQuery(" | ".join(f"{word}:*" for word in words), search_type="raw", config="dutch")
        return profiles.annotate(rank=SearchRank(F("search_vector"), query))
    for word in words:
        profiles = profiles.filter(Q(search_primary__contains=word) | Q(search_secondary__contains=word))
    rank = Value(0.0, output_field=FloatField())
    for word in words:
        rank = rank + Case(
            When(search_primary__contains=word, then=Value(2.0)),
            When(search_secondary__contains=word, then=Value(1.0)),
            default=Value(0.0), output_field=FloatField(),
        )
    return profiles.annotate(rank=rank)


def register_sector_filter(profiles, *, sector: Sector) -> QuerySet[MemberProfile]:
    through = MemberProfile.register_sectors.through
    return profiles.filter(show_sectors=True).filter(
        Exists(through.objects.filter(memberprofile_id=OuterRef("pk"), sector_id=sector.pk))
    )


def register_region_filter(profiles, *, region: Region) -> QuerySet[MemberProfile]:
    through = MemberProfile.regions.through
    return profiles.filter(show_regions=True).filter(
        Exists(through.objects.filter(memberprofile_id=OuterRef("pk"), region_id=region.pk))
    )


def register_expertise_filter(profiles, *, text: str) -> QuerySet[MemberProfile]:
    profiles = profiles.filter(show_expertise=True)
    for word in text.split()[: register_text.MAX_QUERY_WORDS]:
        profiles = profiles.filter(expertise__icontains=word)
    return profiles


def register_language_filter(profiles, *, code: str) -> QuerySet[MemberProfile]:
    condition = Q()
    for word in LANGUAGE_WORDS.get(code, ()):
        condition |= Q(languages__icontains=word)
    if not condition:
        return profiles
    return profiles.filter(show_languages=True).filter(condition)


def register_level_filter(profiles, *, level_code: str) -> QuerySet[MemberProfile]:
    return profiles.filter(Exists(_active_certificates().filter(holder=OuterRef("user_id"), level__code=level_code)))


def register_available_filter(profiles, *, before: date) -> QuerySet[MemberProfile]:
    return profiles.filter(show_availability=True).filter(Q(available_from__isnull=True) | Q(available_from__lte=before))


def register_sorted(profiles, *, sort: str, ranked: bool) -> QuerySet[MemberProfile]:
    """Ordered as asked: relevance (with a text query), name, or certified since (longest first)."""
    if sort == SORT_CERTIFIED:
        return profiles.order_by(F("certified_since").asc(nulls_last=True), *_NAME_ORDER)
    if sort == SORT_RELEVANCE and ranked:
        return profiles.order_by("-rank", *_NAME_ORDER)
    return profiles.order_by(*_NAME_ORDER)


def register_search(
    *,
    q: str = "",
    sector: Sector | None = None,
    region: Region | None = None,
    expertise: str = "",
    language: str = "",
    level_code: str = "",
    available_before: date | None = None,
    sort: str = "",
) -> QuerySet[MemberProfile]:
    """The listed profiles matching a search; each condition only on published fields.

    The search page and the API both come here (through `members.filters.RegisterFilterSet`).
    """
    profiles = register_public_list()
    ranked = bool(register_text.search_words(q))
    profiles = register_text_filter(profiles, q=q)
    if sector is not None:
        profiles = register_sector_filter(profiles, sector=sector)
    if region is not None:
        profiles = register_region_filter(profiles, region=region)
    if expertise:
        profiles = register_expertise_filter(profiles, text=expertise)
    if language:
        profiles = register_language_filter(profiles, code=language)
    if level_code:
        profiles = register_level_filter(profiles, level_code=level_code)
    if available_before is not None:
        profiles = register_available_filter(profiles, before=available_before)
    return register_sorted(profiles, sort=sort or (SORT_RELEVANCE if ranked else SORT_NAME), ranked=ranked)


def register_profile(*, pk: int) -> MemberProfile | None:
    """One listed profile for its public page, or None (not listed, or no active certificate)."""
    return register_public_list().filter(pk=pk).first()


def register_trust_facts() -> dict:
    """What the register says about itself: when it last changed, and where the norms in force are.

    "Last updated" is the latest change to a listed profile or to any certificate's status
    (a suspension takes someone out, which is a change too). Kept for `TRUST_CACHE_SECONDS`
    in the shared cache: it is the same for every visitor.
    """
    from django.core.cache import cache
    from django.utils import translation

    key = f"register-trust:{translation.get_language() or 'nl'}"
    facts = cache.get(key)
    if facts is None:
        facts = _register_trust_facts()
        cache.set(key, facts, TRUST_CACHE_SECONDS)
    return facts


TRUST_CACHE_SECONDS = 300


def _register_trust_facts() -> dict:
    from django.db.models import Max

    profile_change = register_public_list().aggregate(at=Max("updated_at"))["at"]
    status_change = Certificate.objects.aggregate(on=Max("status_changed_on"))["on"]
    moments = [moment for moment in (profile_change.date() if profile_change else None, status_change) if moment]
    return {"last_updated": max(moments) if moments else None, "norms_url": register_norms_url()}


def register_norms_url() -> str:
    """The address of the norms in force in the reader's language ("/normen/"), or "" if none is published.

    The norm pages belong to `knowledge`; they are found through their link to the norm
    version (`NormVersion.norm_pages`), so `members` needs nothing of that app.
    """
    from django.utils import timezone
    from wagtail.models import Locale

    from members.certification_selectors import norm_version_in_force
    from members.models import CertificationScheme

    scheme = CertificationScheme.objects.order_by("pk").first()
    version = norm_version_in_force(scheme=scheme, on=timezone.localdate()) if scheme else None
    if version is None:
        return ""
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return ""
    page = version.norm_pages.live().public().filter(locale=locale).first()
    if page is None:
        return ""
    parent = page.get_parent()
    return (parent or page).get_url() or ""


def register_norm_page_urls(*, certificates) -> dict:
    """{norm version pk: the address of its norm page in the reader's language} for these certificates."""
    from wagtail.models import Locale

    versions = {certificate.norm_version for certificate in certificates}
    urls = {}
    try:
        locale = Locale.get_active()
    except Locale.DoesNotExist:
        return urls
    for version in versions:
        page = version.norm_pages.live().public().filter(locale=locale).first()
        if page is not None:
            urls[version.pk] = page.get_url() or ""
    return urls


def register_filter_choices() -> dict:
    """The choice lists of the search form."""
    from members.models import CertificationLevel

    return {
        "sectors": list(Sector.objects.order_by("sort_order", "code")),
        "regions": list(Region.objects.order_by("sort_order", "code")),
        "levels": list(CertificationLevel.objects.order_by("eqf_level", "code")),
    }


INBOX_LIMIT = 50


def register_inbox(*, user) -> dict:
    """A manager's contact messages and assignment requests, newest first (a constant number of queries)."""
    from django.utils import timezone

    from members.models import AssignmentRecipient, RegisterContactMessage

    profile = MemberProfile.objects.filter(user=user).first()
    if profile is None:
        return {"profile": None, "contact_messages": [], "requests": [], "now": timezone.now()}
    contact_messages = list(RegisterContactMessage.objects.filter(profile=profile).order_by("-created_at", "-pk")[:INBOX_LIMIT])
    requests = list(
        AssignmentRecipient.objects.filter(profile=profile)
        .select_related("request")
        .order_by("-request__created_at", "-pk")[:INBOX_LIMIT]
    )
    now = timezone.now()
    for recipient in requests:
        recipient.is_open = (
            recipient.request.status == recipient.request.Status.OPEN
            and recipient.request.expires_at is not None and recipient.request.expires_at > now
        )
    return {"profile": profile, "contact_messages": contact_messages, "requests": requests, "now": now}


def member_directory_list(*, q: str = "") -> QuerySet[MemberProfile]:
    """The members' directory: current members who chose to be in it, certified or not.

    For signed-in members only (the view checks); each shows what its member shares with
    members (`MemberProfile.shares_with_members`). A constant number of queries per page.
    """
    from members.models import Membership

    profiles = (
        MemberProfile.objects.filter(directory_listed=True, user__membership__status__in=Membership.MEMBER_STATUSES)
        .defer("search_primary", "search_secondary", "search_vector")
        .select_related("user")
        .prefetch_related(
            Prefetch("register_sectors", queryset=Sector.objects.order_by("sort_order", "code")),
            Prefetch("regions", queryset=Region.objects.order_by("sort_order", "code")),
            Prefetch(
                "user__certificates",
                queryset=_active_certificates().select_related("level").order_by("-valid_until"),
                to_attr="active_certificates",
            ),
        )
    )
    for word in q.split()[: register_text.MAX_QUERY_WORDS]:
        profiles = profiles.filter(
            Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
            | Q(search_primary__contains=register_text.fold(word))
            | Q(search_secondary__contains=register_text.fold(word))
        )
    return profiles.order_by(*_NAME_ORDER)


def member_directory_profile(*, pk: int) -> MemberProfile | None:
    return member_directory_list().filter(pk=pk).first()
