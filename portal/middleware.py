"""Staff reach the Wagtail admin only with two-factor authentication set up."""

from django.shortcuts import redirect
from django.urls import reverse


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
        if request.path.startswith("/admin/") and not request.path.startswith("/admin/login/"):
            user = getattr(request, "user", None)
            if user is not None and user_needs_admin(user) and not user_has_two_factor(user):
                return redirect(f"{reverse('mfa_activate_totp')}?next={request.get_full_path()}")
        return self.get_response(request)
