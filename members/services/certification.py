"""Every write of the RQIM certification: applications, assessment, decision, certificates.

The application moves  draft → submitted → assessment → decision → granted | refused;
a certificate moves  active ⇄ suspended, active | suspended → withdrawn, active → expired,
and recertification gives it a new period under the same number.

Each transition is one function: it locks the row it changes, checks the current
state (raising DomainError when the move is not allowed), saves only the changed
fields and writes one audit entry (`portal.audit.log_action`) in the same
transaction. Mail to the applicant or holder is queued through a task after commit.

Impartiality (ISO/IEC 17024): `application_decide` refuses anyone who was ever
assigned to assess the application, and the Decision row's CheckConstraint keeps
decider and assessor apart in the database as well.

The application fee is due on submission (`fee_amount`, `fee_reference`) and paid
through the membership app's one-off payments (purpose `members.certification_fee`):
online through Stripe Checkout (`application_fee_checkout_start`), or by transfer
that the secretariat records (`application_fee_mark_paid`). The payment's
`charge_paid` signal sets `fee_paid_at` (`application_fee_charge_paid`).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import certification_selectors as selectors
from members.models import (
    Assessment,
    Certificate,
    CertificatePeriod,
    CertificateSequence,
    CertificateStatusList,
    CertificationApplication,
    CertificationLevel,
    CriterionScore,
    Decision,
    Evidence,
    NormVersion,
    PortfolioAssignment,
)
from members.credentials.status_list import StatusListFull, random_free_index
from members.selectors import user_is_active_member
from members.register_index import register_certificate_facts_refresh
from portal.dates import add_months
from portal.audit import Source, log_action
from portal.exceptions import DomainError

logger = logging.getLogger(__name__)

AppStatus = CertificationApplication.Status
CertStatus = Certificate.Status

# The version of the code of conduct applicants sign now.
CODE_OF_CONDUCT_VERSION = "2026-01"
# Evidence files per application, to keep a portfolio readable.
MAX_EVIDENCE_FILES = 30
# Recertification opens this many months before the validity ends.
RECERTIFICATION_WINDOW_MONTHS = 6

APPLICATION_FIELDS = ("years_experience", "assignment_count", "cv_summary", "motivation")
ASSIGNMENT_FIELDS = (
    "client", "role", "started_on", "ended_on", "description", "reference_name", "reference_email", "reference_phone",
)


def _lock_application(application: CertificationApplication) -> CertificationApplication:
    return (
        CertificationApplication.objects.select_for_update(of=("self",))
        .select_related("scheme", "level", "applicant", "norm_version")
        .get(pk=application.pk)
    )


def _lock_certificate(certificate: Certificate) -> Certificate:
    return Certificate.objects.select_for_update(of=("self",)).select_related("holder", "scheme", "level").get(pk=certificate.pk)


def _notify(kind: str, pk: int, entry_pk: int) -> None:
    """Tell the applicant or holder, through a task, once the transaction commits."""

    def enqueue():
        from django_q.tasks import async_task

        async_task("members.tasks_certification.certification_notice_send", kind, pk, entry_pk)

    transaction.on_commit(enqueue)


def _require_draft(application: CertificationApplication) -> None:
    if application.status != AppStatus.DRAFT:
        raise DomainError(_("This application has been submitted and can no longer be changed."))


def _require_applicant(application: CertificationApplication, user) -> None:
    if application.applicant_id != getattr(user, "pk", None):
        raise DomainError(_("Only the applicant can change this application."))


# --- The application ---------------------------------------------------------------------


@transaction.atomic
def application_start(*, applicant, level: CertificationLevel) -> CertificationApplication:
    """Start a draft application for `level` (or return the open one for that scheme)."""
    if not user_is_active_member(user=applicant):
        raise DomainError(_("Only members with an active membership can apply for certification."))
    scheme = level.scheme
    if not scheme.is_open:
        raise DomainError(_("This scheme is not open for applications."))
    existing = CertificationApplication.objects.filter(
        applicant=applicant, scheme=scheme, status__in=CertificationApplication.OPEN_STATUSES
    ).first()
    if existing is not None:
        return existing
    application = CertificationApplication(applicant=applicant, scheme=scheme, level=level)
    application.full_clean()
    application.save()
    log_action(application, "members.certification_application.started", actor=applicant, source=Source.MEMBER,
               data={"level": level.code})
    return application


@transaction.atomic
def application_update(*, application: CertificationApplication, actor, level: CertificationLevel | None = None,
                       **fields) -> CertificationApplication:
    """Save a draft: the level and the application's own fields. Nothing is checked for completeness yet."""
    application = _lock_application(application)
    _require_applicant(application, actor)
    _require_draft(application)
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown application fields: {sorted(unknown)}")
    changed = []
    if level is not None and level.pk != application.level_id:
        if level.scheme_id != application.scheme_id:
            raise DomainError(_("Choose a level of this scheme."))
        application.level = level
        changed.append("level")
    for name, value in fields.items():
        if getattr(application, name) != value:
            setattr(application, name, value)
            changed.append(name)
    if changed:
        application.full_clean()
        application.save(update_fields=[*changed, "updated_at"])
    return application


@transaction.atomic
def portfolio_assignment_add(*, application: CertificationApplication, actor, **fields) -> PortfolioAssignment:
    application = _lock_application(application)
    _require_applicant(application, actor)
    _require_draft(application)
    unknown = set(fields) - set(ASSIGNMENT_FIELDS)
    if unknown:
        raise ValueError(f"Unknown assignment fields: {sorted(unknown)}")
    assignment = PortfolioAssignment(application=application, **fields)
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def portfolio_assignment_remove(*, assignment: PortfolioAssignment, actor) -> None:
    application = _lock_application(assignment.application)
    _require_applicant(application, actor)
    _require_draft(application)
    assignment.delete()


def evidence_check(*, upload) -> str:
    """The content type of an upload, read from its content; DomainError when not allowed.

    The name and the browser's claimed type are ignored: a text file called cv.pdf is refused.
    """
    import filetype

    if upload.size > Evidence.MAX_SIZE:
        raise DomainError(_("The file is larger than 10 MB."))
    if upload.size == 0:
        raise DomainError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in Evidence.ALLOWED_TYPES:
        raise DomainError(_("Upload a PDF, JPG or PNG file."))
    return kind.mime


@transaction.atomic
def evidence_add(*, application: CertificationApplication, actor, upload, kind: str = Evidence.Kind.OTHER) -> Evidence:
    """Store an evidence file privately, after checking its content and size."""
    content_type = evidence_check(upload=upload)
    application = _lock_application(application)
    _require_applicant(application, actor)
    _require_draft(application)
    if application.evidence.count() >= MAX_EVIDENCE_FILES:
        raise DomainError(_("An application holds at most %(count)d files.") % {"count": MAX_EVIDENCE_FILES})
    name = (getattr(upload, "name", "") or "evidence").rsplit("/", 1)[-1][:200]
    evidence = Evidence(application=application, kind=kind, original_name=name, content_type=content_type, size=upload.size)
    evidence.file.save(name, upload, save=False)
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    log_action(application, "members.certification_application.evidence_added", actor=actor, source=Source.MEMBER,
               data={"file": name, "kind": kind})
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    application = _lock_application(evidence.application)
    _require_applicant(application, actor)
    _require_draft(application)
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


def application_fee_reference(*, application: CertificationApplication) -> str:
    """What the applicant writes with the transfer, so that the secretariat can match it (Dutch: bookkeeping)."""
    name = application.applicant.get_full_name() or application.applicant.email
    return f"RQIM-aanvraag {application.pk} {name}"[:60]


def application_missing(*, application: CertificationApplication) -> list[str]:
    """What still stands between a draft and its submission, for the applicant to read."""
    scheme = application.scheme
    missing = []
    if application.years_experience is None or application.years_experience < scheme.min_years_experience:
        missing.append(
            _("At least %(years)d years as an interim manager.") % {"years": scheme.min_years_experience}
        )
    if application.assignment_count is None or application.assignment_count < scheme.min_assignments:
        missing.append(_("At least %(count)d interim assignments.") % {"count": scheme.min_assignments})
    if not application.cv_summary.strip() and not application.evidence.filter(kind=Evidence.Kind.CV).exists():
        missing.append(_("Your curriculum vitae (as text or as a file)."))
    if not application.assignments.exists():
        missing.append(_("At least one assignment in your portfolio, with a client reference."))
    return missing


@transaction.atomic
def application_submit(*, application: CertificationApplication, actor, declaration_signed: bool,
                       today: date | None = None) -> CertificationApplication:
    """Submit a complete draft: sign the declaration, fix the norm version, make the fee due."""
    today = today or timezone.localdate()
    application = _lock_application(application)
    _require_applicant(application, actor)
    _require_draft(application)
    if not declaration_signed:
        raise DomainError(_("Sign the declaration on the code of conduct to submit."))
    if not user_is_active_member(user=application.applicant):
        raise DomainError(_("Only members with an active membership can apply for certification."))
    missing = application_missing(application=application)
    if missing:
        raise DomainError(_("The application is not complete yet: %(missing)s") % {"missing": " ".join(missing)})
    norm_version = selectors.norm_version_in_force(scheme=application.scheme, on=today)
    if norm_version is None:
        raise DomainError(_("No norms are in force yet; applications open when they are."))
    now = timezone.now()
    application.status = AppStatus.SUBMITTED
    application.submitted_at = now
    application.norm_version = norm_version
    application.declaration_version = CODE_OF_CONDUCT_VERSION
    application.declaration_signed_at = now
    application.fee_amount = application.scheme.application_fee
    application.fee_reference = application_fee_reference(application=application)
    if not application.fee_amount:
        application.fee_paid_at = now  # nothing to pay
    application.save(update_fields=[
        "status", "submitted_at", "norm_version", "declaration_version", "declaration_signed_at",
        "fee_amount", "fee_reference", "fee_paid_at", "updated_at",
    ])
    entry = log_action(application, "members.certification_application.submitted", actor=actor, source=Source.MEMBER,
                       data={"norm_version": norm_version.version, "fee": application.fee_amount,
                             "declaration_version": CODE_OF_CONDUCT_VERSION})
    _notify("submitted", application.pk, entry.pk)
    return application


# The application fee is a one-off payment (members.services.charges) with this purpose.
FEE_PURPOSE = "members.certification_fee"


def application_fee_charge(*, application: CertificationApplication):
    """The fee's payment: the open or paid one, opened when there is none yet (no time limit:
    the applicant pays online or by transfer when it suits them)."""
    from members.models import Charge
    from members.models.charges import charge_reference_new
    from members.services import charges

    existing = charges.charge_for(purpose=FEE_PURPOSE, object_id=application.pk)
    if existing is not None and existing.status in (Charge.Status.OPEN, *Charge.PAID_STATUSES):
        return existing
    name = application.applicant.get_full_name() or application.applicant.email
    try:
        with transaction.atomic():
            return charges.charge_open(
                purpose=FEE_PURPOSE,
                object_id=application.pk,
                user=application.applicant,
                amount=application.fee_amount,
                description=f"Aanvraagkosten {application.level} · {name}",
                refundable=False,
                reference=f"RQIM-{application.pk}-{charge_reference_new()[4:]}",
                source=Source.MEMBER,
            )
    except IntegrityError:
        # Opened at the same moment by another request: one open payment per application.
        return charges.charge_for(purpose=FEE_PURPOSE, object_id=application.pk)


def _require_fee_due(application: CertificationApplication) -> None:
    if application.status == AppStatus.DRAFT:
        raise DomainError(_("The fee is due once the application is submitted."))
    if application.fee_paid_at is not None:
        raise DomainError(_("The fee of this application is already recorded as paid."))


def application_fee_checkout_start(*, application: CertificationApplication, actor, success_url: str,
                                   cancel_url: str) -> str:
    """The applicant pays the fee online: the Stripe Checkout address. Outside any transaction."""
    from members.services import charges

    application = CertificationApplication.objects.select_related("applicant", "level").get(pk=application.pk)
    _require_applicant(application, actor)
    _require_fee_due(application)
    charge = application_fee_charge(application=application)
    return charges.charge_checkout_start(charge=charge, success_url=success_url, cancel_url=cancel_url)


def application_fee_mark_paid(*, application: CertificationApplication, actor, paid_on: date,
                              reference: str = "") -> CertificationApplication:
    """The secretariat records that the application fee arrived (a bank transfer): on the fee's
    payment, which marks the application paid (`application_fee_charge_paid`)."""
    from members.services import charges

    application = CertificationApplication.objects.select_related("applicant", "level").get(pk=application.pk)
    _require_fee_due(application)
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."))
    if not application.fee_amount:
        raise DomainError(_("This application has no fee to pay."))
    charge = application_fee_charge(application=application)
    try:
        charges.charge_transfer_record(charge=charge, actor=actor, paid_on=paid_on, note=reference)
    except DomainError:
        application.refresh_from_db()
        _require_fee_due(application)
        raise
    application.refresh_from_db()
    return application


def application_fee_charge_paid(sender, charge, purpose, **kwargs) -> None:
    """members.signals.charge_paid: the fee arrived (online, or a transfer recorded); safe to repeat."""
    if purpose != FEE_PURPOSE:
        return
    application = CertificationApplication.objects.filter(pk=int(charge.object_id)).first()
    if application is None:
        return
    application = _lock_application(application)
    if application.fee_paid_at is not None:
        return
    application.fee_paid_at = charge.paid_at
    application.save(update_fields=["fee_paid_at", "updated_at"])
    online = charge.method == charge.Method.STRIPE
    log_action(application, "members.certification_application.fee_paid",
               actor=None if online else charge.recorded_by,
               source=Source.STRIPE if online else Source.SECRETARIAT,
               data={"amount": charge.amount, "paid_on": timezone.localdate(charge.paid_at),
                     "reference": charge.note or charge.reference, "method": charge.method})


# --- Assessment ----------------------------------------------------------------------------


def _is_assessor(user) -> bool:
    return user.is_active and user.has_perm("members.assess_certificationapplication")


@transaction.atomic
def assessment_assign(*, application: CertificationApplication, assessor, actor) -> Assessment:
    """The secretariat assigns an assessor; the assessor then declares (no) conflict of interest."""
    application = _lock_application(application)
    if application.status != AppStatus.SUBMITTED:
        raise DomainError(_("An assessor can only be assigned to a submitted application without one."))
    if application.fee_paid_at is None:
        raise DomainError(_("The application fee has not been received yet."))
    if assessor.pk == application.applicant_id:
        raise DomainError(_("Applicants cannot assess their own application."))
    if not _is_assessor(assessor):
        raise DomainError(_("This person is not an assessor."))
    earlier = application.assessments.filter(assessor=assessor).first()
    if earlier is not None:
        if earlier.status == Assessment.Status.CONFLICT:
            raise DomainError(_("This assessor declared a relation with the applicant and cannot assess this application."))
        raise DomainError(_("This assessor is already assigned to this application."))
    assessment = Assessment(application=application, assessor=assessor)
    assessment.full_clean(validate_constraints=False)
    assessment.save()
    application.status = AppStatus.ASSESSMENT
    application.save(update_fields=["status", "updated_at"])
    log_action(application, "members.certification_application.assessor_assigned", actor=actor,
               source=Source.SECRETARIAT, data={"assessor": assessor.get_full_name() or assessor.email})
    return assessment


def _lock_assessment(assessment: Assessment, assessor) -> tuple[Assessment, CertificationApplication]:
    application = _lock_application(assessment.application)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.assessor_id != getattr(assessor, "pk", None):
        raise DomainError(_("Only the assigned assessor can do this."))
    return assessment, application


@transaction.atomic
def assessment_declare(*, assessment: Assessment, assessor, has_conflict: bool, relation: str = "") -> Assessment:
    """The assessor declares whether they have a relation with the applicant.

    A declared relation ends the assignment: the application goes back to the
    secretariat for another assessor, and this one is never assigned to it again.
    """
    assessment, application = _lock_assessment(assessment, assessor)
    if assessment.status != Assessment.Status.AWAITING_DECLARATION:
        raise DomainError(_("The declaration for this assessment has already been made."))
    relation = relation.strip()
    now = timezone.now()
    assessment.declared_at = now
    if has_conflict:
        if not relation:
            raise DomainError(_("Describe the relation with the applicant."))
        assessment.status = Assessment.Status.CONFLICT
        assessment.conflict_relation = relation
        assessment.save(update_fields=["status", "declared_at", "conflict_relation"])
        application.status = AppStatus.SUBMITTED
        application.save(update_fields=["status", "updated_at"])
        log_action(application, "members.certification_application.conflict_declared", actor=assessor,
                   source=Source.BODY, data={"assessor": assessor.get_full_name() or assessor.email})
    else:
        assessment.status = Assessment.Status.IN_PROGRESS
        assessment.save(update_fields=["status", "declared_at"])
        log_action(application, "members.certification_application.no_conflict_declared", actor=assessor,
                   source=Source.BODY, data={"assessor": assessor.get_full_name() or assessor.email})
    return assessment


def _require_in_progress(assessment: Assessment) -> None:
    if assessment.status != Assessment.Status.IN_PROGRESS:
        if assessment.status == Assessment.Status.AWAITING_DECLARATION:
            raise DomainError(_("Declare first that you have no conflict of interest with the applicant."))
        raise DomainError(_("This assessment is closed."))


@transaction.atomic
def assessment_score(*, assessment: Assessment, assessor, scores: dict[int, tuple[int, str]]) -> Assessment:
    """Score criteria: `scores` maps a criterion's pk to (score 0–3, notes)."""
    assessment, application = _lock_assessment(assessment, assessor)
    _require_in_progress(assessment)
    criteria = {c.pk: c for c in selectors.criteria_for(norm_version=application.norm_version, eqf_level=application.level.eqf_level)}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise DomainError(_("Score only the criteria of the norms this application is assessed against."))
    for criterion_pk, (score, notes) in scores.items():
        if score not in CriterionScore.Score.values:
            raise DomainError(_("A score is 0, 1, 2 or 3."))
        CriterionScore.objects.update_or_create(
            assessment=assessment, criterion=criteria[criterion_pk], defaults={"score": score, "notes": notes.strip()}
        )
    if scores:
        log_action(application, "members.certification_application.scored", actor=assessor, source=Source.BODY,
                   data={"criteria": sorted(criteria[pk].code for pk in scores)})
    return assessment


@transaction.atomic
def assessment_interview_record(*, assessment: Assessment, assessor, held_on: date, notes: str) -> Assessment:
    assessment, application = _lock_assessment(assessment, assessor)
    _require_in_progress(assessment)
    if held_on > timezone.localdate():
        raise DomainError(_("Record the interview after it was held."))
    if not notes.strip():
        raise DomainError(_("Write down what was discussed in the interview."))
    assessment.interview_on = held_on
    assessment.interview_notes = notes.strip()
    assessment.save(update_fields=["interview_on", "interview_notes"])
    log_action(application, "members.certification_application.interview_recorded", actor=assessor,
               source=Source.BODY, data={"held_on": held_on})
    return assessment


@transaction.atomic
def assessment_recommend(*, assessment: Assessment, assessor, recommendation: str, reasons: str) -> Assessment:
    """Close the assessment with a recommendation; the application goes to a decider."""
    assessment, application = _lock_assessment(assessment, assessor)
    _require_in_progress(assessment)
    if recommendation not in Assessment.Recommendation.values:
        raise DomainError(_("Recommend to grant or to refuse."))
    if not reasons.strip():
        raise DomainError(_("Give the reasons for your recommendation."))
    if not application.is_recertification:
        # The full assessment; a recertification has the lighter one (RECERTIFICATION_ASSESSMENT):
        # a review of the cycle's practice and PE with a reasoned recommendation.
        needed = set(
            selectors.criteria_for(norm_version=application.norm_version, eqf_level=application.level.eqf_level)
            .values_list("pk", flat=True)
        )
        scored = set(assessment.scores.values_list("criterion_id", flat=True))
        if needed - scored:
            raise DomainError(_("Score every criterion before recommending (%(count)d left).") % {"count": len(needed - scored)})
        if assessment.interview_on is None:
            raise DomainError(_("Record the interview before recommending."))
    assessment.status = Assessment.Status.RECOMMENDED
    assessment.recommendation = recommendation
    assessment.recommendation_reasons = reasons.strip()
    assessment.recommended_at = timezone.now()
    assessment.save(update_fields=["status", "recommendation", "recommendation_reasons", "recommended_at"])
    application.status = AppStatus.DECISION
    application.save(update_fields=["status", "updated_at"])
    log_action(application, "members.certification_application.recommended", actor=assessor, source=Source.BODY,
               data={"recommendation": recommendation})
    return assessment


# --- Decision and certificate ------------------------------------------------------------


@transaction.atomic
def application_decide(*, application: CertificationApplication, decider, outcome: str, reasons: str,
                       today: date | None = None) -> Decision:
    """Grant or refuse, by a decider who took no part in the assessment. On grant, issue the certificate."""
    today = today or timezone.localdate()
    application = _lock_application(application)
    if Decision.objects.filter(application=application).exists():
        raise DomainError(_("This application has already been decided."))
    if application.status != AppStatus.DECISION:
        raise DomainError(_("This application is not ready for a decision: the assessment is not finished."))
    if not (decider.is_active and decider.has_perm("members.decide_certificationapplication")):
        raise DomainError(_("Only a decider of the certification body can decide."))
    if decider.pk == application.applicant_id:
        raise DomainError(_("Nobody can decide on their own application."))
    if selectors.user_took_part_in_assessment(application=application, user=decider):
        raise DomainError(_("You took part in the assessment of this application, so another decider must decide."))
    if outcome not in Decision.Outcome.values:
        raise DomainError(_("Grant or refuse the application."))
    if not reasons.strip():
        raise DomainError(_("Give the reasons for the decision; the applicant reads them."))
    assessment = application.assessments.get(status=Assessment.Status.RECOMMENDED)
    now = timezone.now()
    decision = Decision(application=application, assessor_id=assessment.assessor_id, decider=decider, outcome=outcome,
                        reasons=reasons.strip(), decided_at=now)
    decision.full_clean(validate_constraints=False)
    decision.save()
    application.status = AppStatus.GRANTED if outcome == Decision.Outcome.GRANTED else AppStatus.REFUSED
    application.decided_at = now
    application.save(update_fields=["status", "decided_at", "updated_at"])
    entry = log_action(application, "members.certification_application.decided", actor=decider, source=Source.BODY,
                       data={"outcome": outcome, "recommendation": assessment.recommendation})
    if outcome == Decision.Outcome.GRANTED:
        certificate_grant(application=application, decider=decider, today=today)
    _notify("decided", application.pk, entry.pk)
    return decision


def certificate_grant(*, application: CertificationApplication, decider, today: date) -> Certificate:
    """What a grant does: issue a new certificate, or renew the one a recertification names."""
    if application.is_recertification:
        return certificate_renew(certificate=application.renews, actor=decider, today=today,
                                 norm_version=application.norm_version)
    return certificate_issue(application=application, decider=decider, today=today)


def _next_certificate_number(year: int) -> str:
    """Take the next serial of `year`, holding its sequence row until commit."""
    sequence, _created = CertificateSequence.objects.select_for_update().get_or_create(
        year=year, defaults={"last_number": _highest_serial(year)}
    )
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return Certificate.format_number(year=year, serial=sequence.last_number)


def _highest_serial(year: int) -> int:
    last = (
        Certificate.objects.filter(number__startswith=f"{Certificate.PREFIX}-{year:04d}-")
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last.split("-")[2]) if last else 0


def validity_end(*, start: date, years: int) -> date:
    """The last day of a validity of `years` starting on `start`."""
    return add_months(start, 12 * years) - timedelta(days=1)


def certificate_status_place_take(purpose: str) -> tuple[CertificateStatusList, int]:
    """A random free place in the newest list of `purpose` (a new list when it is full).

    The list row stays locked until commit, so two issues never draw the same place;
    the unique constraint on (list, index) keeps it so in the database as well.
    """
    status_list = CertificateStatusList.objects.select_for_update().filter(purpose=purpose).order_by("-pk").first()
    if status_list is not None:
        used = set(Certificate.objects.filter(**{f"{purpose}_list": status_list}).values_list(f"{purpose}_index", flat=True))
        try:
            return status_list, random_free_index(used=used)
        except StatusListFull:
            pass
    status_list = CertificateStatusList.objects.create(purpose=purpose)
    return status_list, random_free_index(used=())


def certificate_issue(*, application: CertificationApplication, decider, today: date) -> Certificate:
    """Issue the certificate of a granted application (inside the caller's transaction).

    Called by `application_decide` on a grant, and by the reconsideration of an
    objection that overturns a refusal (`services/certification_cases.py`).
    """
    valid_until = validity_end(start=today, years=application.scheme.validity_years)
    suspension_list, suspension_index = certificate_status_place_take(CertificateStatusList.Purpose.SUSPENSION)
    revocation_list, revocation_index = certificate_status_place_take(CertificateStatusList.Purpose.REVOCATION)
    certificate = Certificate(
        suspension_list=suspension_list,
        suspension_index=suspension_index,
        revocation_list=revocation_list,
        revocation_index=revocation_index,
        number=_next_certificate_number(today.year),
        holder=application.applicant,
        scheme=application.scheme,
        level=application.level,
        norm_version=application.norm_version,
        application=application,
        status=CertStatus.ACTIVE,
        status_changed_on=today,
        issued_on=today,
        valid_from=today,
        valid_until=valid_until,
    )
    certificate.full_clean(validate_unique=False, validate_constraints=False)
    certificate.save()
    CertificatePeriod.objects.create(certificate=certificate, valid_from=today, valid_until=valid_until,
                                     norm_version=application.norm_version)
    log_action(certificate, "members.certificate.issued", actor=decider, source=Source.BODY,
               data={"number": certificate.number, "valid_from": today, "valid_until": valid_until,
                     "level": application.level.code, "norm_version": application.norm_version.version})
    return certificate


@transaction.atomic
def certificate_suspend(*, certificate: Certificate, actor, reason: str, until: date,
                        today: date | None = None) -> Certificate:
    """Suspend an active certificate until a date, with a reason (reversible)."""
    today = today or timezone.localdate()
    certificate = _lock_certificate(certificate)
    if certificate.status != CertStatus.ACTIVE:
        raise DomainError(_("Only an active certificate can be suspended (this one is %(status)s).")
                          % {"status": certificate.get_status_display().lower()})
    if not reason.strip():
        raise DomainError(_("Give the reason for the suspension."))
    if until <= today:
        raise DomainError(_("A suspension lasts until a date after today."))
    certificate.status = CertStatus.SUSPENDED
    certificate.status_changed_on = today
    certificate.suspension_reason = reason.strip()
    certificate.suspended_until = until
    certificate.save(update_fields=["status", "status_changed_on", "suspension_reason", "suspended_until"])
    entry = log_action(certificate, "members.certificate.suspended", actor=actor, source=Source.BODY,
                       data={"reason": certificate.suspension_reason, "until": until})
    _notify("suspended", certificate.pk, entry.pk)
    return certificate


@transaction.atomic
def certificate_reinstate(*, certificate: Certificate, actor, note: str = "", today: date | None = None) -> Certificate:
    """End a suspension: the certificate is active again."""
    today = today or timezone.localdate()
    certificate = _lock_certificate(certificate)
    if certificate.status != CertStatus.SUSPENDED:
        raise DomainError(_("Only a suspended certificate can be reinstated."))
    if certificate.valid_until < today:
        raise DomainError(_("The validity of this certificate ended during the suspension; it can only be renewed."))
    certificate.status = CertStatus.ACTIVE
    certificate.status_changed_on = today
    certificate.suspension_reason = ""
    certificate.suspended_until = None
    certificate.save(update_fields=["status", "status_changed_on", "suspension_reason", "suspended_until"])
    entry = log_action(certificate, "members.certificate.reinstated", actor=actor, source=Source.BODY,
                       data={"note": note.strip()})
    _notify("reinstated", certificate.pk, entry.pk)
    return certificate


@transaction.atomic
def certificate_withdraw(*, certificate: Certificate, actor, reason: str, today: date | None = None) -> Certificate:
    """Withdraw an active or suspended certificate. Final."""
    today = today or timezone.localdate()
    certificate = _lock_certificate(certificate)
    if certificate.status not in (CertStatus.ACTIVE, CertStatus.SUSPENDED):
        raise DomainError(_("Only an active or suspended certificate can be withdrawn."))
    if not reason.strip():
        raise DomainError(_("Give the reason for the withdrawal."))
    previous = certificate.status
    certificate.status = CertStatus.WITHDRAWN
    certificate.status_changed_on = today
    certificate.withdrawal_reason = reason.strip()
    certificate.suspended_until = None
    certificate.save(update_fields=["status", "status_changed_on", "withdrawal_reason", "suspended_until"])
    entry = log_action(certificate, "members.certificate.withdrawn", actor=actor, source=Source.BODY,
                       data={"reason": certificate.withdrawal_reason, "from_status": previous})
    _notify("withdrawn", certificate.pk, entry.pk)
    return certificate


@transaction.atomic
def certificate_expire(*, certificate: Certificate, today: date) -> Certificate:
    """An active certificate whose validity is over expires (the daily run)."""
    certificate = _lock_certificate(certificate)
    if certificate.status != CertStatus.ACTIVE or certificate.valid_until >= today:
        raise DomainError(_("Only an active certificate whose validity has ended can expire."))
    certificate.status = CertStatus.EXPIRED
    certificate.status_changed_on = certificate.valid_until + timedelta(days=1)
    certificate.save(update_fields=["status", "status_changed_on"])
    entry = log_action(certificate, "members.certificate.expired", source=Source.SYSTEM,
                       data={"valid_until": certificate.valid_until})
    _notify("expired", certificate.pk, entry.pk)
    return certificate


# --- Permanent education, asked of the knowledge app ------------------------------------
#
# `members` does not import `knowledge`. The knowledge app registers one function in its
# AppConfig.ready(): ``pe_requirement_check_register(check)`` with
# ``check(*, user, period_start, period_end) -> bool``: whether the PE requirement of that
# cycle is met. Until one is registered, recertification does not ask.

_pe_requirement_check = None


def pe_requirement_check_register(check) -> None:
    global _pe_requirement_check
    _pe_requirement_check = check


def pe_requirement_met(*, user, period_start: date, period_end: date) -> bool | None:
    """Whether the holder met the PE requirement of the cycle; None when nobody can tell."""
    if _pe_requirement_check is None:
        return None
    return bool(_pe_requirement_check(user=user, period_start=period_start, period_end=period_end))


def recertification_window_open(*, certificate: Certificate, today: date | None = None) -> bool:
    """Whether the holder can start a recertification: from six months before the end of validity, or once expired."""
    today = today or timezone.localdate()
    if certificate.status == CertStatus.EXPIRED:
        return True
    return certificate.status == CertStatus.ACTIVE and today >= add_months(
        certificate.valid_until, -RECERTIFICATION_WINDOW_MONTHS
    )


def recertification_pe_met(*, certificate: Certificate) -> bool | None:
    """Whether the holder met the PE requirement of the certificate's current cycle (None: nobody can tell)."""
    period = certificate.periods.order_by("-valid_from").first()
    return pe_requirement_met(user=certificate.holder, period_start=period.valid_from if period else certificate.valid_from,
                              period_end=certificate.valid_until)


@transaction.atomic
def recertification_start(*, certificate: Certificate, actor, declaration_signed: bool,
                          today: date | None = None) -> CertificationApplication:
    """The holder applies for recertification: a renewed declaration, the PE requirement met.

    The application is submitted at once (the portfolio is not asked again) with the
    renewal fee due; it then goes through assignment, the lighter assessment and a
    decision like a first application, and a grant renews the certificate.
    """
    today = today or timezone.localdate()
    certificate = _lock_certificate(certificate)
    if certificate.holder_id != getattr(actor, "pk", None):
        raise DomainError(_("Only the holder can apply for recertification."))
    if certificate.status not in (CertStatus.ACTIVE, CertStatus.EXPIRED):
        raise DomainError(_("Only an active or expired certificate can be renewed."))
    if not recertification_window_open(certificate=certificate, today=today):
        raise DomainError(_("Recertification opens six months before the validity ends."))
    if not declaration_signed:
        raise DomainError(_("Sign the declaration on the code of conduct to apply for recertification."))
    if not user_is_active_member(user=actor):
        raise DomainError(_("Only members with an active membership can apply for certification."))
    if CertificationApplication.objects.filter(
        applicant=actor, scheme=certificate.scheme, status__in=CertificationApplication.OPEN_STATUSES
    ).exists():
        raise DomainError(_("You already have an open application for this scheme."))
    if recertification_pe_met(certificate=certificate) is False:
        raise DomainError(_("The permanent-education requirement of this cycle has not been met yet."))
    norm_version = selectors.norm_version_in_force(scheme=certificate.scheme, on=today)
    if norm_version is None:
        raise DomainError(_("No norms are in force."))
    now = timezone.now()
    application = CertificationApplication(
        applicant=actor, scheme=certificate.scheme, level=certificate.level,
        kind=CertificationApplication.Kind.RECERTIFICATION, renews=certificate,
        status=AppStatus.SUBMITTED, submitted_at=now, norm_version=norm_version,
        declaration_version=CODE_OF_CONDUCT_VERSION, declaration_signed_at=now,
        fee_amount=certificate.scheme.renewal_fee,
    )
    application.full_clean(validate_constraints=False)
    application.save()
    application.fee_reference = application_fee_reference(application=application)
    if not application.fee_amount:
        application.fee_paid_at = now
    application.save(update_fields=["fee_reference", "fee_paid_at"])
    entry = log_action(application, "members.certification_application.recertification_started", actor=actor,
                       source=Source.MEMBER, data={"number": certificate.number, "norm_version": norm_version.version,
                                                   "fee": application.fee_amount,
                                                   "declaration_version": CODE_OF_CONDUCT_VERSION})
    _notify("submitted", application.pk, entry.pk)
    return application


@transaction.atomic
def certificate_renew(*, certificate: Certificate, actor, today: date | None = None,
                      norm_version: NormVersion | None = None) -> Certificate:
    """Recertify: a new validity under the same number, recorded as a new period.

    An active certificate is renewed from the day after its validity ends (from
    six months before); an expired one from today.
    """
    today = today or timezone.localdate()
    certificate = _lock_certificate(certificate)
    if certificate.status == CertStatus.ACTIVE:
        if today < add_months(certificate.valid_until, -RECERTIFICATION_WINDOW_MONTHS):
            raise DomainError(_("Recertification opens six months before the validity ends."))
        start = certificate.valid_until + timedelta(days=1)
    elif certificate.status == CertStatus.EXPIRED:
        start = today
    else:
        raise DomainError(_("Only an active or expired certificate can be renewed."))
    period = certificate.periods.order_by("-valid_from").first()
    pe_met = pe_requirement_met(user=certificate.holder, period_start=period.valid_from if period else certificate.valid_from,
                                period_end=certificate.valid_until)
    if pe_met is False:
        raise DomainError(_("The permanent-education requirement of this cycle has not been met yet."))
    norm_version = norm_version or selectors.norm_version_in_force(scheme=certificate.scheme, on=today)
    if norm_version is None:
        raise DomainError(_("No norms are in force."))
    end = validity_end(start=start, years=certificate.scheme.validity_years)
    CertificatePeriod.objects.create(certificate=certificate, valid_from=start, valid_until=end, norm_version=norm_version)
    previous = certificate.status
    certificate.valid_from, certificate.valid_until, certificate.norm_version = start, end, norm_version
    changed = ["valid_from", "valid_until", "norm_version"]
    if previous != CertStatus.ACTIVE:
        certificate.status, certificate.status_changed_on = CertStatus.ACTIVE, today
        changed += ["status", "status_changed_on"]
    certificate.save(update_fields=changed)
    entry = log_action(certificate, "members.certificate.renewed", actor=actor, source=Source.BODY,
                       data={"valid_from": start, "valid_until": end, "norm_version": norm_version.version,
                             "from_status": previous, "pe_checked": pe_met is not None})
    _notify("renewed", certificate.pk, entry.pk)
    return certificate


# --- The daily run ------------------------------------------------------------------------


def certificates_daily_run(*, today: date | None = None) -> dict[str, int]:
    """Expire active certificates whose validity ended. Each in its own transaction; safe to repeat."""
    today = today or timezone.localdate()
    counts = {"expired": 0, "skipped": 0}
    due = Certificate.objects.filter(status=CertStatus.ACTIVE, valid_until__lt=today).order_by("pk")
    for certificate in due:
        try:
            certificate_expire(certificate=certificate, today=today)
        except DomainError as error:
            logger.info("Daily run skipped certificate %s: %s", certificate.pk, error.message)
            counts["skipped"] += 1
        else:
            counts["expired"] += 1
    # The register's copy of who is certified is rewritten with every certificate; a profile
    # it differs on (a bulk load that bypassed the signals) is corrected here and counted.
    counts["register_corrected"] = register_certificate_facts_refresh()
    return counts
