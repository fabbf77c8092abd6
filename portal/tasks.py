"""django-q2 entry points of the portal. Each is safe to run twice."""

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from portal.models import OutboundEmail


def email_send(pk: int) -> str:
    """Send one queued e-mail. A second run (django-q2 retries, a duplicate) sends nothing."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=pk).first()
        if email is None:
            return "missing"
        if email.status == OutboundEmail.Status.SENT:
            return "already-sent"
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject, body=email.body_text, from_email=email.from_email, to=email.recipients
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 - recorded, then raised outside the transaction
            failure = error
            email.status = OutboundEmail.Status.FAILED
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.save(update_fields=["status", "attempts", "last_error"])
        else:
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
            return "sent"
    # Committed the attempt; raising makes django-q2 try again (up to max_attempts).
    raise failure
