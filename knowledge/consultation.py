"""Public consultation on a draft norm version: services and reads (knowledge/consultation_models.py).

Rules: comments only while the consultation is open (between `opens_at` and
`closes_at`), only from a verified respondent (a member signed in, or someone who
followed the link e-mailed to them), and only on a criterion of the version under
consultation. The report counts respondents by kind and names none without consent.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import Criterion
from members.selectors import user_is_active_member
from portal.audit import Source, log_action
from portal.exceptions import DomainError
from portal.mail import email_render_and_queue

LINK_RESEND_AFTER = timedelta(minutes=10)


def _models():
    return (
        apps.get_model("knowledge", "Consultation"),
        apps.get_model("knowledge", "ConsultationRespondent"),
        apps.get_model("knowledge", "ConsultationComment"),
    )


def respondent_link(respondent, language: str) -> str:
    with translation.override(language):
        path = reverse("consultation:respondent", args=[respondent.consultation_id, respondent.token])
    return f"{settings.BASE_URL}{path}"


def _require_open(consultation, now) -> None:
    state = consultation.state(now)
    if state == consultation.State.UPCOMING:
        raise DomainError(_("This consultation is not open yet."))
    if state == consultation.State.CLOSED:
        raise DomainError(_("This consultation has closed; comments are no longer accepted."))


@transaction.atomic
def consultation_respondent_register(
    *, consultation, email: str, name: str, organisation: str, kind: str, show_name: bool, language: str,
    now: datetime | None = None,
):
    """Register someone who wants to comment and e-mail them the link to their comment page.

    Nothing is accepted from them before they follow it (it verifies their address).
    Asking again re-sends the link, at most once every ten minutes."""
    _Consultation, ConsultationRespondent, _Comment = _models()
    now = now or timezone.now()
    _require_open(consultation, now)
    if kind == ConsultationRespondent.Kind.MEMBER:
        raise DomainError(_("Members comment after logging in."))
    if kind not in ConsultationRespondent.Kind.values:
        raise DomainError(_("Choose what kind of respondent you are."))
    email = email.strip().lower()
    respondent, created = ConsultationRespondent.objects.select_for_update().get_or_create(
        consultation=consultation, email=email,
        defaults={"name": name, "organisation": organisation, "kind": kind, "show_name": show_name},
    )
    if respondent.link_sent_at and now - respondent.link_sent_at < LINK_RESEND_AFTER:
        return respondent
    if not created and respondent.verified_at is None:
        respondent.name, respondent.organisation, respondent.kind, respondent.show_name = name, organisation, kind, show_name
    respondent.link_sent_at = now
    respondent.save(update_fields=["name", "organisation", "kind", "show_name", "link_sent_at"])
    log_action(respondent, "knowledge.consultation_respondent.registered", source=Source.MEMBER,
               data={"consultation": str(consultation), "kind": respondent.kind})
    email_render_and_queue(
        to=[email],
        template="knowledge/email/consultation_link",
        context={"consultation": consultation, "link": respondent_link(respondent, language), "name": respondent.name},
        language=language,
        kind="consultation-link",
        key=f"consultation-link:{respondent.pk}:{now:%Y%m%d%H%M}",
    )
    return respondent


@transaction.atomic
def consultation_respondent_verify(*, respondent, now: datetime | None = None):
    """The respondent followed the e-mailed link: their address is theirs."""
    _Consultation, ConsultationRespondent, _Comment = _models()
    respondent = ConsultationRespondent.objects.select_for_update().get(pk=respondent.pk)
    if respondent.verified_at is None:
        respondent.verified_at = now or timezone.now()
        respondent.save(update_fields=["verified_at"])
        log_action(respondent, "knowledge.consultation_respondent.verified", source=Source.MEMBER,
                   data={"consultation": str(respondent.consultation)})
    return respondent


@transaction.atomic
def consultation_respondent_for_member(*, consultation, user, now: datetime | None = None):
    """The respondent record of a signed-in member (verified through their account)."""
    _Consultation, ConsultationRespondent, _Comment = _models()
    if not user_is_active_member(user=user):
        raise DomainError(_("Only members with an active membership comment without an e-mail check."))
    respondent, _created = ConsultationRespondent.objects.get_or_create(
        consultation=consultation, email=user.email.lower(),
        defaults={
            "name": user.get_full_name() or user.email, "kind": ConsultationRespondent.Kind.MEMBER,
            "user": user, "verified_at": now or timezone.now(),
        },
    )
    return respondent


@transaction.atomic
def consultation_comment_add(*, respondent, criterion: Criterion, text: str, show_name: bool | None = None,
                             now: datetime | None = None):
    """Add a comment on one criterion of the version under consultation."""
    _Consultation, ConsultationRespondent, ConsultationComment = _models()
    now = now or timezone.now()
    consultation = respondent.consultation
    _require_open(consultation, now)
    if respondent.verified_at is None:
        raise DomainError(_("Confirm your e-mail address by the link we sent you first."))
    if criterion.area.norm_version_id != consultation.norm_version_id:
        raise DomainError(_("This criterion is not part of the version under consultation."))
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your comment."))
    if show_name is not None and show_name != respondent.show_name:
        respondent.show_name = show_name
        respondent.save(update_fields=["show_name"])
    comment = ConsultationComment(consultation=consultation, respondent=respondent, criterion=criterion, text=text)
    comment.full_clean()
    comment.save()
    log_action(comment, "knowledge.consultation_comment.added", source=Source.MEMBER,
               data={"criterion": criterion.code, "kind": respondent.kind})
    return comment


@transaction.atomic
def consultation_comment_handle(*, comment, handling: str, response: str, actor, now: datetime | None = None):
    """The committee records how it handled a comment (may be changed later; every change is logged)."""
    _Consultation, _Respondent, ConsultationComment = _models()
    comment = ConsultationComment.objects.select_for_update().get(pk=comment.pk)
    if handling not in ConsultationComment.Handling.values or handling == ConsultationComment.Handling.PENDING:
        raise DomainError(_("Choose how the comment was handled."))
    comment.handling = handling
    comment.response = (response or "").strip()
    comment.handled_by = actor
    comment.handled_at = now or timezone.now()
    comment.save(update_fields=["handling", "response", "handled_by", "handled_at"])
    log_action(comment, "knowledge.consultation_comment.handled", actor=actor, source=Source.SECRETARIAT,
               data={"criterion": comment.criterion.code, "handling": handling})
    return comment


# --- reads ----------------------------------------------------------------------------------


def consultation_criteria(*, consultation) -> list:
    """The competence areas of the version under consultation with their criteria (two queries)."""
    from knowledge.norms import norm_areas

    return norm_areas(norm_version=consultation.norm_version)


def consultation_comments_by_criterion(*, consultation) -> list[tuple]:
    """(criterion, [comments]) in the order of the norm, for the committee (constant queries)."""
    _Consultation, _Respondent, ConsultationComment = _models()
    comments = (
        ConsultationComment.objects.filter(consultation=consultation)
        .select_related("criterion__area", "respondent", "handled_by")
    )
    grouped: dict[int, list] = {}
    criteria = {}
    for comment in comments:
        grouped.setdefault(comment.criterion_id, []).append(comment)
        criteria[comment.criterion_id] = comment.criterion
    return [(criteria[pk], grouped[pk]) for pk in grouped]


def consultation_report(*, consultation) -> dict:
    """What the public report shows: respondents by kind, comments by handling, each
    comment with its handling and (with consent only) its author's name."""
    _Consultation, ConsultationRespondent, ConsultationComment = _models()
    by_criterion = consultation_comments_by_criterion(consultation=consultation)
    comments = [comment for _criterion, group in by_criterion for comment in group]
    respondents = {comment.respondent_id: comment.respondent for comment in comments}
    kinds = Counter(respondent.kind for respondent in respondents.values())
    handled = Counter(comment.handling for comment in comments)
    return {
        "respondents_total": len(respondents),
        "respondents_by_kind": [(label, kinds.get(value, 0)) for value, label in ConsultationRespondent.Kind.choices],
        "respondents_by_kind_map": dict(kinds),
        "comments_total": len(comments),
        "comments_by_handling": [(label, handled.get(value, 0)) for value, label in ConsultationComment.Handling.choices],
        "comments_by_handling_map": dict(handled),
        "comments_by_criterion": by_criterion,
    }


def consultation_for_version(*, norm_version_id: int):
    Consultation, _Respondent, _Comment = _models()
    return Consultation.objects.filter(norm_version_id=norm_version_id).first()


def consultations_open(*, now: datetime | None = None) -> list:
    Consultation, _Respondent, _Comment = _models()
    now = now or timezone.now()
    return list(
        Consultation.objects.filter(opens_at__lte=now, closes_at__gt=now).select_related("norm_version__scheme").order_by("closes_at")
    )
