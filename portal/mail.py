"""Outgoing e-mail: queued in the database, sent by a django-q2 task.

Requests never talk to the mail server. `email_queue` stores the message and
queues `portal.tasks.email_send` once the transaction commits; the task sends
each message once, however often it runs.

No message is lost silently. A task can vanish (a worker's queue lost, a task that
can no longer be read after the secret key changed), leaving its message "queued"
for ever. `outbox_sweep`, scheduled every few minutes, queues such a message again
(the send task is idempotent, so a task that was only late sends nothing twice),
and after `OUTBOX_MAX_REQUEUES` marks it failed, where the admin's outbox shows it.

A send that fails for a passing reason (server down, a timeout, a 4xx answer) is
tried again later: `email_deliver` records the attempt, the error and the next
attempt's time (`settings.EMAIL_RETRY_MINUTES`, with jitter), and `outbox_retry_due`,
scheduled every minute, queues each message whose time has come. After the last
attempt, or at once when the server refuses the message for good (every recipient or
the message itself refused with a 5xx code), the message is marked failed.
"""

import random
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.html import strip_tags

from portal.audit import Source, log_action
from portal.exceptions import DomainError
from portal.models import OutboundEmail

# A task runs within seconds; django-q2 retries one for retry (90 s) × max_attempts (5).
# A message still queued this long after it was handed to the queue has lost its task.
OUTBOX_STUCK_AFTER = timedelta(minutes=15)
OUTBOX_MAX_REQUEUES = 3
OUTBOX_SWEEP_BATCH = 200
OUTBOX_RETRY_BATCH = 200


def email_queue(*, message: EmailMessage, kind: str, key: str | None = None) -> OutboundEmail:
    """Store `message` and send it after commit. With a `key`, an occasion is mailed once."""
    text, html = message.body, ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    if message.content_subtype == "html":
        # An HTML-only message: keep the HTML and send a plain-text version next to it.
        text, html = strip_tags(message.body), message.body
    if key:
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing:
            return existing
    email = OutboundEmail(
        key=key,
        kind=kind,
        to="\n".join(message.to),
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        reply_to=", ".join(message.reply_to)[:254],
        subject=message.subject[:255],
        body_text=text,
        body_html=html,
        headers={str(name): str(value) for name, value in (message.extra_headers or {}).items()},
        queued_at=timezone.now(),
    )
    # The unique `key` is left to the database, so two requests racing for the
    # same occasion end in the IntegrityError below rather than a ValidationError.
    email.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        # Another request queued the same occasion at the same moment.
        return OutboundEmail.objects.get(key=key)
    _enqueue_after_commit(email.pk)
    return email


def email_render_and_queue(
    *,
    to: list[str],
    template: str,
    context: dict,
    language: str,
    kind: str,
    key: str | None = None,
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> OutboundEmail:
    """Render `<template>_subject.txt`, `.txt` and (if present) `.html` in `language` and queue them.

    `reply_to`: where an answer goes (a client writing to a manager through the register).
    `headers` are sent with the message (e.g. List-Unsubscribe).

    The plain-text parts are rendered without HTML escaping ("AT&T" stays "AT&T").
    """
    with translation.override(language):
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        body = _render_text(f"{template}.txt", context)
        message = EmailMultiAlternatives(
            subject=subject, body=body, to=to, reply_to=reply_to or None, headers=headers or {}
        )
        try:
            html_template = get_template(f"{template}.html")
        except TemplateDoesNotExist:  # the HTML part is optional; errors inside it are bugs
            html_template = None
        if html_template is not None:
            message.attach_alternative(html_template.render(context), "text/html")
    return email_queue(message=message, kind=kind, key=key)


def _render_text(template_name: str, context: dict) -> str:
    template = get_template(template_name)
    # The Django backend wraps the engine's Template; render that one without autoescaping.
    return template.template.render(Context(context, autoescape=False))


def _enqueue_after_commit(pk: int) -> None:
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task("portal.tasks.email_send", pk, task_name=f"email-{pk}"))


def email_deliver(*, pk: int, now=None) -> str:
    """Send one queued e-mail, at most once: the row stays locked while the server takes it.

    Returns "sent"; "retry" when the attempt failed and another is planned; "failed" when
    it failed for the last time or for good; "already-sent", "not-due" (a task arriving
    before the planned attempt) or "missing" when nothing was sent.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=pk).first()
        if email is None:
            return "missing"
        if email.status == OutboundEmail.Status.SENT:
            return "already-sent"
        if email.status == OutboundEmail.Status.FAILED:
            return "failed"
        now = now or timezone.now()
        if email.next_attempt_at and email.next_attempt_at > now:
            return "not-due"
        email.attempts += 1
        try:
            _message_for(email).send()
        except Exception as error:  # noqa: BLE001 - every failure is recorded on the row
            return _attempt_failed(email, error=error, now=now)
        email.status = OutboundEmail.Status.SENT
        email.sent_at = now
        email.last_error = ""
        email.next_attempt_at = None
        email.save(update_fields=["status", "sent_at", "attempts", "last_error", "next_attempt_at"])
        return "sent"


def _message_for(email: OutboundEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=email.recipients,
        reply_to=[address.strip() for address in email.reply_to.split(",") if address.strip()] or None,
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def _attempt_failed(email: OutboundEmail, *, error: Exception, now) -> str:
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    permanent = email_error_is_permanent(error)
    delay = None if permanent else email_retry_delay(attempt=email.attempts)
    if delay is not None:
        email.next_attempt_at = now + delay
        email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
        return "retry"
    email.status = OutboundEmail.Status.FAILED
    email.next_attempt_at = None
    email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
    log_action(
        email, "portal.email.failed", source=Source.SYSTEM, data={"attempts": email.attempts, "permanent": permanent}
    )
    return "failed"


def email_error_is_permanent(error: Exception) -> bool:
    """Whether trying again cannot help: the server refused every recipient, or the message, for good (5xx).

    A refused sender or login is the portal's own configuration: once that is mended a
    later attempt succeeds, so those are retried like a server that is down.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


def email_retry_delay(*, attempt: int, rand=random.random) -> timedelta | None:
    """The wait after failed attempt number `attempt` (1 for the first), or None after the last."""
    waits = settings.EMAIL_RETRY_MINUTES
    if attempt > len(waits):
        return None
    return timedelta(minutes=waits[attempt - 1] * (1 + settings.EMAIL_RETRY_JITTER * rand()))


def outbox_due_q(*, now) -> Q:
    """Messages waiting for a new attempt whose time has come."""
    return Q(status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now)


def outbox_retry_due(*, now=None) -> int:
    """Hand each message whose next attempt is due to the queue again. Returns how many.

    The message's `next_attempt_at` is cleared and `queued_at` set, so from here on the
    outbox sweep watches over its task like over a new message's.
    """
    now = now or timezone.now()
    due = OutboundEmail.objects.filter(outbox_due_q(now=now)).order_by("next_attempt_at", "pk")
    queued = 0
    for pk in list(due.values_list("pk", flat=True)[:OUTBOX_RETRY_BATCH]):
        with transaction.atomic():
            email = OutboundEmail.objects.select_for_update().filter(outbox_due_q(now=now), pk=pk).first()
            if email is None:
                continue  # sent or taken by another run meanwhile
            email.next_attempt_at = None
            email.queued_at = now
            email.save(update_fields=["next_attempt_at", "queued_at"])
            _enqueue_after_commit(email.pk)
        queued += 1
    return queued


def outbox_stuck_q(*, now=None) -> Q:
    """Messages still queued `OUTBOX_STUCK_AFTER` after they were last handed to the queue
    (not those waiting for a planned new attempt: `outbox_retry_due` takes those)."""
    cutoff = (now or timezone.now()) - OUTBOX_STUCK_AFTER
    return Q(status=OutboundEmail.Status.QUEUED, next_attempt_at__isnull=True) & (
        Q(queued_at__lt=cutoff) | Q(queued_at__isnull=True, created_at__lt=cutoff)
    )


def outbox_sweep(*, now=None) -> dict[str, int]:
    """Queue again each message that lost its task; give up on one after `OUTBOX_MAX_REQUEUES`.

    Safe to run at any time and twice at once: each message is locked, checked again
    and changed in its own transaction.
    """
    now = now or timezone.now()
    counts = {"requeued": 0, "failed": 0, "skipped": 0}
    stuck = OutboundEmail.objects.filter(outbox_stuck_q(now=now)).order_by("pk")
    pks = list(stuck.values_list("pk", flat=True)[:OUTBOX_SWEEP_BATCH])
    for pk in pks:
        counts[_outbox_requeue_one(pk=pk, now=now)] += 1
    return counts


@transaction.atomic
def _outbox_requeue_one(*, pk: int, now) -> str:
    email = OutboundEmail.objects.select_for_update().filter(outbox_stuck_q(now=now), pk=pk).first()
    if email is None:
        return "skipped"  # sent, failed or queued again meanwhile
    waited = int((now - (email.queued_at or email.created_at)).total_seconds() // 60)
    if email.requeues >= OUTBOX_MAX_REQUEUES:
        email.status = OutboundEmail.Status.FAILED
        email.last_error = f"No task sent it: queued {email.requeues + 1} times, the last {waited} minutes ago."
        email.save(update_fields=["status", "last_error"])
        log_action(email, "portal.email.given_up", source=Source.SYSTEM, data={"requeues": email.requeues, "minutes": waited})
        return "failed"
    email.requeues += 1
    email.queued_at = now
    email.save(update_fields=["requeues", "queued_at"])
    log_action(email, "portal.email.requeued", source=Source.SYSTEM, data={"requeues": email.requeues, "minutes": waited})
    _enqueue_after_commit(email.pk)
    return "requeued"


# --- sending failed messages again (the secretariat, Reports › Outbox) ----------------------

OUTBOX_SEND_AGAIN_BATCH = 500


def email_send_again(*, pk: int, actor, now=None) -> OutboundEmail:
    """Hand a failed message to the queue again, with a fresh series of attempts.

    For the secretariat once the cause is mended (the mail server is back, a mailbox
    is no longer full). Only a failed message can be sent again: a queued one is still
    on its way and a sent one must not go twice. Raises DomainError otherwise.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=pk).first()
        if email is None or email.status != OutboundEmail.Status.FAILED:
            raise DomainError(gettext("This message has not failed: it is still queued or was sent, so it is not sent again."))
        failed_after = email.attempts
        email.status = OutboundEmail.Status.QUEUED
        email.attempts = 0
        email.requeues = 0
        email.next_attempt_at = None
        email.queued_at = now
        email.save(update_fields=["status", "attempts", "requeues", "next_attempt_at", "queued_at"])
        log_action(
            email, "portal.email.sent_again", actor=actor, source=Source.SECRETARIAT,
            data={"attempts_before": failed_after, "last_error": email.last_error[:200]},
        )
        _enqueue_after_commit(email.pk)
    return email


def outbox_failed(*, kind: str = ""):
    """The failed messages, of one `kind` when given."""
    failed = OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED)
    return failed.filter(kind=kind) if kind else failed


def email_send_failed_again(*, actor, kind: str = "", now=None) -> int:
    """Send every failed message (of one `kind`, when given) again; returns how many.

    Each message is locked and checked in its own transaction, so one taken meanwhile
    (sent again by someone else) is skipped rather than queued twice."""
    count = 0
    for pk in list(outbox_failed(kind=kind).order_by("pk").values_list("pk", flat=True)[:OUTBOX_SEND_AGAIN_BATCH]):
        try:
            email_send_again(pk=pk, actor=actor, now=now)
        except DomainError:
            continue
        count += 1
    return count
