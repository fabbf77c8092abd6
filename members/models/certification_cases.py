"""Objections (bezwaar) to the body's decisions, complaints (klachten) about certified
managers, and the recertification reminders sent before a certificate expires.

Both kinds of case run the same course: filed, a handler assigned, an outcome with
reasons; each has a clock (`due_on`) that staff see in the admin. Impartiality
(ISO/IEC 17024) is kept twice, as for decisions: the services refuse a handler who
took part in the original decision, and the rows store the people who may not
handle the case next to the handler, under CheckConstraints that they differ.

Every change goes through `members/services/certification_cases.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models.certification import Certificate, CertificationApplication, Decision, private_storage


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open, awaiting a handler")
    IN_HANDLING = "in_handling", _("Being handled")
    CLOSED = "closed", _("Closed")


OPEN_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_HANDLING)


class _Case(models.Model):
    """What objections and complaints share: the clock, the handler and the outcome."""

    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN,
                              db_index=True)
    filed_at = models.DateTimeField(_("filed"))
    due_on = models.DateField(_("to be handled by"), db_index=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("handler assigned"), null=True, blank=True)
    outcome_reasons = models.TextField(_("reasons for the outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES

    def days_left(self, today=None) -> int:
        """Days until `due_on` (negative when overdue)."""
        return (self.due_on - (today or timezone.localdate())).days

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.days_left() < 0


class Objection(_Case):
    """An applicant's objection (bezwaar) to the decision on their application.

    One per decision. The original assessor and decider are copied from the
    decision, so that the database refuses either as the handler.
    """

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Decision upheld")
        OVERTURNED = "overturned", _("Decision overturned")

    application = models.ForeignKey(CertificationApplication, verbose_name=_("application"), on_delete=models.PROTECT,
                                    related_name="objections")
    decision = models.OneToOneField(Decision, verbose_name=_("decision"), on_delete=models.PROTECT,
                                    related_name="objection")
    original_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("original assessor"),
                                          on_delete=models.PROTECT, related_name="+")
    original_decider = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("original decider"),
                                         on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(_("grounds of the objection"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(handler=F("original_decider")), name="objection_handler_not_decider"),
            models.CheckConstraint(condition=~Q(handler=F("original_assessor")), name="objection_handler_not_assessor"),
            models.CheckConstraint(condition=~Q(reasons=""), name="objection_has_grounds"),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(outcome="") & ~Q(outcome_reasons="") & Q(handler__isnull=False)),
                name="objection_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return _("Objection %(pk)s (%(applicant)s)") % {"pk": self.pk, "applicant": self.application.applicant}


def objection_evidence_path(instance, filename):
    import uuid

    return f"certification/objections/{instance.objection_id}/{uuid.uuid4().hex}"


class ObjectionEvidence(models.Model):
    """A document supporting an objection: PDF, JPG or PNG, at most 10 MB, stored privately."""

    objection = models.ForeignKey(Objection, verbose_name=_("objection"), on_delete=models.CASCADE,
                                  related_name="evidence")
    file = models.FileField(_("file"), upload_to=objection_evidence_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("objection evidence")
        verbose_name_plural = _("objection evidence")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__lte=10 * 1024 * 1024), name="objection_evidence_max_size"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="objection_evidence_allowed_type",
            ),
        ]

    def __str__(self):
        return self.original_name


class Complaint(_Case):
    """A complaint (klacht) by anyone about a certified manager.

    The number and name are kept as typed; `certificate` is set when the number is
    one the body issued. The holder and the people who assessed and decided on the
    certificate's application are copied, so that the database refuses any of them
    as the handler.
    """

    class Outcome(models.TextChoices):
        FOUNDED = "founded", _("Complaint founded")
        UNFOUNDED = "unfounded", _("Complaint unfounded")

    certificate_number = models.CharField(_("certificate number (as given)"), max_length=40, blank=True)
    manager_name = models.CharField(_("name of the manager (as given)"), max_length=200, blank=True)
    description = models.TextField(_("description"))
    complainant_name = models.CharField(_("complainant's name"), max_length=100, blank=True)
    complainant_email = models.EmailField(_("complainant's e-mail address"))
    language = models.CharField(_("language"), max_length=10, default="nl")
    certificate = models.ForeignKey(Certificate, verbose_name=_("certificate"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="complaints")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("holder"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    original_assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("original assessor"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    original_decider = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("original decider"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(handler=F("holder")), name="complaint_handler_not_holder"),
            models.CheckConstraint(condition=~Q(handler=F("original_decider")), name="complaint_handler_not_decider"),
            models.CheckConstraint(condition=~Q(handler=F("original_assessor")), name="complaint_handler_not_assessor"),
            models.CheckConstraint(condition=~Q(description=""), name="complaint_has_description"),
            models.CheckConstraint(
                condition=~Q(status="closed") | (~Q(outcome="") & ~Q(outcome_reasons="") & Q(handler__isnull=False)),
                name="complaint_closed_has_outcome",
            ),
        ]

    def __str__(self):
        return _("Complaint %(pk)s") % {"pk": self.pk}


class CertificateReminder(models.Model):
    """A recertification reminder sent for one validity of a certificate: once per occasion."""

    class Occasion(models.TextChoices):
        SIX_MONTHS = "6m", _("Six months before expiry")
        THREE_MONTHS = "3m", _("Three months before expiry")
        ONE_MONTH = "1m", _("One month before expiry")

    # Months before the end of validity, per occasion (latest first: the most urgent wins).
    MONTHS = {Occasion.ONE_MONTH: 1, Occasion.THREE_MONTHS: 3, Occasion.SIX_MONTHS: 6}

    certificate = models.ForeignKey(Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE,
                                    related_name="reminders")
    valid_until = models.DateField(_("for the validity ending"))
    occasion = models.CharField(_("occasion"), max_length=4, choices=Occasion.choices)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("recertification reminder")
        verbose_name_plural = _("recertification reminders")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "valid_until", "occasion"], name="certificate_reminder_once"),
        ]

    def __str__(self):
        return f"{self.certificate}: {self.get_occasion_display()}"
