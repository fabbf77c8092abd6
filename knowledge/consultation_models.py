"""Public consultation on a draft norm version.

For a set period anyone may comment on the criteria of a draft version: members
signed in, others after verifying their e-mail address by a link. The norm committee
sees the comments grouped by criterion in the admin and records how it handled each;
once closed, the consultation's report (counts by kind of respondent, how comments
were handled, the changes made) is public and linked from the published norm page.
A respondent's name appears in the report only with their consent.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

__all__ = ["Consultation", "ConsultationComment", "ConsultationRespondent"]


def _token() -> str:
    return secrets.token_urlsafe(32)


class Consultation(models.Model):
    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    norm_version = models.OneToOneField(
        "members.NormVersion",
        verbose_name=_("norm version"),
        on_delete=models.PROTECT,
        related_name="consultation",
        help_text=_("The draft version whose criteria are open for comment."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    intro_nl = models.TextField(_("introduction (Dutch)"), blank=True)
    intro_en = models.TextField(_("introduction (English)"), blank=True)
    changes_made_nl = models.TextField(
        _("changes made (Dutch)"), blank=True, help_text=_("What the committee changed in the norms after the consultation; shown in the report.")
    )
    changes_made_en = models.TextField(_("changes made (English)"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    panels = [
        FieldPanel("norm_version"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldPanel("intro_nl"),
        FieldPanel("intro_en"),
        FieldPanel("changes_made_nl"),
        FieldPanel("changes_made_en"),
    ]

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-opens_at"]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening")]

    def __str__(self):
        return f"{self.norm_version.scheme.code.upper()} {self.norm_version.version}" if self.norm_version_id else "—"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return self.State.UPCOMING
        if now >= self.closes_at:
            return self.State.CLOSED
        return self.State.OPEN

    def is_open(self, now=None) -> bool:
        return self.state(now) == self.State.OPEN

    @property
    def intro(self) -> str:
        from django.utils.translation import get_language

        english = (get_language() or "nl").startswith("en")
        return self.intro_en if english and self.intro_en else self.intro_nl

    @property
    def changes_made(self) -> str:
        from django.utils.translation import get_language

        english = (get_language() or "nl").startswith("en")
        return self.changes_made_en if english and self.changes_made_en else self.changes_made_nl


class ConsultationRespondent(models.Model):
    """Someone who comments: a member (signed in) or anyone who verified their address."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Member")
        CLIENT = "client", _("Client")
        TRAINER = "trainer", _("Trainer or educator")
        OTHER = "other", _("Other stakeholder")

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="respondents")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    kind = models.CharField(_("kind of respondent"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    show_name = models.BooleanField(
        _("name may be published"), default=False, help_text=_("Without consent the report shows no name with a comment.")
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_token, editable=False)
    link_sent_at = models.DateTimeField(_("link e-mailed"), null=True, blank=True)
    verified_at = models.DateTimeField(_("address verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [models.UniqueConstraint(fields=["consultation", "email"], name="consultation_respondent_once")]

    def __str__(self):
        return self.name

    @property
    def public_name(self) -> str:
        return self.name if self.show_name else ""


class ConsultationComment(models.Model):
    class Handling(models.TextChoices):
        PENDING = "pending", _("Not handled yet")
        ADOPTED = "adopted", _("Adopted")
        PARTLY = "partly", _("Partly adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")
        NOTED = "noted", _("Noted, no change needed")

    consultation = models.ForeignKey(Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="comments")
    respondent = models.ForeignKey(ConsultationRespondent, verbose_name=_("respondent"), on_delete=models.CASCADE, related_name="comments")
    criterion = models.ForeignKey("members.Criterion", verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="consultation_comments")
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    handling = models.CharField(_("handling"), max_length=20, choices=Handling.choices, default=Handling.PENDING, db_index=True)
    response = models.TextField(_("committee's response"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        ordering = ["criterion__area__sort_order", "criterion__sort_order", "criterion__code", "created_at"]

    def __str__(self):
        return f"{self.criterion.code}: {self.text[:60]}"
