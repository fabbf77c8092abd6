"""The RQIM certification: scheme and norms as data, applications with their
portfolio, assessment and decision, and the certificates the body issues.

Every change of state goes through one service in `members/services/certification.py`;
the models hold data, constraints and small derived properties only.

Impartiality (ISO/IEC 17024) is kept twice: the decision service refuses a decider
who took part in the assessment, and the `Decision` row stores both the assessor
and the decider under a CheckConstraint that they differ.
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

from members.credentials.status_list import LIST_LENGTH as STATUS_LIST_LENGTH
from portal.storage import private_storage as _private_storage

EQF_VALIDATORS = [MinValueValidator(1), MaxValueValidator(8)]


def _english() -> bool:
    return (translation.get_language() or "nl").startswith("en")


class _Bilingual:
    """`name` (and `description`) in the active language, falling back to Dutch."""

    @property
    def name(self) -> str:
        return (self.name_en if _english() and self.name_en else self.name_nl) or ""


# --- Private storage for evidence ------------------------------------------------------


def private_storage():
    """The storage of evidence files (``settings.STORAGES["private"]``, through
    `portal.storage`): a folder outside MEDIA_ROOT or a private bucket, without a URL
    anyone could open. Evidence is only ever served through a view that checks who asks
    (`members.views_certification.evidence_download`). A callable, so migrations name it
    and not the storage the settings choose."""
    return _private_storage


# --- Scheme and norms -------------------------------------------------------------------


class CertificationScheme(_Bilingual, ClusterableModel):
    """A certification scheme (RQIM) with the rules the body sets for it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    validity_years = models.PositiveSmallIntegerField(
        _("validity (years)"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    application_fee = models.DecimalField(
        _("application fee incl. VAT"), max_digits=8, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    renewal_fee = models.DecimalField(
        _("renewal fee incl. VAT"), max_digits=8, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_years_experience = models.PositiveSmallIntegerField(
        _("minimum years as interim manager"), default=3, validators=[MaxValueValidator(60)]
    )
    min_assignments = models.PositiveSmallIntegerField(
        _("minimum number of assignments"), default=3, validators=[MaxValueValidator(100)]
    )
    objection_period_weeks = models.PositiveSmallIntegerField(
        _("objection period (weeks)"), default=4, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    reconsideration_period_weeks = models.PositiveSmallIntegerField(
        _("reconsideration period (weeks)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    is_open = models.BooleanField(_("open for applications"), default=True)

    class Meta:
        verbose_name = _("certification scheme")
        verbose_name_plural = _("certification schemes")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(validity_years__gte=1), name="scheme_validity_positive"),
            models.CheckConstraint(
                condition=Q(application_fee__gte=0, renewal_fee__gte=0), name="scheme_fees_not_negative"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return self.description_en if _english() and self.description_en else self.description_nl


class CertificationLevel(_Bilingual, models.Model):
    """A level of a scheme (RQIM, RQIM Senior) with its EQF level.

    An application at a level is assessed on the criteria of the norm version whose
    EQF level is at most the level's own.
    """

    scheme = ParentalKey(CertificationScheme, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="levels")
    code = models.SlugField(_("code"), max_length=30)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    eqf_level = models.PositiveSmallIntegerField(_("EQF level"), validators=EQF_VALIDATORS)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("certification level")
        verbose_name_plural = _("certification levels")
        ordering = ["sort_order", "eqf_level"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="level_unique_code_per_scheme"),
            models.CheckConstraint(condition=Q(eqf_level__gte=1, eqf_level__lte=8), name="level_eqf_range"),
        ]

    def __str__(self):
        return self.name


class NormVersion(ClusterableModel):
    """One version of the RQIM norms, in force from `effective_from` until the next one.

    Applications are assessed against the version in force on the day they are
    submitted (`certification_selectors.norm_version_in_force`); a version that an
    application or certificate refers to cannot be deleted (PROTECT).
    """

    scheme = models.ForeignKey(CertificationScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="norm_versions")
    version = models.CharField(_("version"), max_length=20, help_text=_("For example: 2026.1"))
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    replaces = models.ForeignKey(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    summary_nl = models.TextField(_("summary of changes (Dutch)"), blank=True)
    summary_en = models.TextField(_("summary of changes (English)"), blank=True)

    class Meta:
        verbose_name = _("norm version")
        verbose_name_plural = _("norm versions")
        ordering = ["scheme", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "version"], name="normversion_unique_version"),
            models.UniqueConstraint(fields=["scheme", "effective_from"], name="normversion_unique_effective_date"),
            models.CheckConstraint(condition=~Q(replaces=F("pk")), name="normversion_not_replacing_itself"),
        ]

    def __str__(self):
        return self.version

    @property
    def title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title_nl


class CompetenceArea(_Bilingual, ClusterableModel):
    """A competence area of a norm version; its criteria are what assessors score."""

    norm_version = ParentalKey(NormVersion, verbose_name=_("norm version"), on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=10, help_text=_("For example: A"))
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")
        ordering = ["norm_version", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["norm_version", "code"], name="area_unique_code_per_norm")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    """One criterion of a competence area, with the EQF level it asks for."""

    area = ParentalKey(CompetenceArea, verbose_name=_("competence area"), on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("code"), max_length=10, help_text=_("For example: A.1"))
    text_nl = models.TextField(_("criterion (Dutch)"))
    text_en = models.TextField(_("criterion (English)"))
    eqf_level = models.PositiveSmallIntegerField(_("EQF level"), validators=EQF_VALIDATORS)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["area__sort_order", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="criterion_unique_code_per_area"),
            models.CheckConstraint(condition=Q(eqf_level__gte=1, eqf_level__lte=8), name="criterion_eqf_range"),
        ]

    def __str__(self):
        return self.code

    @property
    def text(self) -> str:
        return self.text_en if _english() and self.text_en else self.text_nl


# --- Applications ---------------------------------------------------------------------


class CertificationApplication(models.Model):
    """A member's application for a level of a scheme, from draft to decision.

        draft ──submit──▶ submitted ──assign──▶ assessment ──recommend──▶ decision ──▶ granted | refused
                              ▲                     │
                              └── conflict declared ┘
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting an assessor")
        ASSESSMENT = "assessment", _("In assessment")
        DECISION = "decision", _("Awaiting decision")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    class Kind(models.TextChoices):
        INITIAL = "initial", _("First certification")
        RECERTIFICATION = "recertification", _("Recertification")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.ASSESSMENT, Status.DECISION)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="certification_applications"
    )
    scheme = models.ForeignKey(CertificationScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="applications")
    level = models.ForeignKey(CertificationLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # A recertification renews an existing certificate: a renewed declaration, the PE
    # requirement of the cycle and a lighter assessment (no criterion scores or interview).
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    renews = models.ForeignKey(
        "Certificate", verbose_name=_("certificate to renew"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="recertifications",
    )
    # Set on submission: the norms in force that day, which the assessment follows.
    norm_version = models.ForeignKey(
        NormVersion, verbose_name=_("norm version"), null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )

    years_experience = models.PositiveSmallIntegerField(
        _("years as interim manager"), null=True, blank=True, validators=[MaxValueValidator(60)]
    )
    assignment_count = models.PositiveSmallIntegerField(
        _("number of interim assignments"), null=True, blank=True, validators=[MaxValueValidator(500)]
    )
    cv_summary = models.TextField(_("curriculum vitae"), blank=True, help_text=_("Your career in brief; you can add your CV as a file too."))
    motivation = models.TextField(_("motivation"), blank=True)
    declaration_version = models.CharField(_("code of conduct version signed"), max_length=20, blank=True)
    declaration_signed_at = models.DateTimeField(_("declaration signed"), null=True, blank=True)

    # The application fee: a transfer to the association's account, marked paid by the secretariat.
    fee_amount = models.DecimalField(_("application fee"), max_digits=8, decimal_places=2, null=True, blank=True)
    fee_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    fee_paid_at = models.DateTimeField(_("fee paid"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("certification application")
        verbose_name_plural = _("certification applications")
        ordering = ["-submitted_at", "-created_at"]
        permissions = [
            ("manage_certificationapplication", _("Can record fees and assign assessors")),
            ("assess_certificationapplication", _("Can assess certification applications assigned to them")),
            ("decide_certificationapplication", _("Can decide on certification applications")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "scheme"],
                condition=Q(status__in=["draft", "submitted", "assessment", "decision"]),
                name="application_one_open_per_scheme",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False, norm_version__isnull=False),
                name="application_submitted_has_norms",
            ),
            models.CheckConstraint(
                condition=Q(kind="initial", renews__isnull=True) | Q(kind="recertification", renews__isnull=False),
                name="application_recertification_names_certificate",
            ),
        ]

    def __str__(self):
        return f"{self.applicant} – {self.level}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_recertification(self) -> bool:
        return self.kind == self.Kind.RECERTIFICATION


class PortfolioAssignment(models.Model):
    """An interim assignment in the portfolio, with a client reference the body may contact."""

    application = models.ForeignKey(
        CertificationApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="assignments"
    )
    client = models.CharField(_("client"), max_length=200)
    role = models.CharField(_("role"), max_length=200)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    description = models.TextField(_("description"))
    reference_name = models.CharField(_("reference contact"), max_length=200)
    reference_email = models.EmailField(_("reference e-mail"), blank=True)
    reference_phone = models.CharField(_("reference phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("portfolio assignment")
        verbose_name_plural = _("portfolio assignments")
        ordering = ["-started_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="assignment_period_order"
            )
        ]

    def __str__(self):
        return f"{self.role}, {self.client}"


def evidence_path(instance, filename):
    # The stored name says nothing about the person or the original file name.
    import uuid

    return f"certification/evidence/{instance.application_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """An uploaded document of a portfolio: PDF, JPG or PNG, at most 10 MB, stored privately."""

    class Kind(models.TextChoices):
        CV = "cv", _("Curriculum vitae")
        ASSIGNMENT = "assignment", _("Assignment evidence")
        DIPLOMA = "diploma", _("Diploma or certificate")
        OTHER = "other", _("Other")

    MAX_SIZE = 10 * 1024 * 1024
    ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

    application = models.ForeignKey(
        CertificationApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__lte=10 * 1024 * 1024), name="evidence_max_size"),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]), name="evidence_allowed_type"
            ),
        ]

    def __str__(self):
        return self.original_name


# --- Assessment and decision ----------------------------------------------------------


class Assessment(models.Model):
    """One assessor's part in an application: declaration, scores, interview, recommendation.

    The assessor first declares whether they have a relation with the applicant;
    a declared relation ends the assignment (status `conflict`) and that assessor
    can never be assigned to this application again.
    """

    class Status(models.TextChoices):
        AWAITING_DECLARATION = "awaiting_declaration", _("Awaiting conflict-of-interest declaration")
        IN_PROGRESS = "in_progress", _("In progress")
        CONFLICT = "conflict", _("Ended: conflict of interest declared")
        RECOMMENDED = "recommended", _("Recommendation made")

    class Recommendation(models.TextChoices):
        GRANT = "grant", _("Grant")
        REFUSE = "refuse", _("Refuse")

    application = models.ForeignKey(
        CertificationApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="certification_assessments"
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.AWAITING_DECLARATION, db_index=True
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    declared_at = models.DateTimeField(_("declaration made"), null=True, blank=True)
    conflict_relation = models.TextField(_("declared relation"), blank=True)
    interview_on = models.DateField(_("interview date"), null=True, blank=True)
    interview_notes = models.TextField(_("interview record"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=10, choices=Recommendation.choices, blank=True)
    recommendation_reasons = models.TextField(_("reasons for the recommendation"), blank=True)
    recommended_at = models.DateTimeField(_("recommended"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-assigned_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "assessor"], name="assessment_one_per_assessor"),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["awaiting_declaration", "in_progress", "recommended"]),
                name="assessment_one_current_per_application",
            ),
            models.CheckConstraint(
                condition=~Q(status="recommended") | ~Q(recommendation=""), name="assessment_recommended_has_outcome"
            ),
        ]

    def __str__(self):
        return f"{self.application} – {self.assessor}"


class CriterionScore(models.Model):
    """The assessor's score of one criterion, with notes."""

    class Score(models.IntegerChoices):
        NOT_SHOWN = 0, _("0 – not demonstrated")
        PARTLY = 1, _("1 – partly demonstrated")
        SHOWN = 2, _("2 – demonstrated")
        EXCEEDED = 3, _("3 – amply demonstrated")

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    notes = models.TextField(_("notes"), blank=True)
    scored_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        ordering = ["criterion__area__sort_order", "criterion__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=3), name="score_range"),
        ]


class Decision(models.Model):
    """The body's decision on an application: one per application.

    Both the assessor whose recommendation was followed and the decider are stored,
    so that the database itself refuses a decider who assessed.
    """

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    application = models.OneToOneField(
        CertificationApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="decision"
    )
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+")
    decider = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decider"), on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"))
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(decider=F("assessor")), name="decision_decider_is_not_assessor"),
            models.CheckConstraint(condition=~Q(reasons=""), name="decision_has_reasons"),
        ]

    def __str__(self):
        return f"{self.application}: {self.get_outcome_display()}"


# --- Certificates ------------------------------------------------------------------------


def iso7064_mod11_10(digits: str) -> int:
    """The check digit of ISO 7064 MOD 11,10 (a hybrid system, one decimal check digit)."""
    product = 10
    for char in digits:
        total = (product + int(char)) % 10 or 10
        product = (2 * total) % 11
    return (11 - product) % 10


class CertificateSequence(models.Model):
    """The last certificate serial given out in a year. Its row is locked while a
    serial is taken, so serials are consecutive and never given out twice."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("certificate number sequence")
        verbose_name_plural = _("certificate number sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class CertificateStatusList(models.Model):
    """One W3C Bitstring Status List the portal serves at ``/api/v1/status-lists/<pk>``.

    Each certificate holds one place (index) in a suspension list and one in a
    revocation list, drawn at random on issue (members/credentials/status_list.py);
    the bits are not stored but read from the certificates' status when the list is
    served, so a list is always the truth of the moment.
    """

    class Purpose(models.TextChoices):
        SUSPENSION = "suspension", _("Suspension")
        REVOCATION = "revocation", _("Revocation")

    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_purpose_display()} {self.pk}"


class Certificate(models.Model):
    """A certificate the body issued: one number for its whole life.

    The number is ``RQIM-<year>-<5 digits>-<check digit>``, e.g. ``RQIM-2026-00123-7``.
    The check digit is ISO 7064 MOD 11,10 over the nine digits of year and serial
    (`iso7064_mod11_10`): one decimal digit that catches every single mistyped
    digit and every swap of two neighbouring digits (Luhn misses 09↔90), so the
    verification page can tell a mistyped number from an unknown one.

    Status is a state machine with one service per transition:

        active ──suspend──▶ suspended ──reinstate──▶ active
        active | suspended ──withdraw──▶ withdrawn (final)
        active ──(validity over, daily run)──▶ expired
        active | expired ──recertify──▶ active, a new period under the same number

    Each validity is one `CertificatePeriod`; `valid_from`/`valid_until` here are
    those of the current one. Later parts (the PDF, the signed credential with its
    status-list indexes) hang off this row without changing its meaning.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    PREFIX = "RQIM"

    number = models.CharField(_("number"), max_length=20, unique=True)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates")
    scheme = models.ForeignKey(CertificationScheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="certificates")
    level = models.ForeignKey(CertificationLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="certificates")
    norm_version = models.ForeignKey(NormVersion, verbose_name=_("norm version"), on_delete=models.PROTECT, related_name="certificates")
    application = models.OneToOneField(
        CertificationApplication, verbose_name=_("application"), on_delete=models.PROTECT, related_name="certificate"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    status_changed_on = models.DateField(_("status since"))
    issued_on = models.DateField(_("first issued"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Its places in the status lists (random, unique per list): the suspension bit is
    # set while suspended, the revocation bit once withdrawn.
    suspension_list = models.ForeignKey(
        CertificateStatusList, verbose_name=_("suspension status list"), on_delete=models.PROTECT, related_name="+"
    )
    suspension_index = models.PositiveIntegerField(_("suspension status index"))
    revocation_list = models.ForeignKey(
        CertificateStatusList, verbose_name=_("revocation status list"), on_delete=models.PROTECT, related_name="+"
    )
    revocation_index = models.PositiveIntegerField(_("revocation status index"))

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["suspension_list", "suspension_index"], name="certificate_suspension_place"),
            models.UniqueConstraint(fields=["revocation_list", "revocation_index"], name="certificate_revocation_place"),
            models.CheckConstraint(
                condition=Q(suspension_index__lt=STATUS_LIST_LENGTH) & Q(revocation_index__lt=STATUS_LIST_LENGTH),
                name="certificate_status_index_in_list",
            ),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="certificate_validity_order"),
            models.CheckConstraint(
                condition=~Q(status="suspended") | Q(suspended_until__isnull=False), name="certificate_suspension_has_end"
            ),
            models.CheckConstraint(
                condition=Q(number__regex=r"^RQIM-[0-9]{4}-[0-9]{5}-[0-9]$"), name="certificate_number_format"
            ),
        ]

    def __str__(self):
        return self.number

    @classmethod
    def format_number(cls, *, year: int, serial: int) -> str:
        digits = f"{year:04d}{serial:05d}"
        return f"{cls.PREFIX}-{year:04d}-{serial:05d}-{iso7064_mod11_10(digits)}"

    @property
    def is_valid_now(self) -> bool:
        return self.status == self.Status.ACTIVE


class CertificatePeriod(models.Model):
    """One validity of a certificate: the first issue and every recertification."""

    certificate = models.ForeignKey(Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="periods")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    norm_version = models.ForeignKey(NormVersion, verbose_name=_("norm version"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate period")
        verbose_name_plural = _("certificate periods")
        ordering = ["certificate", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["certificate", "valid_from"], name="period_unique_start"),
            models.CheckConstraint(condition=Q(valid_until__gt=F("valid_from")), name="period_order"),
        ]

    def __str__(self):
        return f"{self.certificate}: {self.valid_from} – {self.valid_until}"


def certificate_number_parse(raw: str) -> tuple[str, bool] | None:
    """Normalise what someone typed into a number; None when it is not of the form at all.

    Returns ``(number, check_digit_ok)``. Spaces, lower case and missing dashes are
    forgiven: "rqim 2026 00123 7" is read as "RQIM-2026-00123-7".
    """
    import re

    cleaned = re.sub(r"[\s\-‐–—_.]", "", (raw or "").upper())
    match = re.fullmatch(r"RQIM(\d{4})(\d{5})(\d)", cleaned)
    if not match:
        return None
    year, serial, check = match.groups()
    number = f"RQIM-{year}-{serial}-{check}"
    return number, iso7064_mod11_10(year + serial) == int(check)

