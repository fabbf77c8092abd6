"""Keeps the register's search documents (`members.register_text`) in step with the profile.

A side effect outside the domain, so signals (connected in `MembersConfig.ready`): a
profile saved, its sectors changed, its member renamed, or a sector renamed rebuilds
the documents of the profiles concerned. Consent is read at that moment: a field made
private leaves the documents with the same save.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Value
from django.db.models.signals import m2m_changed, post_save


def search_vector(primary, secondary):
    """The weighted Dutch full-text vector of the two documents (expressions or field names)."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(primary, config="dutch", weight="A") + SearchVector(secondary, config="dutch", weight="B")


def register_search_documents_refresh(*, profile_pks) -> int:
    """Rebuild the search documents of these profiles; returns how many changed."""
    from members.models import MemberProfile
    from members.register_text import profile_search_documents

    changed = 0
    profiles = MemberProfile.objects.filter(pk__in=list(profile_pks)).select_related("user").prefetch_related(
        "register_sectors"
    )
    for profile in profiles:
        primary, secondary = profile_search_documents(profile, sectors=list(profile.register_sectors.all()))
        if (primary, secondary) != (profile.search_primary, profile.search_secondary):
            values = {"search_primary": primary, "search_secondary": secondary}
            if connection.vendor == "postgresql":
                values["search_vector"] = search_vector(Value(primary), Value(secondary))
            MemberProfile.objects.filter(pk=profile.pk).update(**values)
            changed += 1
    return changed


def _profile_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and set(update_fields) <= {"search_primary", "search_secondary", "search_vector", "updated_at"}:
        return
    register_search_documents_refresh(profile_pks=[instance.pk])


def _sectors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    from members.models import MemberProfile

    if not reverse:
        register_search_documents_refresh(profile_pks=[instance.pk])
    elif pk_set:
        register_search_documents_refresh(profile_pks=pk_set)
    elif isinstance(instance, MemberProfile):  # pragma: no cover - clear from the profile side
        register_search_documents_refresh(profile_pks=[instance.pk])


def _user_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not {"first_name", "last_name"} & set(update_fields)):
        return  # e.g. the last login time
    from members.models import MemberProfile

    pks = list(MemberProfile.objects.filter(user_id=instance.pk).values_list("pk", flat=True))
    if pks:
        register_search_documents_refresh(profile_pks=pks)


def _sector_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    register_search_documents_refresh(profile_pks=instance.profiles.values_list("pk", flat=True))


def connect() -> None:
    from django.contrib.auth import get_user_model

    from members.models import MemberProfile, Sector

    post_save.connect(_profile_saved, sender=MemberProfile, dispatch_uid="register-index-profile")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="register-index-user")
    post_save.connect(_sector_saved, sender=Sector, dispatch_uid="register-index-sector")
    m2m_changed.connect(
        _sectors_changed, sender=MemberProfile.register_sectors.through, dispatch_uid="register-index-sectors"
    )
