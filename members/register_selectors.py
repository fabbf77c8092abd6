"""Reads of the public register: who is listed, searching them, one public profile.

Listed means: the member chose to be listed (`register_listed`) AND holds an ACTIVE
certificate. A suspended, withdrawn or expired certificate drops out at once, because
the condition is evaluated on every read, never copied.

Search and filters only ever look at fields the member made public: a word in an
unpublished bio never finds anyone.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from members.models import Certificate, MemberProfile, Region, Sector


def _active_certificates() -> QuerySet[Certificate]:
    return Certificate.objects.filter(status=Certificate.Status.ACTIVE)


def register_public_list() -> QuerySet[MemberProfile]:
    """Every listed profile, with what a results page shows, in a constant number of queries."""
    return (
        MemberProfile.objects.filter(register_listed=True)
        .filter(Exists(_active_certificates().filter(holder=OuterRef("user_id"))))
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


SORTS = {
    "name": ("user__last_name", "user__first_name", "pk"),
    "certified": ("-certified_since", "user__last_name", "pk"),
}


def register_search(
    *,
    q: str = "",
    sector: Sector | None = None,
    region: Region | None = None,
    level_code: str = "",
    available_before: date | None = None,
    sort: str = "name",
) -> QuerySet[MemberProfile]:
    """The listed profiles matching a search; each condition only on published fields."""
    from django.db.models import Min

    profiles = register_public_list()
    for word in q.split()[:8]:
        profiles = profiles.filter(
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(show_headline=True, headline__icontains=word)
            | Q(show_bio=True, bio_nl__icontains=word)
            | Q(show_bio=True, bio_en__icontains=word)
            | Q(show_expertise=True, expertise__icontains=word)
            | Q(show_sectors=True, register_sectors__name_nl__icontains=word)
            | Q(show_sectors=True, register_sectors__name_en__icontains=word)
        )
    if sector is not None:
        profiles = profiles.filter(show_sectors=True, register_sectors=sector)
    if region is not None:
        profiles = profiles.filter(show_regions=True, regions=region)
    if level_code:
        profiles = profiles.filter(
            Exists(_active_certificates().filter(holder=OuterRef("user_id"), level__code=level_code))
        )
    if available_before is not None:
        profiles = profiles.filter(show_availability=True).filter(
            Q(available_from__isnull=True) | Q(available_from__lte=available_before)
        )
    # Joins over sectors can repeat a profile: keep each once.
    profiles = profiles.distinct()
    if sort == "certified":
        profiles = profiles.annotate(
            certified_since=Min("user__certificates__issued_on", filter=Q(user__certificates__status=Certificate.Status.ACTIVE))
        )
    return profiles.order_by(*SORTS.get(sort, SORTS["name"]))


def register_profile(*, pk: int) -> MemberProfile | None:
    """One listed profile for its public page, or None (not listed, or no active certificate)."""
    return register_public_list().filter(pk=pk).first()


def register_filter_choices() -> dict:
    """The choice lists of the search form."""
    from members.models import CertificationLevel

    return {
        "sectors": list(Sector.objects.order_by("sort_order", "code")),
        "regions": list(Region.objects.order_by("sort_order", "code")),
        "levels": list(CertificationLevel.objects.order_by("eqf_level", "code")),
    }
