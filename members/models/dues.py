"""Membership plans, memberships with their status, payments and Stripe events.

Every change of status goes through one service in `members/services/`; the
models hold data, constraints, small derived properties and the one table of
membership rules (`MEMBERSHIP_MOVES`) that services, Stripe's webhook, views and
templates all ask.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.money import vat_added



class MembershipPlan(models.Model):
    """A kind of membership with its yearly dues, managed by the secretariat."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    eligibility_nl = models.CharField(
        _("who may choose it (Dutch)"), max_length=250, blank=True, help_text=_("For example: in your first two years as interim manager.")
    )
    eligibility_en = models.CharField(_("who may choose it (English)"), max_length=250, blank=True)
    yearly_price = models.DecimalField(
        _("yearly price excl. VAT"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("21.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    period_months = models.PositiveSmallIntegerField(
        _("period (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    is_active = models.BooleanField(_("open for new members"), default=True)
    stripe_price_id = models.CharField(
        _("Stripe Price"), max_length=100, blank=True, help_text=_("The Stripe Price (price_...) for online payment.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("membership plan")
        verbose_name_plural = _("membership plans")
        ordering = ["sort_order", "yearly_price"]
        constraints = [
            models.CheckConstraint(condition=Q(yearly_price__gte=0), name="plan_price_not_negative"),
            models.CheckConstraint(condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="plan_vat_rate_range"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (translation.get_language() or "nl").startswith("en") and self.name_en else self.name_nl

    @property
    def description(self) -> str:
        return self.description_en if (translation.get_language() or "nl").startswith("en") else self.description_nl

    @property
    def eligibility(self) -> str:
        return self.eligibility_en if (translation.get_language() or "nl").startswith("en") else self.eligibility_nl

    @property
    def vat_amount(self) -> Decimal:
        return vat_added(self.yearly_price, self.vat_rate)

    @property
    def price_incl_vat(self) -> Decimal:
        return self.yearly_price + self.vat_amount


class Membership(models.Model):
    """One person's membership: its plan, status and how far it is paid."""

    class Status(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        ACTIVE = "active", _("Active")
        IN_ARREARS = "in_arrears", _("In arrears")
        LAPSED = "lapsed", _("Lapsed")
        RESIGNED = "resigned", _("Resigned")
        ENDED = "ended", _("Ended")

    # Statuses in which someone counts as a member (member price, members-only pages).
    MEMBER_STATUSES = (Status.ACTIVE, Status.IN_ARREARS)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="membership"
    )
    plan = models.ForeignKey(MembershipPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLICANT, db_index=True)
    payment_pending = models.BooleanField(
        _("payment clearing"),
        default=False,
        help_text=_("A direct debit or iDEAL mandate payment is still being processed."),
    )
    paid_until = models.DateField(_("paid until"), null=True, blank=True, db_index=True)
    grace_until = models.DateField(_("grace period until"), null=True, blank=True)
    resignation_requested_at = models.DateTimeField(_("resignation requested"), null=True, blank=True)
    member_since = models.DateField(_("member since"), null=True, blank=True)
    ended_reason = models.TextField(_("reason for ending"), blank=True)

    # What the applicant accepted, and which versions.
    statutes_version = models.CharField(_("statutes version accepted"), max_length=20)
    privacy_version = models.CharField(_("privacy statement version accepted"), max_length=20)
    terms_accepted_at = models.DateTimeField(_("accepted at"))

    # Stripe, when used. `stripe_synced_at` is the timestamp of the newest Stripe
    # object applied, so that an older event delivered late changes nothing.
    stripe_customer_id = models.CharField(_("Stripe customer"), max_length=100, blank=True)
    stripe_subscription_id = models.CharField(_("Stripe subscription"), max_length=100, blank=True)
    stripe_subscription_status = models.CharField(_("Stripe subscription status"), max_length=30, blank=True)
    payment_method_label = models.CharField(
        _("payment method"), max_length=60, blank=True, help_text=_("For example: iDEAL/SEPA mandate NL** **** 3000, or Visa •••• 4242.")
    )
    stripe_synced_at = models.DateTimeField(_("last Stripe update"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_customer_id"], condition=~Q(stripe_customer_id=""), name="membership_unique_stripe_customer"
            ),
            models.UniqueConstraint(
                fields=["stripe_subscription_id"],
                condition=~Q(stripe_subscription_id=""),
                name="membership_unique_stripe_subscription",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(paid_until__isnull=False), name="membership_active_has_paid_until"
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"

    @property
    def is_member(self) -> bool:
        return self.status in self.MEMBER_STATUSES

    @property
    def resignation_pending(self) -> bool:
        return self.resignation_requested_at is not None and self.status in self.MEMBER_STATUSES

    @property
    def status_summary(self) -> str:
        """The status as people read it: with a pending payment or resignation."""
        from django.utils.translation import gettext

        if self.resignation_pending:
            return gettext("%(status)s, resignation received") % {"status": self.get_status_display()}
        if self.status == self.Status.ACTIVE and self.payment_pending:
            return gettext("%(status)s, payment processing") % {"status": self.get_status_display()}
        return self.get_status_display()

    @property
    def status_tone(self) -> str:
        """How a status badge looks: "success" for a paid member, "warning" when payment is overdue."""
        return {self.Status.ACTIVE: "success", self.Status.IN_ARREARS: "warning"}.get(self.status, "")

    # --- What the rules allow now (see MEMBERSHIP_MOVES) ---

    def may(self, action: str) -> bool:
        """Whether `action` is allowed from the current status."""
        return self.status in MEMBERSHIP_MOVES[action].sources

    @property
    def can_pay(self) -> bool:
        """The member has dues to pay: an application, or a payment overdue."""
        return self.may(MembershipAction.PAY)

    @property
    def can_change_application(self) -> bool:
        return self.may(MembershipAction.CHANGE_PLAN)

    @property
    def can_apply_again(self) -> bool:
        return self.status != self.Status.APPLICANT and self.may(MembershipAction.APPLY)

    @property
    def can_resign(self) -> bool:
        return self.may(MembershipAction.RESIGN_REQUEST) and not self.resignation_requested_at

    @property
    def can_get_reminder(self) -> bool:
        return self.may(MembershipAction.REMIND)

    @property
    def can_record_payment(self) -> bool:
        return self.may(MembershipAction.ACTIVATE) or self.may(MembershipAction.RENEW)

    @property
    def can_end(self) -> bool:
        return self.may(MembershipAction.END)

    @property
    def closing_note(self) -> str:
        """Why a membership that is over is over, for the member ("" while it runs)."""
        from django.utils.translation import gettext

        return {
            self.Status.LAPSED: gettext("Your membership lapsed because the dues were not paid."),
            self.Status.RESIGNED: gettext("You have resigned. You are welcome back at any time."),
            self.Status.ENDED: gettext(
                "Your membership was ended by the secretariat. Contact the secretariat with any questions, or apply again."
            ),
        }.get(self.status, "")

    @property
    def uses_stripe(self) -> bool:
        return bool(self.stripe_subscription_id)


class MembershipAction(models.TextChoices):
    """What can happen to a membership. `MEMBERSHIP_MOVES` says from which statuses, and to which."""

    APPLY = "apply"
    CHANGE_PLAN = "change_plan"
    PAY = "pay"
    ACTIVATE = "activate"
    RENEW = "renew"
    IN_ARREARS = "in_arrears"
    LAPSE = "lapse"
    RESIGN_REQUEST = "resign_request"
    RESIGN_WITHDRAW = "resign_withdraw"
    RESIGN_COMPLETE = "resign_complete"
    END = "end"
    REMIND = "remind"
    # Derived from Stripe's facts (the subscription and its invoices), see members.stripe_sync.
    STRIPE_ACTIVE = "stripe_active"
    STRIPE_IN_ARREARS = "stripe_in_arrears"
    STRIPE_LAPSE = "stripe_lapse"
    STRIPE_RESIGN = "stripe_resign"


@dataclass(frozen=True)
class Move:
    sources: frozenset  # the statuses the action may start from
    target: str | None = None  # the status it leads to; None: the status stays


def _move(sources, target=None) -> Move:
    return Move(frozenset(sources), target)


_S = Membership.Status
_CURRENT = (_S.ACTIVE, _S.IN_ARREARS)
# The one home of the membership rules: who may pay, resign, get a reminder, and how
# each status moves, by hand, by the daily run or from Stripe's facts.
MEMBERSHIP_MOVES: dict[str, Move] = {
    MembershipAction.APPLY: _move([_S.APPLICANT, _S.LAPSED, _S.RESIGNED, _S.ENDED], _S.APPLICANT),
    MembershipAction.CHANGE_PLAN: _move([_S.APPLICANT]),
    MembershipAction.PAY: _move([_S.APPLICANT, _S.IN_ARREARS]),
    MembershipAction.ACTIVATE: _move([_S.APPLICANT, _S.IN_ARREARS, _S.LAPSED, _S.RESIGNED], _S.ACTIVE),
    MembershipAction.RENEW: _move([_S.ACTIVE], _S.ACTIVE),
    MembershipAction.IN_ARREARS: _move([_S.ACTIVE], _S.IN_ARREARS),
    MembershipAction.LAPSE: _move([_S.IN_ARREARS], _S.LAPSED),
    MembershipAction.RESIGN_REQUEST: _move(_CURRENT),
    MembershipAction.RESIGN_WITHDRAW: _move(_CURRENT),
    MembershipAction.RESIGN_COMPLETE: _move(_CURRENT, _S.RESIGNED),
    MembershipAction.END: _move([_S.APPLICANT, _S.ACTIVE, _S.IN_ARREARS, _S.LAPSED, _S.RESIGNED], _S.ENDED),
    MembershipAction.REMIND: _move([_S.APPLICANT, _S.ACTIVE, _S.IN_ARREARS, _S.LAPSED]),
    # A paid or clearing invoice makes a member active; a lapsed or resigned member only
    # while the paid period still runs (members.stripe_sync decides on that fact).
    MembershipAction.STRIPE_ACTIVE: _move([_S.APPLICANT, *_CURRENT, _S.LAPSED, _S.RESIGNED], _S.ACTIVE),
    MembershipAction.STRIPE_IN_ARREARS: _move([_S.APPLICANT, *_CURRENT], _S.IN_ARREARS),
    MembershipAction.STRIPE_LAPSE: _move([_S.APPLICANT, *_CURRENT], _S.LAPSED),
    MembershipAction.STRIPE_RESIGN: _move([_S.APPLICANT, *_CURRENT], _S.RESIGNED),
}


class Payment(models.Model):
    """A dues payment: through Stripe (an invoice) or recorded by the secretariat."""

    class Method(models.TextChoices):
        STRIPE = "stripe", _("Online (Stripe)")
        BANK_TRANSFER = "bank_transfer", _("Bank transfer")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    membership = models.ForeignKey(Membership, verbose_name=_("membership"), on_delete=models.PROTECT, related_name="payments")
    plan = models.ForeignKey(MembershipPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    amount = models.DecimalField(_("amount incl. VAT"), max_digits=9, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    vat_amount = models.DecimalField(_("of which VAT"), max_digits=9, decimal_places=2, default=Decimal("0"))
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=120, blank=True, help_text=_("Bank reference or note."))
    stripe_invoice_id = models.CharField(_("Stripe invoice"), max_length=100, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_invoice_id"], condition=~Q(stripe_invoice_id=""), name="payment_unique_stripe_invoice"
            ),
            models.UniqueConstraint(
                fields=["receipt_number"], condition=~Q(receipt_number=""), name="payment_unique_receipt_number"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="payment_period_order"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.membership.user} {self.period_start}–{self.period_end} {self.amount}"

    @property
    def has_receipt(self) -> bool:
        return bool(self.receipt_number) and self.status == self.Status.PAID


class ReceiptSequence(models.Model):
    """The last receipt number given out in a year. Its row is locked while a
    number is taken, so numbers are consecutive and never given out twice."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("receipt number sequence")
        verbose_name_plural = _("receipt number sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class StripeEvent(models.Model):
    """Each Stripe webhook event, stored once by its id."""

    event_id = models.CharField(_("event"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=100)
    created = models.DateTimeField(_("created at Stripe"))
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
