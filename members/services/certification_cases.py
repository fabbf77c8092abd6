"""Objections, complaints and recertification reminders of the RQIM certification.

An objection (bezwaar) and a complaint (klacht) run the same course:

    open ──assign handler──▶ in_handling ──decide──▶ closed (with outcome and reasons)

- An applicant objects to the refusal of their application within the scheme's
  objection period (`objection_period_weeks`, counted from the decision); the body
  reconsiders within its reconsideration period (`reconsideration_period_weeks`,
  counted from the filing: the case's `due_on`). Overturning a refusal grants the
  application and issues (or, for a recertification, renews) the certificate through
  `certificate_grant`, with the handler as the decider.
- Anyone files a complaint about a certified manager; it gets the same clock.

Impartiality (ISO/IEC 17024): the handler of an objection took no part in the
original decision (neither its assessor(s) nor its decider); the handler of a
complaint is neither the holder nor anyone who assessed or decided on the
certificate's application. The services refuse otherwise; CheckConstraints on the
rows keep it so in the database as well.

Every step writes one audit entry: an objection's on its application, a complaint's
on its certificate (or on the complaint when no certificate is named), so each
shows in the history staff already read. The parties are told through a task.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import certification_selectors as selectors
from members.models import (
    Certificate,
    CertificateReminder,
    CertificationApplication,
    Complaint,
    Decision,
    Objection,
    ObjectionEvidence,
)
from members.models.certification import certificate_number_parse
from members.models.certification_cases import CaseStatus
from members.services.certification import certificate_grant, evidence_check
from portal.audit import Source, log_action
from portal.dates import add_months
from portal.exceptions import DomainError

logger = logging.getLogger(__name__)

# Files one objection may carry.
MAX_OBJECTION_FILES = 5
# The reconsideration period when no scheme is known (a complaint naming no certificate).
DEFAULT_HANDLING_WEEKS = 6


def case_notice_queue(kind: str, pk: int, entry_pk: int) -> None:
    """Tell the parties of an objection or complaint, through a task, once the transaction commits."""

    def enqueue():
        from django_q.tasks import async_task

        async_task("members.tasks_certification.case_notice_send", kind, pk, entry_pk)

    transaction.on_commit(enqueue)


def _name(user) -> str:
    return user.get_full_name() or user.email


def _may_handle(user) -> bool:
    return bool(user and user.is_active and user.has_perm("members.decide_certificationapplication"))


def _may_assign(user) -> bool:
    return bool(user and user.is_active and (
        user.has_perm("members.manage_certificationapplication")
        or user.has_perm("members.decide_certificationapplication")
    ))


# --- The shared course of a case: assign a handler, then decide -----------------------------


@dataclass(frozen=True)
class _CaseKind:
    """What differs between an objection and a complaint when it is assigned and decided."""

    name: str  # the audit actions are "members.<name>.assigned" and "members.<name>.decided"
    lock: Callable  # (case) -> the case, locked
    refusal: Callable  # (case, user) -> why user may not handle it, or None
    log: Callable  # (case, action, **log_action kwargs) -> the audit entry
    outcomes: type[models.TextChoices]
    may_not_assign: str
    no_reassign: str
    already_decided: str
    assign_first: str
    only_handler: str
    choose_outcome: str
    give_reasons: str


def _case_assign(kind: _CaseKind, *, case, handler, actor):
    """The secretariat or a decider assigns the case to an impartial decider (inside the caller's transaction)."""
    if not _may_assign(actor):
        raise DomainError(str(kind.may_not_assign))
    case = kind.lock(case)
    if not case.is_open:
        raise DomainError(str(kind.no_reassign))
    refusal = kind.refusal(case, handler)
    if refusal:
        raise DomainError(refusal)
    if case.handler_id == handler.pk:
        return case
    case.handler = handler
    case.assigned_at = timezone.now()
    case.status = CaseStatus.IN_HANDLING
    case.save(update_fields=["handler", "assigned_at", "status"])
    kind.log(case, f"members.{kind.name}.assigned", actor=actor, source=Source.BODY, data={"handler": _name(handler)})
    return case


def _case_decide(kind: _CaseKind, *, case, handler, outcome: str, reasons: str, today: date):
    """The assigned handler closes the case with an outcome and reasons. Returns the case and its audit entry."""
    case = kind.lock(case)
    if case.status == CaseStatus.CLOSED:
        raise DomainError(str(kind.already_decided))
    if case.handler_id is None:
        raise DomainError(str(kind.assign_first))
    if case.handler_id != getattr(handler, "pk", None):
        raise DomainError(str(kind.only_handler))
    refusal = kind.refusal(case, handler)
    if refusal:
        raise DomainError(refusal)
    if outcome not in kind.outcomes.values:
        raise DomainError(str(kind.choose_outcome))
    if not reasons.strip():
        raise DomainError(str(kind.give_reasons))
    case.status = CaseStatus.CLOSED
    case.outcome = outcome
    case.outcome_reasons = reasons.strip()
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "outcome", "outcome_reasons", "closed_at"])
    entry = kind.log(case, f"members.{kind.name}.decided", actor=handler, source=Source.BODY,
                     data={"outcome": outcome, "overdue": today > case.due_on})
    return case, entry


# --- Objections -----------------------------------------------------------------------------


def objection_deadline(*, decision: Decision) -> date:
    """The last day on which the applicant may object to `decision`."""
    decided_on = timezone.localdate(decision.decided_at)
    return decided_on + timedelta(weeks=decision.application.scheme.objection_period_weeks)


def objection_refusal_reason(*, application: CertificationApplication, user, today: date | None = None) -> str | None:
    """Why `user` cannot object to the decision on `application` now; None when they can."""
    today = today or timezone.localdate()
    if application.applicant_id != getattr(user, "pk", None):
        return _("Only the applicant can object to the decision on an application.")
    decision = Decision.objects.filter(application=application).select_related("application__scheme").first()
    if decision is None:
        return _("There is no decision on this application yet to object to.")
    if Objection.objects.filter(decision=decision).exists():
        return _("You have already objected to this decision; one objection per decision is possible.")
    if decision.outcome != Decision.Outcome.REFUSED:
        return _("Only a refusal can be objected to.")
    deadline = objection_deadline(decision=decision)
    if today > deadline:
        from django.utils.formats import date_format

        return _("The period for an objection ended on %(date)s; an objection can no longer be filed.") % {
            "date": date_format(deadline, "j F Y")
        }
    return None


@transaction.atomic
def objection_file(*, application: CertificationApplication, actor, reasons: str, uploads=(),
                   today: date | None = None) -> Objection:
    """The applicant objects to the refusal of their application, with reasons and optional files."""
    today = today or timezone.localdate()
    uploads = [upload for upload in uploads if upload]
    if len(uploads) > MAX_OBJECTION_FILES:
        raise DomainError(_("An objection holds at most %(count)d files.") % {"count": MAX_OBJECTION_FILES})
    content_types = [evidence_check(upload=upload) for upload in uploads]
    application = (
        CertificationApplication.objects.select_for_update(of=("self",)).select_related("scheme").get(pk=application.pk)
    )
    refusal = objection_refusal_reason(application=application, user=actor, today=today)
    if refusal:
        raise DomainError(refusal)
    if not reasons.strip():
        raise DomainError(_("Give the grounds of your objection: why should the decision be different?"))
    decision = application.decision
    objection = Objection(
        application=application, decision=decision, original_assessor_id=decision.assessor_id,
        original_decider_id=decision.decider_id, reasons=reasons.strip(), filed_at=timezone.now(),
        due_on=today + timedelta(weeks=application.scheme.reconsideration_period_weeks),
    )
    objection.full_clean(validate_constraints=False)
    objection.save()
    stored = []
    try:
        for upload, content_type in zip(uploads, content_types):
            name = (getattr(upload, "name", "") or "evidence").rsplit("/", 1)[-1][:200]
            item = ObjectionEvidence(objection=objection, original_name=name, content_type=content_type, size=upload.size)
            item.file.save(name, upload, save=False)
            stored.append(item.file)
            item.full_clean()
            item.save()
    except Exception:
        for file in stored:
            file.delete(save=False)
        raise
    entry = log_action(application, "members.objection.filed", actor=actor, source=Source.MEMBER,
                       data={"objection": objection.pk, "due_on": objection.due_on, "files": len(uploads)})
    case_notice_queue("objection_filed", objection.pk, entry.pk)
    return objection


def _lock_objection(objection: Objection) -> Objection:
    return (
        Objection.objects.select_for_update(of=("self",))
        .select_related("application__scheme", "application__applicant", "decision")
        .get(pk=objection.pk)
    )


def objection_handler_refusal(*, objection: Objection, user) -> str | None:
    """Why `user` may not handle `objection`; None when they may."""
    if not _may_handle(user):
        return _("Only a decider of the certification body can handle an objection.")
    if user.pk == objection.application.applicant_id:
        return _("Nobody can handle an objection to their own application.")
    if user.pk in (objection.original_decider_id, objection.original_assessor_id) or selectors.user_took_part_in_assessment(
        application=objection.application, user=user
    ):
        return _("You took part in the original decision, so someone else must reconsider it.")
    return None


def objection_log(objection: Objection, action: str, **kwargs):
    """An audit entry of an objection: on its application, so it shows in that history."""
    data = {"objection": objection.pk, **kwargs.pop("data", {})}
    return log_action(objection.application, action, data=data, **kwargs)


OBJECTION = _CaseKind(
    name="objection",
    lock=_lock_objection,
    refusal=lambda case, user: objection_handler_refusal(objection=case, user=user),
    log=objection_log,
    outcomes=Objection.Outcome,
    may_not_assign=gettext_lazy("You may not assign objections."),
    no_reassign=gettext_lazy("This objection has been decided; its handler can no longer change."),
    already_decided=gettext_lazy("This objection has already been decided."),
    assign_first=gettext_lazy("Assign a handler to the objection first."),
    only_handler=gettext_lazy("Only the assigned handler can decide on this objection."),
    choose_outcome=gettext_lazy("Uphold or overturn the decision."),
    give_reasons=gettext_lazy("Give the reasons for the outcome; the applicant reads them."),
)


@transaction.atomic
def objection_assign(*, objection: Objection, handler, actor) -> Objection:
    """The secretariat or a decider assigns the objection to an impartial decider."""
    return _case_assign(OBJECTION, case=objection, handler=handler, actor=actor)


@transaction.atomic
def objection_decide(*, objection: Objection, handler, outcome: str, reasons: str,
                     today: date | None = None) -> Objection:
    """The handler reconsiders: the decision is upheld or overturned, with reasons the applicant reads.

    Overturning a refusal grants the application and issues its certificate, with the handler as decider.
    """
    today = today or timezone.localdate()
    application = CertificationApplication.objects.select_for_update(of=("self",)).get(pk=objection.application_id)
    objection, entry = _case_decide(OBJECTION, case=objection, handler=handler, outcome=outcome, reasons=reasons,
                                    today=today)
    if outcome == Objection.Outcome.OVERTURNED and application.status == CertificationApplication.Status.REFUSED:
        application.status = CertificationApplication.Status.GRANTED
        application.decided_at = timezone.now()
        application.save(update_fields=["status", "decided_at", "updated_at"])
        application = CertificationApplication.objects.select_related("scheme", "level", "applicant", "norm_version").get(
            pk=application.pk
        )
        certificate_grant(application=application, decider=handler, today=today)
    case_notice_queue("objection_decided", objection.pk, entry.pk)
    return objection


# --- Complaints -------------------------------------------------------------------------------


def complaint_log(complaint: Complaint, action: str, **kwargs):
    """An audit entry of a complaint: on its certificate when it names one, so it shows in that history."""
    data = {"complaint": complaint.pk, **kwargs.pop("data", {})}
    return log_action(complaint.certificate if complaint.certificate_id else complaint, action, data=data, **kwargs)


@transaction.atomic
def complaint_file(*, description: str, email: str, certificate_number: str = "", manager_name: str = "",
                   name: str = "", language: str = "nl", today: date | None = None) -> Complaint:
    """Anyone files a complaint about a certified manager.

    The number is matched quietly: whether it exists changes nothing in what the
    complainant sees (the verification page already says which numbers exist).
    """
    today = today or timezone.localdate()
    if not description.strip():
        raise DomainError(_("Describe your complaint."))
    if not email.strip():
        raise DomainError(_("Give an e-mail address, so that we can tell you the outcome."))
    if not certificate_number.strip() and not manager_name.strip():
        raise DomainError(_("Give the certificate number or the name of the manager the complaint is about."))
    certificate = None
    parsed = certificate_number_parse(certificate_number)
    if parsed and parsed[1]:
        certificate = Certificate.objects.select_related("scheme", "application__decision").filter(number=parsed[0]).first()
    scheme = certificate.scheme if certificate else selectors.scheme_default()
    weeks = scheme.reconsideration_period_weeks if scheme else DEFAULT_HANDLING_WEEKS
    decision = getattr(certificate.application, "decision", None) if certificate else None
    complaint = Complaint(
        certificate_number=(parsed[0] if parsed else certificate_number.strip())[:40],
        manager_name=manager_name.strip()[:200],
        description=description.strip(),
        complainant_name=name.strip()[:100],
        complainant_email=email.strip(),
        language=language[:10] or "nl",
        certificate=certificate,
        holder_id=certificate.holder_id if certificate else None,
        original_assessor_id=decision.assessor_id if decision else None,
        original_decider_id=decision.decider_id if decision else None,
        filed_at=timezone.now(),
        due_on=today + timedelta(weeks=weeks),
    )
    complaint.full_clean(validate_constraints=False)
    complaint.save()
    entry = complaint_log(complaint, "members.complaint.filed", source=Source.SYSTEM,
                          data={"due_on": complaint.due_on})
    case_notice_queue("complaint_received", complaint.pk, entry.pk)
    return complaint


def _lock_complaint(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).select_related("certificate").get(pk=complaint.pk)


def complaint_handler_refusal(*, complaint: Complaint, user) -> str | None:
    """Why `user` may not handle `complaint`; None when they may."""
    if not _may_handle(user):
        return _("Only a decider of the certification body can handle a complaint.")
    if complaint.holder_id and user.pk == complaint.holder_id:
        return _("Nobody can handle a complaint about themselves.")
    involved = {complaint.original_decider_id, complaint.original_assessor_id} - {None}
    if complaint.certificate_id and selectors.user_took_part_in_assessment(
        application=complaint.certificate.application, user=user
    ):
        involved.add(user.pk)
    if user.pk in involved:
        return _("You took part in the decision on this certificate, so someone else must handle the complaint.")
    return None


COMPLAINT = _CaseKind(
    name="complaint",
    lock=_lock_complaint,
    refusal=lambda case, user: complaint_handler_refusal(complaint=case, user=user),
    log=complaint_log,
    outcomes=Complaint.Outcome,
    may_not_assign=gettext_lazy("You may not assign complaints."),
    no_reassign=gettext_lazy("This complaint has been decided; its handler can no longer change."),
    already_decided=gettext_lazy("This complaint has already been decided."),
    assign_first=gettext_lazy("Assign a handler to the complaint first."),
    only_handler=gettext_lazy("Only the assigned handler can decide on this complaint."),
    choose_outcome=gettext_lazy("Choose whether the complaint is founded."),
    give_reasons=gettext_lazy("Give the reasons for the outcome; the complainant and the holder read them."),
)


@transaction.atomic
def complaint_assign(*, complaint: Complaint, handler, actor) -> Complaint:
    return _case_assign(COMPLAINT, case=complaint, handler=handler, actor=actor)


@transaction.atomic
def complaint_decide(*, complaint: Complaint, handler, outcome: str, reasons: str,
                     today: date | None = None) -> Complaint:
    """The handler closes the complaint as founded or unfounded, with reasons both parties read.

    A founded complaint may lead the body to suspend or withdraw the certificate:
    that is a separate step with its own service, reasons and notice.
    """
    today = today or timezone.localdate()
    complaint, entry = _case_decide(COMPLAINT, case=complaint, handler=handler, outcome=outcome, reasons=reasons,
                                    today=today)
    case_notice_queue("complaint_decided", complaint.pk, entry.pk)
    return complaint


# --- Recertification reminders -----------------------------------------------------------------


def reminder_occasion_due(*, certificate: Certificate, today: date) -> str | None:
    """The most urgent reminder occasion reached today for an active certificate, or None.

    Six, three and one month before the validity ends; a certificate first seen two
    months before its end gets the three-month reminder only.
    """
    if certificate.status != Certificate.Status.ACTIVE or certificate.valid_until < today:
        return None
    for occasion, months in CertificateReminder.MONTHS.items():
        if today >= add_months(certificate.valid_until, -months):
            return occasion
    return None


@transaction.atomic
def certificate_reminder_send(*, certificate: Certificate, occasion: str) -> CertificateReminder | None:
    """Record and queue one recertification reminder; None when this occasion was already reminded.

    The unique (certificate, validity, occasion) row makes a second run a no-op.
    """
    certificate = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate.pk)
    if CertificateReminder.objects.filter(certificate=certificate, valid_until=certificate.valid_until,
                                          occasion=occasion).exists():
        return None
    reminder = CertificateReminder.objects.create(certificate=certificate, valid_until=certificate.valid_until,
                                                  occasion=occasion)
    entry = log_action(certificate, "members.certificate.reminder_sent", source=Source.SYSTEM,
                       data={"occasion": occasion, "valid_until": certificate.valid_until})
    case_notice_queue("recertification_reminder", reminder.pk, entry.pk)
    return reminder


def certificate_reminders_run(*, today: date) -> int:
    """Send the recertification reminders due today; each once. Returns how many were sent."""
    horizon = add_months(today, 6)
    sent = 0
    due = Certificate.objects.filter(status=Certificate.Status.ACTIVE, valid_until__gte=today,
                                     valid_until__lte=horizon).order_by("pk")
    for certificate in due:
        occasion = reminder_occasion_due(certificate=certificate, today=today)
        if occasion and certificate_reminder_send(certificate=certificate, occasion=occasion):
            sent += 1
    return sent
