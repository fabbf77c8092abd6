"""Permanent education (PE): the rules as data, and the member's ledger of activities.

- `PECategory`: a kind of activity (knowledge sessions, courses, intervision, ...).
- `PERequirement`: per certification scheme and from a date, the cycle length, the
  points required per cycle, how hours convert to points, and per category a minimum
  and a maximum that counts (`PECategoryRule`). An entry is judged by the requirement
  in force at the start of the cycle it falls in.
- `PEEntry`: one activity a member logged, with private evidence; pending until the
  secretariat approves or rejects it. Attendance at an event that awards PE points
  credits an approved entry by itself (one per registration, `registration` is unique);
  undoing the check-in voids it. Every transition is one service in
  `knowledge/pe_services.py`.
- `PEAuditRun`: the yearly random sample of approved entries flagged for an evidence
  audit (one run per year); `PEAuditSettings` holds the share staff set.
- `PEReminder`: one row per reminder occasion (member, cycle end, months before), so
  each reminder goes out at most once.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from events.models import PECategory as EventPECategory
from members.models.certification import CertificationScheme, private_storage

__all__ = [
    "PEAuditRun", "PEAuditSettings", "PECategory", "PECategoryRule", "PEEntry", "PEReminder", "PERequirement",
    "pe_evidence_path",
]


class PECategory(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    event_category = models.CharField(
        _("credit for events of kind"), max_length=20, choices=EventPECategory.choices, blank=True,
        help_text=_("Attendance at an event of this kind is credited in this category. Events of a kind no category "
                    "takes are credited in the first category that takes events."),
    )

    class Meta:
        verbose_name = _("PE category")
        verbose_name_plural = _("PE categories")
        ordering = ["sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event_category"], condition=~Q(event_category=""),
                                    name="pe_category_unique_event_kind"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        english = (translation.get_language() or "nl").startswith("en")
        return (self.name_en if english and self.name_en else self.name_nl) or ""


class PERequirement(ClusterableModel):
    scheme = models.ForeignKey(
        CertificationScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="pe_requirements"
    )
    valid_from = models.DateField(_("valid from"), help_text=_("Cycles that start on or after this date follow these rules."))
    cycle_years = models.PositiveSmallIntegerField(
        _("cycle length (years)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    points_required = models.DecimalField(
        _("points required per cycle"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    points_per_hour = models.DecimalField(
        _("points per hour"), max_digits=5, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("PE requirement")
        verbose_name_plural = _("PE requirements")
        ordering = ["scheme", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "valid_from"], name="pe_requirement_unique_start"),
            models.CheckConstraint(condition=Q(points_required__gte=0), name="pe_requirement_points_positive"),
            models.CheckConstraint(condition=Q(points_per_hour__gt=0), name="pe_requirement_rate_positive"),
            models.CheckConstraint(condition=Q(cycle_years__gte=1), name="pe_requirement_cycle_positive"),
        ]

    def __str__(self):
        return _("%(scheme)s from %(date)s") % {"scheme": self.scheme.name, "date": self.valid_from.isoformat()}


class PECategoryRule(models.Model):
    requirement = ParentalKey(PERequirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="category_rules")
    category = models.ForeignKey(PECategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+")
    min_points = models.DecimalField(
        _("minimum points"), max_digits=7, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    max_points = models.DecimalField(
        _("maximum points that count"), max_digits=7, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))], help_text=_("Leave empty for no maximum."),
    )

    class Meta:
        verbose_name = _("category rule")
        verbose_name_plural = _("category rules")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "category"], name="pe_rule_unique_category"),
            models.CheckConstraint(condition=Q(min_points__gte=0), name="pe_rule_min_positive"),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True) | Q(max_points__gte=F("min_points")), name="pe_rule_max_over_min"
            ),
        ]

    def __str__(self):
        return str(self.category)


def pe_evidence_path(instance, filename: str) -> str:
    extension = PEEntry.ALLOWED_TYPES.get(instance.evidence_type, "bin")
    import secrets

    return f"pe/{instance.member_id}/{secrets.token_hex(16)}.{extension}"


class PEEntry(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        VOID = "void", _("Void")

    class Source(models.TextChoices):
        MEMBER = "member", _("Logged by the member")
        IMPORT = "import", _("Imported by the member")
        EVENT = "event", _("Event attendance")

    # Statuses that count (approved) or may count (pending) towards the requirement.
    OPEN_STATUSES = (Status.PENDING, Status.APPROVED)

    MAX_SIZE = 10 * 1024 * 1024
    ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="pe_entries")
    category = models.ForeignKey(PECategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="entries")
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("500"))]
    )
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("Fixed points (an event's); empty: the hours at the requirement's rate."),
    )
    reflection = models.TextField(_("reflection"), max_length=2000, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MEMBER)
    registration = models.OneToOneField(
        "events.Registration", verbose_name=_("event registration"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="pe_entry",
    )
    audit_year = models.PositiveSmallIntegerField(
        _("selected for evidence audit in"), null=True, blank=True, db_index=True,
    )
    evidence = models.FileField(_("evidence"), upload_to=pe_evidence_path, storage=private_storage, max_length=200, blank=True)
    evidence_type = models.CharField(_("evidence type"), max_length=50, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("PE entry")
        verbose_name_plural = _("PE entries")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["member", "status", "date"], name="pe_entry_ledger")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="pe_entry_hours_positive"),
            models.CheckConstraint(condition=Q(points__isnull=True) | Q(points__gt=0), name="pe_entry_points_positive"),
            models.CheckConstraint(
                condition=Q(evidence_type="") | Q(evidence_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="pe_entry_evidence_type",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="pe_entry_rejection_has_reason"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_automatic(self) -> bool:
        return self.source == self.Source.EVENT


class PEAuditRun(models.Model):
    """The evidence-audit sample of one year: drawn once, so running it again changes nothing."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    share = models.PositiveSmallIntegerField(_("share (%)"))
    eligible = models.PositiveIntegerField(_("approved entries"))
    selected = models.PositiveIntegerField(_("selected"))
    created_at = models.DateTimeField(_("drawn"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence audit")
        verbose_name_plural = _("evidence audits")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


@register_setting(icon="tasks")
class PEAuditSettings(BaseSiteSetting):
    audit_share = models.PositiveSmallIntegerField(
        _("share of approved entries audited each year (%)"), default=10,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Each year this share of the previous year's approved entries is drawn at random for an "
                    "evidence audit."),
    )

    class Meta:
        verbose_name = _("permanent education")


class PEReminder(models.Model):
    """A reminder that the member is still short, sent once per cycle and occasion (months before its end)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE,
                               related_name="+")
    cycle_end = models.DateField(_("cycle ends"))
    months_before = models.PositiveSmallIntegerField(_("months before the end"))
    missing = models.DecimalField(_("points missing"), max_digits=7, decimal_places=2)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("PE reminder")
        verbose_name_plural = _("PE reminders")
        constraints = [
            models.UniqueConstraint(fields=["member", "cycle_end", "months_before"], name="pe_reminder_once"),
        ]
