"""Outgoing e-mail: queued in the database, sent by a django-q2 task.

Requests never talk to the mail server. `email_queue` stores the message and
queues `portal.tasks.email_send` once the transaction commits; the task sends
each message once, however often it runs.
"""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import strip_tags

from portal.models import OutboundEmail


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
        subject=message.subject[:255],
        body_text=text,
        body_html=html,
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
    *, to: list[str], template: str, context: dict, language: str, kind: str, key: str | None = None
) -> OutboundEmail:
    """Render `<template>_subject.txt`, `.txt` and (if present) `.html` in `language` and queue them.

    The plain-text parts are rendered without HTML escaping ("AT&T" stays "AT&T").
    """
    with translation.override(language):
        subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
        body = _render_text(f"{template}.txt", context)
        message = EmailMultiAlternatives(subject=subject, body=body, to=to)
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
