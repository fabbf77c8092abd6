"""Outgoing e-mail: queued in the database, sent by a django-q2 task.

Requests never talk to the mail server. `email_queue` stores the message and
queues `portal.tasks.email_send` once the transaction commits; the task sends
each message once, however often it runs.
"""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import OutboundEmail


def email_queue(*, message: EmailMessage, kind: str, key: str | None = None) -> OutboundEmail:
    """Store `message` and send it after commit. With a `key`, an occasion is mailed once."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), "")
    if key:
        existing = OutboundEmail.objects.filter(key=key).first()
        if existing:
            return existing
    email = OutboundEmail(
        key=key,
        kind=kind,
        to="\n".join(message.to),
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        subject=message.subject,
        body_text=message.body,
        body_html=html,
    )
    email.full_clean()
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        # Another request queued the same occasion at the same moment.
        return OutboundEmail.objects.get(key=key)
    _enqueue_after_commit(email.pk)
    return email


def email_render_and_queue(
    *, to: list[str], template: str, context: dict, language: str, kind: str, key: str | None = None
) -> OutboundEmail:
    """Render `<template>_subject.txt`, `.txt` and (if present) `.html` in `language` and queue them."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
        message = EmailMultiAlternatives(subject=subject, body=body, to=to)
        try:
            message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        except Exception:  # noqa: BLE001 - the HTML part is optional
            pass
    return email_queue(message=message, kind=kind, key=key)


def _enqueue_after_commit(pk: int) -> None:
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task("portal.tasks.email_send", pk, task_name=f"email-{pk}"))
