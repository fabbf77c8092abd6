"""Stripe's webhook at the stable address /stripe/webhook/.

Thin, as every view: check the signature, read the body, call one service, answer.
Stripe expects 2xx for an event it need not send again (handled, duplicate,
not handled by us, unknown customer) and retries anything else. A body that is
not Stripe's (bad signature, a timestamp outside the tolerance either way) or
not an event the portal can store and read (see `members.stripe_events`)
answers 400 and stores nothing.
"""

import logging
import time

import stripe
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from members.stripe_events import MalformedEvent, event_parse
from members.stripe_sync import stripe_event_handle

logger = logging.getLogger(__name__)

# Seconds a signature's timestamp may lie before (a replay) or after (a forged clock) now.
TOLERANCE = stripe.Webhook.DEFAULT_TOLERANCE


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.warning("Stripe webhook called, but STRIPE_WEBHOOK_SECRET is not set")
        return _bad("webhook not configured")
    payload = request.body
    header = request.headers.get("Stripe-Signature")
    try:
        # Checks the HMAC signature, and that its timestamp is not older than the tolerance.
        stripe.WebhookSignature.verify_header(payload, header, secret, TOLERANCE)
    except stripe.SignatureVerificationError:
        return _bad("bad signature")
    except ValueError:  # not UTF-8
        return _bad("bad payload")
    if _signed_at(header) > time.time() + TOLERANCE:
        return _bad("bad signature: timestamp in the future")
    try:
        result = stripe_event_handle(event=event_parse(payload))
    except MalformedEvent as error:
        logger.warning("Stripe webhook refused a malformed event: %s", error)
        return _bad(f"bad payload: {error}")
    return HttpResponse(result, content_type="text/plain")


def _signed_at(header: str) -> int:
    """The signature's timestamp (`t=`), read as Stripe's library reads it (the header is verified)."""
    items = [item.split("=", 2) for item in header.split(",")]
    return int([item[1] for item in items if item[0] == "t"][0])


def _bad(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message, content_type="text/plain")
