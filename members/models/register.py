"""The public register: the small choice lists a member's professional profile uses
(sectors and regions), kept as rows so the secretariat can add one without a release.

What a member publishes, and whether they are listed at all, lives on `MemberProfile`
(the `show_*` fields and `register_listed`); who is listed is decided in
`members.register_selectors.register_public_list`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _english() -> bool:
    return (translation.get_language() or "nl").startswith("en")


class _Choice(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    keywords = models.TextField(
        _("keywords"), blank=True,
        help_text=_("Words in an assignment that point at this one, separated by commas (e.g. hospital, ziekenhuis)."),
    )

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return (self.name_en if _english() and self.name_en else self.name_nl) or ""


class Sector(_Choice):
    class Meta(_Choice.Meta):
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Region(_Choice):
    class Meta(_Choice.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class DayRateBand(models.TextChoices):
    UNDER_1000 = "lt1000", _("under € 1,000")
    FROM_1000 = "1000-1250", _("€ 1,000 – 1,250")
    FROM_1250 = "1250-1500", _("€ 1,250 – 1,500")
    FROM_1500 = "gte1500", _("€ 1,500 or more")


# What a member may share with fellow members in the members' directory, with its label.
DIRECTORY_FIELD_LABELS = {
    "photo": _("photo"),
    "headline": _("headline"),
    "bio": _("about me"),
    "sectors": _("sectors"),
    "expertise": _("expertise"),
    "regions": _("regions"),
    "languages": _("languages"),
    "availability": _("availability"),
    "day_rate": _("day rate"),
    "linkedin": _("LinkedIn profile"),
    "email": _("e-mail address"),
    "phone": _("phone"),
    "city": _("city"),
}

# The profile fields a member may publish, each with its consent field on MemberProfile.
PUBLIC_FIELDS = (
    "photo",
    "headline",
    "bio",
    "sectors",
    "expertise",
    "regions",
    "languages",
    "availability",
    "day_rate",
    "linkedin",
)


class RegisterContactMessage(models.Model):
    """A client's message to a listed manager through the register's contact form.

    Mailed to the manager (reply-to the client) and kept so that the manager finds it in
    the member area. The manager's own address is never shown to the client.
    """

    profile = models.ForeignKey(
        "members.MemberProfile", verbose_name=_("manager"), on_delete=models.CASCADE, related_name="contact_messages"
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail address"), max_length=254)
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("register contact message")
        verbose_name_plural = _("register contact messages")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} → {self.profile_id}"


class AssignmentRequest(models.Model):
    """A client's assignment, sent to the listed managers who match it best.

    unverified -> open (the client confirmed the e-mail address through the link; the
    matching managers receive it) -> expired (after `REQUEST_VALID_DAYS`). Services in
    `members.services.register_requests`.
    """

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("Waiting for e-mail confirmation")
        OPEN = "open", _("Open")
        EXPIRED = "expired", _("Expired")

    public_id = models.UUIDField(_("public id"), unique=True, default=uuid.uuid4, editable=False)
    client_name = models.CharField(_("client's name"), max_length=100)
    client_email = models.EmailField(_("client's e-mail address"), max_length=254)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    description = models.TextField(_("assignment"))
    language = models.CharField(_("language"), max_length=8, default="nl")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    verified_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment request")
        verbose_name_plural = _("assignment requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="assignment_request_expiry")]

    def __str__(self):
        return f"{self.client_name}: {self.description[:40]}"


class AssignmentRecipient(models.Model):
    """A listed manager who received an assignment request, with why they matched and their answer."""

    request = models.ForeignKey(
        AssignmentRequest, verbose_name=_("assignment request"), on_delete=models.CASCADE, related_name="recipients"
    )
    profile = models.ForeignKey(
        "members.MemberProfile", verbose_name=_("manager"), on_delete=models.CASCADE,
        related_name="assignment_requests",
    )
    score = models.FloatField(_("match score"), default=0)
    reasons = models.JSONField(_("why it matched"), default=dict, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    interested = models.BooleanField(_("interested"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("assignment request recipient")
        verbose_name_plural = _("assignment request recipients")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "profile"], name="assignment_recipient_once"),
        ]

    def __str__(self):
        return f"{self.request_id} → {self.profile_id}"
