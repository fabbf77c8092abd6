"""The news digest: subscribing (double opt-in), unsubscribing in one click, and sending.

A digest lists what is new since the previous one: news items and norm pages first
published in its period, and the upcoming events (from whichever app answers the
"digest_upcoming_events" hook; this app does not import the events app). It goes,
through the outbox, to every confirmed subscription, in the reader's language.
Each message is queued under `digest:<digest>:<subscription>`, so delivering a
digest again (a retried task, an editor clicking twice) sends nobody a second copy.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Locale

from portal.audit import Source, log_action
from portal.exceptions import DomainError
from portal.mail import email_render_and_queue

# A confirmation e-mail is sent at most this often to one address.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=10)
DIGEST_EVENTS = 5
DIGEST_ITEMS = 10
# A first digest, with no edition before it, covers this much.
FIRST_PERIOD = timedelta(days=31)


def _models():
    return apps.get_model("knowledge", "DigestSubscription"), apps.get_model("knowledge", "Digest")


def _absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


def digest_link(name: str, token: str, language: str) -> str:
    """The absolute address of a subscription's confirm or unsubscribe page, in `language`."""
    with translation.override(language):
        return _absolute(reverse(f"digest:{name}", args=[token]))


# --- subscribing ------------------------------------------------------------------------


def _verified_owner(user, email: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def digest_subscribe(*, email: str, language: str, user=None, now: datetime | None = None):
    """Subscribe `email` to the digest. Returns the subscription.

    The owner of a verified account address is confirmed at once; anyone else gets a
    confirmation e-mail (at most one every ten minutes) and receives nothing until they
    follow its link. What the caller tells the visitor is the same either way, so the
    form reveals nothing about who is subscribed.
    """
    DigestSubscription, _Digest = _models()
    now = now or timezone.now()
    email = email.strip().lower()
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    subscription, created = DigestSubscription.objects.select_for_update().get_or_create(
        email=email, defaults={"language": language}
    )
    if subscription.status == DigestSubscription.Status.CONFIRMED:
        return subscription
    owner = _verified_owner(user, email)
    subscription.language = language
    if owner:
        subscription.user = user
        subscription.status = DigestSubscription.Status.CONFIRMED
        subscription.confirmed_at = now
        subscription.unsubscribed_at = None
        subscription.save(update_fields=["language", "user", "status", "confirmed_at", "unsubscribed_at"])
        log_action(subscription, "knowledge.digest_subscription.confirmed", actor=user, source=Source.MEMBER,
                   data={"email": email, "how": "account"})
        return subscription
    recent = subscription.confirmation_sent_at and now - subscription.confirmation_sent_at < CONFIRMATION_RESEND_AFTER
    if subscription.status == DigestSubscription.Status.PENDING and recent:
        return subscription
    subscription.status = DigestSubscription.Status.PENDING
    subscription.token = DigestSubscription.new_token()
    subscription.confirmation_sent_at = now
    subscription.save(update_fields=["language", "status", "token", "confirmation_sent_at"])
    log_action(subscription, "knowledge.digest_subscription.requested", source=Source.MEMBER, data={"email": email})
    email_render_and_queue(
        to=[email],
        template="knowledge/email/digest_confirm",
        context={"confirm_url": digest_link("confirm", subscription.token, language)},
        language=language,
        kind="digest-confirm",
        key=f"digest-confirm:{subscription.pk}:{subscription.token[:16]}",
    )
    return subscription


def _subscription_by_token(token: str):
    DigestSubscription, _Digest = _models()
    subscription = DigestSubscription.objects.select_for_update().filter(token=token).first()
    if subscription is None:
        raise DomainError(_("This link is not valid. Perhaps a newer e-mail replaced it: subscribe again."))
    return subscription


@transaction.atomic
def digest_confirm(*, token: str, now: datetime | None = None):
    """Confirm the subscription whose confirmation link this is. Confirming twice is no error."""
    DigestSubscription, _Digest = _models()
    subscription = _subscription_by_token(token)
    if subscription.status == DigestSubscription.Status.CONFIRMED:
        return subscription
    if subscription.status == DigestSubscription.Status.UNSUBSCRIBED:
        raise DomainError(_("You unsubscribed from the digest since this e-mail was sent: subscribe again."))
    subscription.status = DigestSubscription.Status.CONFIRMED
    subscription.confirmed_at = now or timezone.now()
    subscription.save(update_fields=["status", "confirmed_at"])
    log_action(subscription, "knowledge.digest_subscription.confirmed", source=Source.MEMBER,
               data={"email": subscription.email, "how": "link"})
    return subscription


@transaction.atomic
def digest_unsubscribe(*, token: str, now: datetime | None = None):
    """End the subscription the link belongs to (from the page, or a mail client's one-click POST)."""
    DigestSubscription, _Digest = _models()
    subscription = _subscription_by_token(token)
    if subscription.status == DigestSubscription.Status.UNSUBSCRIBED:
        return subscription
    subscription.status = DigestSubscription.Status.UNSUBSCRIBED
    subscription.unsubscribed_at = now or timezone.now()
    subscription.save(update_fields=["status", "unsubscribed_at"])
    log_action(subscription, "knowledge.digest_subscription.unsubscribed", source=Source.MEMBER,
               data={"email": subscription.email})
    return subscription


# --- what a digest holds ------------------------------------------------------------------


def digest_content(*, digest, language: str) -> dict:
    """News items and norm pages first published in the digest's period, and upcoming events,
    in `language` (absolute links). A constant number of queries."""
    NewsPage = apps.get_model("portal", "NewsPage")
    NormPage = apps.get_model("knowledge", "NormPage")
    locale = Locale.objects.filter(language_code=language).first() or Locale.get_default()
    period = {"first_published_at__gte": digest.period_start, "first_published_at__lt": digest.period_end}
    news = list(
        NewsPage.objects.live().public().filter(locale=locale, **period)
        .defer_streamfields().order_by("-date", "-pk")[:DIGEST_ITEMS]
    )
    norms = list(
        NormPage.objects.live().public().filter(locale=locale, **period)
        .select_related("norm_version").order_by("-norm_version__effective_from")[:DIGEST_ITEMS]
    )
    events = []
    for provider in hooks.get_hooks("digest_upcoming_events"):
        events.extend(provider(locale_id=locale.pk, limit=DIGEST_EVENTS))
    events.sort(key=lambda event: event["start"])
    return {
        "news": [{"title": p.title, "lead": p.lead, "url": p.full_url, "date": p.date} for p in news],
        "norms": [
            {"title": p.title, "version": p.norm_version.version, "effective_from": p.norm_version.effective_from, "url": p.full_url}
            for p in norms
        ],
        "events": events[:DIGEST_EVENTS],
    }


# --- sending ------------------------------------------------------------------------------


@transaction.atomic
def digest_create(*, kind: str, key: str, now: datetime | None = None, actor=None):
    """The digest edition `key` (created once; asking again returns the same edition).

    It covers what was published since the previous edition (a month for the first)."""
    _DigestSubscription, Digest = _models()
    now = now or timezone.now()
    existing = Digest.objects.filter(key=key).first()
    if existing is not None:
        return existing
    previous = Digest.objects.filter(period_end__lte=now).order_by("-period_end").first()
    start = previous.period_end if previous is not None else now - FIRST_PERIOD
    if start >= now:
        raise DomainError(_("A digest was sent a moment ago; there is nothing new yet."))
    digest = Digest(key=key, kind=kind, period_start=start, period_end=now, created_by=actor if getattr(actor, "pk", None) else None)
    digest.full_clean()
    digest.save()
    log_action(digest, "knowledge.digest.created", actor=actor, source=Source.SYSTEM if actor is None else Source.SECRETARIAT,
               data={"key": key, "kind": kind})
    transaction.on_commit(lambda: _deliver_later(digest.pk))
    return digest


def _deliver_later(pk: int) -> None:
    from django_q.tasks import async_task

    async_task("knowledge.tasks.digest_deliver", pk, task_name=f"digest-{pk}")


def digest_deliver(*, digest) -> int:
    """Queue the digest for every confirmed subscription that has not had it. Returns how many
    messages were queued now (0 on a second run). Each reader gets it in their language."""
    DigestSubscription, Digest = _models()
    subscriptions = DigestSubscription.objects.filter(status=DigestSubscription.Status.CONFIRMED).select_related("user")
    contents: dict[str, dict] = {}
    before = _sent_count(digest)
    for subscription in subscriptions.iterator():
        language = subscription.user.language if subscription.user_id and subscription.user else subscription.language
        if language not in contents:
            contents[language] = digest_content(digest=digest, language=language)
        content = contents[language]
        if not (content["news"] or content["norms"] or content["events"]):
            continue
        unsubscribe_url = digest_link("unsubscribe", subscription.token, language)
        email_render_and_queue(
            to=[subscription.email],
            template="knowledge/email/digest",
            context={**content, "digest": digest, "unsubscribe_url": unsubscribe_url},
            language=language,
            kind="digest",
            key=f"digest:{digest.pk}:{subscription.pk}",
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    after = _sent_count(digest)
    Digest.objects.filter(pk=digest.pk).update(recipients=after)
    return after - before


def _sent_count(digest) -> int:
    OutboundEmail = apps.get_model("portal", "OutboundEmail")
    return OutboundEmail.objects.filter(key__startswith=f"digest:{digest.pk}:").count()


def digest_monthly(*, now: datetime | None = None):
    """The monthly edition, named after its month ("2026-12"); created and sent once."""
    _DigestSubscription, Digest = _models()
    now = now or timezone.now()
    key = timezone.localtime(now).strftime("%Y-%m")
    return digest_create(kind=Digest.Kind.MONTHLY, key=key, now=now)


def digest_send_now(*, actor, now: datetime | None = None):
    """An edition an editor sends from the admin, covering what is new since the last one."""
    _DigestSubscription, Digest = _models()
    now = now or timezone.now()
    key = "manual-" + timezone.localtime(now).strftime("%Y-%m-%d-%H%M%S")
    return digest_create(kind=Digest.Kind.MANUAL, key=key, now=now, actor=actor)
