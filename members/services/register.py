"""Writes of the public register: a member's professional profile and what of it is public.

`register_profile_update` saves the profile and the consents in one transaction and
records each consent change in the audit log (`members.register_consent.changed`,
with the fields made public or private and the time), so that the association can
always show when a member agreed to publish what.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import MemberProfile
from members.models.register import DIRECTORY_FIELD_LABELS, PUBLIC_FIELDS
from portal.audit import Source, log_action
from portal.exceptions import DomainError

CONTENT_FIELDS = (
    "photo",
    "headline",
    "bio_nl",
    "bio_en",
    "expertise",
    "languages",
    "available_from",
    "day_rate_band",
    "linkedin_url",
)
CONSENT_FIELDS = ("register_listed",) + tuple(f"show_{name}" for name in PUBLIC_FIELDS) + (
    "accepts_requests", "directory_listed",
)
# What a member may share with fellow members in the directory (besides what is public).
DIRECTORY_FIELDS = tuple(DIRECTORY_FIELD_LABELS)


def register_profile_update(
    *, user, content: dict, consents: dict, sectors=None, regions=None, directory_fields=None
) -> MemberProfile:
    """Save the member's professional profile and consents; audit every consent change.

    `content` holds values for CONTENT_FIELDS, `consents` booleans for CONSENT_FIELDS
    (a missing key leaves the field as it is); `sectors` and `regions` replace the
    member's choices when given; `directory_fields` (names from DIRECTORY_FIELDS) what
    fellow members see in the members' directory.
    """
    unknown = (set(content) - set(CONTENT_FIELDS)) | (set(consents) - set(CONSENT_FIELDS))
    if directory_fields is not None:
        unknown |= set(directory_fields) - set(DIRECTORY_FIELDS)
    if unknown:
        raise ValueError(f"Unknown profile fields: {sorted(unknown)}")
    with transaction.atomic():
        profile = MemberProfile.objects.select_for_update().filter(user=user).first()
        if profile is None:
            raise DomainError(_("You have no member profile yet; join the association first."))
        changed = []
        for name, value in content.items():
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.append(name)
        made_public, made_private = [], []
        for name, value in consents.items():
            value = bool(value)
            if getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.append(name)
                (made_public if value else made_private).append(name)
        if directory_fields is not None:
            shared = [name for name in DIRECTORY_FIELDS if name in set(directory_fields)]
            if shared != list(profile.directory_fields):
                made_public += [f"members:{name}" for name in shared if name not in profile.directory_fields]
                made_private += [f"members:{name}" for name in profile.directory_fields if name not in shared]
                profile.directory_fields = shared
                changed.append("directory_fields")
        now = timezone.now()
        if made_public or made_private:
            profile.consent_changed_at = now
            changed.append("consent_changed_at")
        if changed:
            profile.save(update_fields=changed + ["updated_at"])
        if sectors is not None:
            profile.register_sectors.set(sectors)
        if regions is not None:
            profile.regions.set(regions)
        if made_public or made_private:
            log_action(
                profile,
                "members.register_consent.changed",
                actor=user,
                source=Source.MEMBER,
                data={
                    "made_public": made_public,
                    "made_private": made_private,
                    "listed": profile.register_listed,
                    "public_fields": profile.public_fields(),
                    "shared_with_members": list(profile.directory_fields),
                    "directory_listed": profile.directory_listed,
                    "accepts_requests": profile.accepts_requests,
                    "changed_at": now,
                },
                timestamp=now,
            )
        content_changed = [name for name in changed if name in CONTENT_FIELDS]
        if content_changed or sectors is not None or regions is not None:
            log_action(
                profile, "members.register_profile.updated", actor=user, source=Source.MEMBER,
                data={"fields": content_changed}, timestamp=now,
            )
    return profile


def register_contact_send(*, profile_pk: int, name: str, email: str, message: str, language: str):
    """Queue a client's message to a listed manager (through `portal.mail`, sent after commit).

    The manager's address is never shown to the client; the client's address goes to the
    manager only, in the message, so that the manager can answer. A manager who is no
    longer listed (consent withdrawn, certificate suspended) receives nothing.
    """
    from members.register_selectors import register_profile
    from portal.mail import email_render_and_queue

    from members.models import RegisterContactMessage

    with transaction.atomic():
        profile = register_profile(pk=profile_pk)
        if profile is None:
            raise DomainError(_("This manager can no longer be contacted through the register."))
        contact = RegisterContactMessage(profile=profile, name=name.strip(), email=email.strip(), message=message.strip())
        contact.full_clean()
        contact.save()
        manager_language = getattr(profile.user, "language", "") or language
        with translation.override(manager_language):
            inbox = settings.BASE_URL.rstrip("/") + reverse("members:register_inbox")
        return email_render_and_queue(
            to=[profile.user.email],
            template="members/email/register_contact",
            context={"manager": profile.user, "name": name, "email": email, "message": message, "inbox": inbox},
            language=manager_language,
            kind="register_contact",
            reply_to=[contact.email],
        )
