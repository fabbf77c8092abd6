"""Assignment requests: a client sends an assignment to the listed managers who fit it best.

    created (unverified) --client confirms the e-mail link--> open --REGISTER_REQUEST_DAYS--> expired

- `assignment_request_create`: stores the request and mails the client a confirmation link;
  nothing reaches a manager before the client's address is confirmed (no account needed).
- `assignment_request_confirm`: opens it and sends it to at most `MAX_RECIPIENTS` listed
  managers who accept requests and match it with at least `MIN_SCORE`
  (`members.register_matching`); each gets it in the member area and by e-mail.
- `assignment_request_answer`: the manager answers with interest (or not) and a note; the
  client receives the answer, and only now, when the manager is interested, the manager's
  address (as reply-to). Not after expiry, and not by a manager no longer listed.
- `assignment_requests_expire`: the periodic run closes requests past their time.

Every step writes an audit entry; e-mail goes through the outbox after commit.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import AssignmentRecipient, AssignmentRequest
from portal.audit import Source, log_action
from portal.exceptions import DomainError

MAX_RECIPIENTS = 10
MIN_SCORE = 3  # e.g. a sector, or a region and a word of expertise
CONFIRM_MAX_AGE = 3 * 24 * 3600
_SALT = "register-assignment-request"


def assignment_request_token(request: AssignmentRequest) -> str:
    """The client's secret link token (confirms the address, then shows the answers)."""
    return signing.dumps(str(request.public_id), salt=_SALT)


def assignment_request_from_token(token: str, *, max_age: int | None = None) -> AssignmentRequest | None:
    try:
        public_id = signing.loads(token, salt=_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    return AssignmentRequest.objects.filter(public_id=public_id).first()


def _absolute(path: str) -> str:
    return settings.BASE_URL.rstrip("/") + path


def _client_link(request: AssignmentRequest, name: str) -> str:
    with translation.override(request.language):
        return _absolute(reverse(f"members:{name}", args=[assignment_request_token(request)]))


def assignment_request_create(
    *, client_name: str, client_email: str, organisation: str, description: str, language: str
) -> AssignmentRequest:
    """Store a client's request and mail the confirmation link; no manager sees it yet."""
    from portal.mail import email_render_and_queue

    request = AssignmentRequest(
        client_name=client_name.strip(), client_email=client_email.strip(), organisation=organisation.strip(),
        description=description.strip(), language=language[:8] or "nl",
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        log_action(request, "members.assignment_request.created", source=Source.SYSTEM,
                   data={"organisation": request.organisation})
        email_render_and_queue(
            to=[request.client_email], template="members/email/assignment_request_confirm",
            context={"request": request, "link": _client_link(request, "register_request_confirm"),
                     "days": CONFIRM_MAX_AGE // 86400},
            language=request.language, kind="assignment_request_confirm", key=f"assignment-request-confirm-{request.pk}",
        )
    return request


def assignment_request_confirm(*, request: AssignmentRequest, now=None) -> AssignmentRequest:
    """The client confirmed the address: open the request and send it to the matching managers.

    Safe to repeat: a request already confirmed is returned as it is.
    """
    from members.register_matching import register_assignment_match
    from members.register_selectors import register_public_list
    from portal.mail import email_render_and_queue

    now = now or timezone.now()
    with transaction.atomic():
        request = AssignmentRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != AssignmentRequest.Status.UNVERIFIED:
            return request
        request.status = AssignmentRequest.Status.OPEN
        request.verified_at = now
        request.expires_at = now + timedelta(days=settings.REGISTER_REQUEST_DAYS)
        request.save(update_fields=["status", "verified_at", "expires_at"])
        accepting = register_public_list().filter(accepts_requests=True)
        _reading, matches = register_assignment_match(
            text=request.description, limit=MAX_RECIPIENTS, queryset=accepting
        )
        recipients = [
            AssignmentRecipient(request=request, profile=m.profile, score=m.score, reasons=m.reasons_data())
            for m in matches if m.score >= MIN_SCORE
        ]
        AssignmentRecipient.objects.bulk_create(recipients)
        for recipient in recipients:
            manager = recipient.profile.user
            language = getattr(manager, "language", "") or "nl"
            with translation.override(language):
                inbox = _absolute(reverse("members:register_inbox"))
            email_render_and_queue(
                to=[manager.email], template="members/email/assignment_request_received",
                context={"manager": manager, "request": request, "inbox": inbox},
                language=language, kind="assignment_request_received",
                key=f"assignment-request-{request.pk}-{recipient.profile_id}",
            )
        log_action(request, "members.assignment_request.confirmed", source=Source.SYSTEM,
                   data={"recipients": len(recipients), "expires_at": request.expires_at})
    return request


def assignment_request_answer(*, recipient: AssignmentRecipient, user, interested: bool, note: str, now=None):
    """The manager's answer; the client receives it (with the manager's address if interested)."""
    from members.register_selectors import register_profile
    from portal.mail import email_render_and_queue

    now = now or timezone.now()
    with transaction.atomic():
        recipient = (
            AssignmentRecipient.objects.select_for_update()
            .select_related("request", "profile__user")
            .get(pk=recipient.pk)
        )
        request = recipient.request
        if recipient.profile.user_id != user.pk:
            raise DomainError(_("This request was not sent to you."))
        if recipient.answered_at is not None:
            raise DomainError(_("You have already answered this request."))
        if request.status != AssignmentRequest.Status.OPEN or (request.expires_at and request.expires_at <= now):
            raise DomainError(_("This request has expired; it can no longer be answered."))
        if register_profile(pk=recipient.profile_id) is None:
            raise DomainError(_("You are not listed in the register now, so you cannot answer requests."))
        recipient.answered_at = now
        recipient.interested = bool(interested)
        recipient.note = note.strip()
        recipient.full_clean()
        recipient.save(update_fields=["answered_at", "interested", "note"])
        manager = recipient.profile.user
        with translation.override(request.language):
            profile_url = _absolute(reverse("members:register_profile", args=[recipient.profile_id]))
        email_render_and_queue(
            to=[request.client_email], template="members/email/assignment_request_answer",
            context={"request": request, "recipient": recipient, "manager": manager, "profile_url": profile_url,
                     "answers_url": _client_link(request, "register_request_status")},
            language=request.language, kind="assignment_request_answer",
            reply_to=[manager.email] if recipient.interested else None,
            key=f"assignment-request-answer-{recipient.pk}",
        )
        log_action(request, "members.assignment_request.answered", actor=user, source=Source.MEMBER,
                   data={"manager": manager.get_full_name(), "interested": recipient.interested})
    return recipient


def assignment_requests_expire(*, now=None) -> int:
    """Close open requests past their time; returns how many. Safe to run at any time."""
    now = now or timezone.now()
    expired = 0
    due = AssignmentRequest.objects.filter(status=AssignmentRequest.Status.OPEN, expires_at__lte=now)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            request = AssignmentRequest.objects.select_for_update().get(pk=pk)
            if request.status != AssignmentRequest.Status.OPEN or request.expires_at > now:
                continue
            request.status = AssignmentRequest.Status.EXPIRED
            request.save(update_fields=["status"])
            log_action(request, "members.assignment_request.expired", source=Source.SYSTEM, data={})
            expired += 1
    # Unconfirmed requests are never sent; forget them once their link has run out.
    AssignmentRequest.objects.filter(
        status=AssignmentRequest.Status.UNVERIFIED, created_at__lt=now - timedelta(seconds=CONFIRM_MAX_AGE)
    ).update(status=AssignmentRequest.Status.EXPIRED)
    return expired
