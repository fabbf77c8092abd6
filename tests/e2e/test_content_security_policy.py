"""The Content-Security-Policy blocks nothing the portal itself needs.

Chromium reports every refused script, style, image or frame on the console; the
pages people use most, the member area and the admin's busiest screens must show
none (portal/security.py, settings "Security headers and sign-in").
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page

from tests.factories import record_sign_in, totp_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PUBLIC_PAGES = [
    "/",
    "/en/",
    "/nieuws/",
    "/search/?q=norm",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
MEMBER_PAGES = ["/", "/lidmaatschap/", "/lidmaatschap/betalen/", "/accounts/email/", "/accounts/2fa/"]


@pytest.fixture
def demo_site(live_server):
    from members.demo import seed_members
    from portal.demo import seed_site, seed_users

    out = io.StringIO()
    seed_site(out)
    seed_users(out)
    seed_members(out)


@pytest.fixture
def refused(page):
    """What the browser refused under the policy, as it reports it on the console."""
    messages = []
    page.on(
        "console",
        lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: messages.append(str(error)))
    return messages


def sign_in(page, live_server, user):
    """Give the browser the session of a finished sign-in (with the code for staff)."""
    client = Client()
    client.force_login(user)
    record_sign_in(client.session, user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_break_no_rule_of_the_policy(page, demo_site, refused, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")

    assert refused == []


def test_member_pages_break_no_rule_of_the_policy(page, live_server, demo_site, refused):
    sign_in(page, live_server, get_user_model().objects.get(email="member@rqim.example"))

    for path in MEMBER_PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")

    assert refused == []


def test_the_admins_busiest_screens_break_no_rule_of_their_policy(page, live_server, demo_site, refused):
    staff = get_user_model().objects.filter(is_superuser=True).first()
    totp_authenticator(staff)
    sign_in(page, live_server, staff)
    home = Page.objects.get(depth=2, locale__language_code="nl")

    for path in ("/admin/", "/admin/pages/", f"/admin/pages/{home.pk}/edit/", "/admin/images/", "/admin/users/"):
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        assert response.url.endswith(path), response.url

    assert refused == []


def test_the_editors_userbar_on_a_public_page_breaks_no_rule(page, live_server, demo_site, refused):
    staff = get_user_model().objects.filter(is_superuser=True).first()
    totp_authenticator(staff)
    sign_in(page, live_server, staff)

    page.goto("/")
    page.wait_for_load_state("networkidle")

    assert page.locator("wagtail-userbar").count() == 1
    assert refused == []
