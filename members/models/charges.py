"""One-off payments ("charges"): an amount someone owes once, for a purpose another
part of the portal owns (an event registration, a certification application fee).

A charge is paid online through Stripe Checkout in payment mode (card, iDEAL) when
Stripe is configured, or by a bank transfer with the charge's reference that the
secretariat records. Its status is a small state machine (`members.services.charges`):

    open ──paid (Stripe or a recorded transfer)──▶ paid ──refund──▶ partly refunded ──▶ refunded
      ├──time over──▶ expired
      └──cancelled──▶ cancelled

The owner of the purpose hears of each move through `members.signals`, keyed by
`purpose` and `object_id`; `members` never imports the owner.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _



def charge_reference_new() -> str:
    """A short bank reference without letters people confuse (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "PAY-" + "".join(secrets.choice(alphabet) for _ in range(8))


class Charge(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting payment")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        PARTLY_REFUNDED = "partly_refunded", _("Partly refunded")
        REFUNDED = "refunded", _("Refunded")

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Online (Stripe)")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        OTHER = "other", _("Other")

    # Statuses in which the money arrived (and may be refunded).
    PAID_STATUSES = (Status.PAID, Status.PARTLY_REFUNDED, Status.REFUNDED)

    purpose = models.CharField(_("purpose"), max_length=40, db_index=True)
    object_id = models.CharField(_("object"), max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="charges")
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(
        _("amount incl. VAT"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("21.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    vat_amount = models.DecimalField(_("of which VAT"), max_digits=9, decimal_places=2, default=Decimal("0"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    method = models.CharField(_("paid by"), max_length=20, choices=Method.choices, blank=True)
    reference = models.CharField(_("payment reference"), max_length=40, unique=True, default=charge_reference_new)
    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True, help_text=_("Empty: no time limit."))
    refundable = models.BooleanField(_("refundable on cancellation"), default=True)
    refunded_amount = models.DecimalField(_("refunded"), max_digits=9, decimal_places=2, default=Decimal("0"))
    refund_requested_amount = models.DecimalField(
        _("refund requested"), max_digits=9, decimal_places=2, default=Decimal("0"),
        help_text=_("Asked of Stripe, or due by bank transfer, and not yet confirmed."),
    )

    stripe_session_id = models.CharField(_("Stripe Checkout session"), max_length=100, blank=True)
    stripe_session_url = models.URLField(_("Stripe Checkout address"), max_length=1000, blank=True)
    stripe_session_expires_at = models.DateTimeField(_("Checkout session expires"), null=True, blank=True)
    stripe_payment_intent_id = models.CharField(_("Stripe payment"), max_length=100, blank=True)

    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("expired or cancelled at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("last refund at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("Bank reference or note."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("one-off payment")
        verbose_name_plural = _("one-off payments")
        ordering = ["-created_at", "-pk"]
        permissions = [("record_charge", _("Can record transfers and refunds of one-off payments"))]
        constraints = [
            # One open charge per thing to pay for; a new one only after it expired or was cancelled.
            models.UniqueConstraint(
                fields=["purpose", "object_id"], condition=Q(status="open"), name="charge_one_open_per_object"
            ),
            models.UniqueConstraint(
                fields=["stripe_session_id"], condition=~Q(stripe_session_id=""), name="charge_unique_stripe_session"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0, refunded_amount__lte=F("amount")), name="charge_refund_within_amount"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "partly_refunded", "refunded"]) | Q(paid_at__isnull=False),
                name="charge_paid_has_paid_at",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "object_id"]), models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.reference} · {self.description}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_paid(self) -> bool:
        return self.status in self.PAID_STATUSES

    @property
    def refundable_amount(self) -> Decimal:
        """What may still be refunded: paid, minus refunded and refunds on their way."""
        if not self.is_paid:
            return Decimal("0")
        return max(Decimal("0"), self.amount - self.refunded_amount - self.refund_requested_amount)

    @property
    def refund_pending(self) -> bool:
        return self.refund_requested_amount > 0
