"""Sign-in and response hardening for the whole portal.

Two-factor authentication for the admin
    Every sign-in runs through allauth (Wagtail's and Django's login forms are
    redirects to it, see portal/urls.py). Anyone who may use /admin/ needs a TOTP
    authenticator *and* a session that passed it: allauth records each step of a
    sign-in in the session (`get_authentication_records`), and the admin opens only
    when one of them is the second factor. Someone without an authenticator is sent
    to set one up; someone whose session holds only the password (or a session made
    some other way) is asked for a code first.

    allauth's TOTP activation ignores a `next` parameter (it always continues to the
    recovery codes), so the admin address is kept in the session instead and the
    recovery-codes page offers a link back to it (templates/mfa/recovery_codes/index.html).

Response headers
    A Content-Security-Policy (django-csp) with a strict policy for the site and a
    laxer one for Wagtail's admin, whose scripts and styles are not all CSP-ready;
    a Permissions-Policy; and `Cache-Control: private, no-store` on every response
    that carries someone's own data or a form's CSRF token.
"""

from allauth.account.authentication import get_authentication_records
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"
# Wagtail's logout stays reachable; its login is a redirect to allauth's (portal/urls.py).
EXEMPT_PREFIXES = ("/admin/login/", "/admin/logout/")
ADMIN_NEXT_SESSION_KEY = "portal_admin_next"
SECOND_FACTOR_METHOD = "mfa"  # allauth's name for the step of a sign-in that checked a code


def user_may_use_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )


def user_has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def session_passed_two_factor(request) -> bool:
    """Did the person behind this session give a code from their authenticator?

    allauth writes one record per step of a sign-in (password, code, reauthentication)
    and ties the records to the user, so a session that signed in with the password
    alone, or that was made without allauth, has no such record.
    """
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == SECOND_FACTOR_METHOD for record in records)


class AdminRequiresTwoFactorMiddleware:
    """The admin opens only for a session that passed the second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(ADMIN_PREFIX) and not path.startswith(EXEMPT_PREFIXES):
            user = getattr(request, "user", None)
            if user is not None and user_may_use_admin(user):
                if not user_has_two_factor(user):
                    return self._send_to_setup(request)
                if not session_passed_two_factor(request):
                    return self._send_to_code(request)
                request.session.pop(ADMIN_NEXT_SESSION_KEY, None)
        return self.get_response(request)

    @staticmethod
    def _target(request) -> str:
        # Where they were going (a page, not a form post), for afterwards.
        return request.get_full_path() if request.method == "GET" else ADMIN_PREFIX

    def _send_to_setup(self, request):
        request.session[ADMIN_NEXT_SESSION_KEY] = self._target(request)
        messages.info(
            request,
            _("To use the admin, first protect your account with two-factor authentication."),
        )
        return redirect(reverse("mfa_activate_totp"))

    def _send_to_code(self, request):
        messages.info(
            request,
            _("To use the admin, confirm that it is you with a code from your authenticator app."),
        )
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': self._target(request)})}")


def is_admin_request(request) -> bool:
    return request.path_info.startswith(ADMIN_PREFIX)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with Wagtail's admin under its own, laxer policy
    (`PORTAL_ADMIN_CONTENT_SECURITY_POLICY`): the admin's editors and choosers
    still rely on inline scripts and styles."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and is_admin_request(request):
            parts.config = settings.PORTAL_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


def response_is_personal(request, response) -> bool:
    """Does this response belong to one person only?

    - anything shown to someone signed in (the header alone carries their name);
    - the member area and the account pages, for anyone (member pages answer a
      visitor with a redirect that must not be kept either);
    - any page with a form's CSRF token in it.

    The error page (5xx) is fixed text, and asks nothing of the session or database.
    """
    if response.status_code >= 500:
        return False
    # Without a session cookie no one is signed in; asking would touch the session
    # and make every response vary on cookies.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
    match = getattr(request, "resolver_match", None)
    if match is not None and (match.app_name == "members" or match.func.__module__.startswith("allauth.")):
        return True
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


RATE_LIMIT_RETRY_AFTER = 300  # seconds: the failed-login window (ACCOUNT_RATE_LIMITS "5/5m/key")


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; personal responses are never stored; a
    sign-in refused by the failed-login limit answers 429."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=({' '.join(allowed)})" for feature, allowed in settings.PORTAL_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "portal_rate_limited", False) and response.status_code == 200:
            # The form says why (portal.accounts.AccountAdapter.pre_authenticate); the status too.
            response.status_code = 429
            response.headers.setdefault("Retry-After", str(RATE_LIMIT_RETRY_AFTER))
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if response_is_personal(request, response):
            add_never_cache_headers(response)  # "private, no-store", and no-cache for old proxies
            patch_vary_headers(response, ["Cookie"])
        return response
