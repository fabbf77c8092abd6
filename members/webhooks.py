"""Stripe's webhook at the stable address /stripe/webhook/.

Thin, as every view: check the signature, call one service, answer.
Stripe expects 2xx for an event it need not send again (handled, duplicate,
not handled by us, unknown customer) and retries anything else.
"""

import json
import logging

import stripe
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from members.stripe_sync import stripe_event_handle

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.warning("Stripe webhook called, but STRIPE_WEBHOOK_SECRET is not set")
        return HttpResponseBadRequest("webhook not configured", content_type="text/plain")
    payload = request.body
    try:
        # Checks the HMAC signature and that its timestamp is within the default tolerance (5 minutes).
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature"), secret)
        event = json.loads(payload)
    except stripe.SignatureVerificationError:
        return HttpResponseBadRequest("bad signature", content_type="text/plain")
    except ValueError:
        return HttpResponseBadRequest("bad payload", content_type="text/plain")
    if not _well_formed(event):
        return HttpResponseBadRequest("bad payload", content_type="text/plain")
    result = stripe_event_handle(event=event)
    return HttpResponse(result, content_type="text/plain")


def _well_formed(event) -> bool:
    return (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("created"), int)
        and isinstance((event.get("data") or {}).get("object"), dict)
    )
