"""Members-only pages: non-members see a teaser with a way to join; members see the page.

Editors mark a page with `members_only` (the portal's StandardPage and NewsPage have
the field); this hook, registered in MembersConfig.ready(), decides who may read it.
"""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from wagtail import hooks

from members.selectors import user_is_active_member


def teaser_text(page) -> str:
    """The part of a page anyone may read: its introduction or lead."""
    for field in ("intro", "lead", "search_description"):
        value = getattr(page, field, "")
        if value:
            return value
    return ""


@hooks.register("before_serve_page")
def members_only_gate(page, request, serve_args, serve_kwargs):
    specific = page.specific
    if not getattr(specific, "members_only", False):
        return None
    if user_is_active_member(user=request.user):
        response = None
    else:
        login_url = f"{reverse('account_login')}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
        response = TemplateResponse(
            request,
            "members/members_only_teaser.html",
            {
                "page": specific,
                "self": specific,
                "teaser": teaser_text(specific),
                "join_url": reverse("members:join"),
                "dashboard_url": reverse("members:dashboard"),
                "login_url": login_url,
            },
        )
        # What someone sees depends on who they are: never share it between visitors.
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Cookie"])
    return response
