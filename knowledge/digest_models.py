"""The news digest: who receives it, and each digest sent.

A subscription belongs to an e-mail address. A signed-in person subscribing their own
(verified) account address is confirmed at once; anyone else confirms by the link in a
confirmation e-mail first (double opt-in). Every digest carries a one-click unsubscribe
link (`List-Unsubscribe` and `List-Unsubscribe-Post` headers, RFC 8058).

A digest is sent once per recipient: each message is queued in the outbox under the key
`digest:<digest>:<subscription>`, so running the delivery again sends nothing twice.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Digest", "DigestSubscription"]


def _token() -> str:
    return secrets.token_urlsafe(32)


class DigestSubscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    email = models.EmailField(_("e-mail address"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digest_subscriptions",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    token = models.CharField(_("token"), max_length=64, unique=True, default=_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation e-mail sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")
        ordering = ["email"]

    def __str__(self):
        return self.email

    @staticmethod
    def new_token() -> str:
        return _token()


class Digest(models.Model):
    """One edition of the digest: what was new between `period_start` and `period_end`."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        MANUAL = "manual", _("Sent by an editor")

    key = models.CharField(_("edition"), max_length=40, unique=True, help_text=_("For example: 2026-12"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period_start = models.DateTimeField(_("new since"))
    period_end = models.DateTimeField(_("new until"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("news digest")
        verbose_name_plural = _("news digests")
        ordering = ["-period_end"]
        constraints = [models.CheckConstraint(condition=models.Q(period_end__gt=models.F("period_start")), name="digest_period_forwards")]

    def __str__(self):
        return self.key
