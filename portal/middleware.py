"""Staff reach the Wagtail admin only with two-factor authentication set up.

Signing in always runs through allauth (/admin/login/ redirects there), whose
MFA stage asks for the authenticator code. This middleware covers the other
half: anyone who may use /admin/ but has no TOTP authenticator yet is sent to
set one up first.

allauth's TOTP activation ignores a `next` parameter (it always continues to the
recovery codes), so the admin address is kept in the session instead and the
recovery-codes page offers a link back to it (templates/mfa/recovery_codes/index.html).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"
# Wagtail's logout stays reachable; its login is a redirect to allauth's (portal/urls.py).
EXEMPT_PREFIXES = ("/admin/login/", "/admin/logout/")
ADMIN_NEXT_SESSION_KEY = "portal_admin_next"


def user_has_two_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_needs_admin(user) -> bool:
    return user.is_authenticated and (
        user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")
    )


class AdminRequiresTwoFactorMiddleware:
    """Send anyone who may use /admin/ but has no TOTP authenticator to set one up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith(ADMIN_PREFIX) and not path.startswith(EXEMPT_PREFIXES):
            user = getattr(request, "user", None)
            if user is not None and user_needs_admin(user):
                if not user_has_two_factor(user):
                    return self._send_to_setup(request)
                if ADMIN_NEXT_SESSION_KEY in request.session:
                    del request.session[ADMIN_NEXT_SESSION_KEY]
        return self.get_response(request)

    def _send_to_setup(self, request):
        # Remember where they were going (a page, not a form post) for after the set-up.
        target = request.get_full_path() if request.method == "GET" else ADMIN_PREFIX
        request.session[ADMIN_NEXT_SESSION_KEY] = target
        messages.info(
            request,
            _("To use the admin, first protect your account with two-factor authentication."),
        )
        return redirect(reverse("mfa_activate_totp"))
