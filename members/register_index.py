"""Keeps what the register searches in step with the profile and the certificates.

A side effect outside the domain, so signals (connected in `MembersConfig.ready`):

* the search documents (`members.register_text`): a profile saved, its sectors changed,
  its member renamed, or a sector renamed rebuilds the documents of the profiles
  concerned. Consent is read at that moment: a field made private leaves the documents
  with the same save;
* the certificate facts (`MemberProfile.register_certified` and
  `register_certified_since`): a certificate saved or deleted, or a profile created,
  recomputes them for that member in one UPDATE, in the same transaction. A bulk write
  that bypasses signals (a data load) calls `register_certificate_facts_refresh` itself;
  the daily certificate run recomputes every profile as a check.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save


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


def register_certificate_facts_refresh(*, user_ids=None) -> int:
    """Recompute the certificate facts of these members' profiles (None: every profile) where
    they differ; returns how many profiles changed."""
    from members.models import Certificate, MemberProfile

    certificates = Certificate.objects.filter(holder=OuterRef("user_id"))
    active = Exists(certificates.filter(status=Certificate.Status.ACTIVE))
    since = Subquery(
        certificates.exclude(status=Certificate.Status.WITHDRAWN).order_by("issued_on").values("issued_on")[:1]
    )
    profiles = MemberProfile.objects.all()
    if user_ids is not None:
        profiles = profiles.filter(user_id__in=list(user_ids))
    # NULL compares as a date no certificate has, so "changed" is a plain inequality on both databases.
    never = Value(date.min)
    stale = profiles.alias(
        active_now=active, since_now=Coalesce(since, never), since_was=Coalesce("register_certified_since", never)
    ).filter(~Q(register_certified=F("active_now")) | ~Q(since_was=F("since_now")))
    return MemberProfile.objects.filter(pk__in=stale.values("pk")).update(
        register_certified=active, register_certified_since=since
    )


def _certificate_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        register_certificate_facts_refresh(user_ids=[instance.holder_id])


def _profile_saved(sender, instance, raw=False, update_fields=None, created=False, **kwargs):
    if raw:
        return
    if created:
        register_certificate_facts_refresh(user_ids=[instance.user_id])
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

    from members.models import Certificate, MemberProfile, Sector

    post_save.connect(_profile_saved, sender=MemberProfile, dispatch_uid="register-index-profile")
    post_save.connect(_certificate_changed, sender=Certificate, dispatch_uid="register-index-certificate")
    post_delete.connect(_certificate_changed, sender=Certificate, dispatch_uid="register-index-certificate-gone")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="register-index-user")
    post_save.connect(_sector_saved, sender=Sector, dispatch_uid="register-index-sector")
    m2m_changed.connect(
        _sectors_changed, sender=MemberProfile.register_sectors.through, dispatch_uid="register-index-sectors"
    )
