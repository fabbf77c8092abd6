"""How allauth fits the portal.

- Its mail goes out through the outbox (`portal.mail.email_queue`), never inline:
  the request only renders and stores the message; a task sends it after commit.
- Mail is rendered in the language the person is using, and a new account
  remembers that language for the mail we send later.
- Signing up with an address that already has an account looks and takes the
  same as with a new one (allauth's ACCOUNT_PREVENT_ENUMERATION makes it look the
  same; `SignupForm` makes it cost the same).
- Setting up an authenticator counts as passing the second factor for the session
  it happens in (see `record_second_factor_on_activation` and portal/security.py).
- Rate limits count the visitor's address as the trusted proxy reports it, and a
  sign-in refused for too many failed attempts answers 429.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.utils import get_next_redirect_url
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.hashers import make_password
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

logger = logging.getLogger(__name__)


def site_name_for(request) -> str:
    """The association's name as editors set it, for the greeting and signature of mail."""
    from wagtail.models import Site

    from portal.models import AssociationSettings

    site = Site.find_for_request(request) if request is not None else None
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return settings.WAGTAIL_SITE_NAME
    return AssociationSettings.for_site(site).name or settings.WAGTAIL_SITE_NAME


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        from portal.mail import email_queue

        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": site_name_for(request),
            "site_url": request.build_absolute_uri("/") if request is not None else f"{settings.BASE_URL}/",
        }
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        email_queue(message=message, kind=template_prefix[:100])

    def pre_authenticate(self, request, **credentials):
        # allauth refuses a sign-in past the failed-login limit with a form error; the
        # response then says 429 (portal.security.SecurityHeadersMiddleware), as every other
        # rate limit of the portal does, so that clients and monitoring see it for what it is.
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            if request is not None:
                request.portal_rate_limited = True
            raise

    def save_user(self, request, user, form, commit=True):
        # The language the visitor signed up in is the language of their mail.
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.language = language
        return super().save_user(request, user, form, commit=commit)

    def get_email_confirmation_url(self, request, emailconfirmation):
        # Carry ?next= through the confirmation link (allauth's confirm page posts it on):
        # after confirming, the person logs in and lands where they were going, e.g. the
        # join form. A browser that still holds the sign-up resumes it at once.
        url = super().get_email_confirmation_url(request, emailconfirmation)
        next_url = get_next_redirect_url(request) if request is not None else None
        if next_url:
            login_url = f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: next_url})}"
            url = f"{url}?{urlencode({REDIRECT_FIELD_NAME: login_url})}"
        return url

    def get_login_redirect_url(self, request):
        # "Mijn omgeving", in the language the person was using (an explicit ?next= still wins).
        return reverse("member_home")

    def get_logout_redirect_url(self, request):
        return _home_url()

    def get_client_ip(self, request) -> str:
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            # Fewer X-Forwarded-For entries than TRUSTED_PROXY_COUNT: the request did not
            # pass every proxy. Count it by the address that reached us rather than fail.
            logger.warning("X-Forwarded-For has fewer entries than TRUSTED_PROXY_COUNT proxies")
            return request.META.get("REMOTE_ADDR") or "0.0.0.0"


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, equally slow for a known address.

    For a new address allauth hashes the password when it creates the account; for a
    known one it only sends a mail, which answered several times faster and so told
    which addresses have an account. The known path now hashes the password too.
    """

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


def record_second_factor_on_activation(sender, request, user, authenticator, **kwargs):
    """Entering a correct code to set up an authenticator proves the second factor, as
    signing in with it would: record it for this session, so staff who were just sent
    to the set-up can continue to the admin without typing a second code."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)


def _home_url() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return "/" if language == settings.LANGUAGE_CODE else f"/{language}/"
