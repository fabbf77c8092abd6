"""Response headers: Content-Security-Policy, Permissions-Policy, and no stored copy
of anything personal (portal/security.py, settings "Security headers and sign-in")."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.users.utils import get_gravatar_url

from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.portal import pages
from tests.portal.routes import every_route

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = {}
    for part in response[CSP].split(";"):
        name, *values = part.split()
        policy[name] = values
    return policy


def cache_control(response) -> set[str]:
    return {item.strip().split("=")[0] for item in response.get("Cache-Control", "").split(",") if item.strip()}


@pytest.fixture
def member(db):
    return verified_email(UserFactory(email="member@example.org"))


@pytest.fixture
def staff(db):
    user = verified_email(UserFactory(email="staff@example.org", is_staff=True, is_superuser=True))
    totp_authenticator(user)
    return user


# --- Content-Security-Policy -------------------------------------------------------------


@pytest.mark.parametrize("address", ["/", "/en/", "/search/?q=norm", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_allow_scripts_and_styles_only_from_the_site(client, address):
    pages.home("en")

    policy = directives(client.get(address))

    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_forms_may_lead_only_to_the_site_and_stripes_payment_pages(client):
    policy = directives(client.get("/"))

    assert policy["form-action"] == ["'self'", "https://checkout.stripe.com", "https://billing.stripe.com"]


def test_a_signed_in_members_pages_carry_the_strict_policy(client, member):
    client.force_login(member)

    policy = directives(client.get(reverse("members:dashboard")))

    assert policy["script-src"] == ["'self'"]


def test_the_admin_has_its_own_laxer_policy(client, staff):
    client.force_login(staff)

    policy = directives(client.get("/admin/"))

    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["frame-ancestors"] == ["'self'"]  # the page preview is a frame of the admin
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_the_error_page_may_use_its_own_inline_style_but_no_script():
    client = Client(raise_request_exception=False)

    with mock.patch.object(connection, "cursor", side_effect=OperationalError("the database is down")):
        response = client.get("/")

    assert response.status_code == 503  # the database is down: try again later (portal.views.server_error)
    assert "<style>" in response.content.decode()
    policy = directives(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]


def site_templates():
    folders = [Path(settings.BASE_DIR) / "templates"]
    folders += [Path(settings.BASE_DIR) / app / "templates" for app in ("portal", "members", "events", "knowledge")]
    return [path for folder in folders if folder.exists() for path in folder.rglob("*.html")]


def test_no_template_has_an_inline_script_or_event_handler():
    """Scripts come from static files; JSON data blocks (JSON-LD too) are not scripts."""
    inline = []
    for path in site_templates():
        html = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", html, re.I):
            if "src=" not in tag and "application/json" not in tag and "application/ld+json" not in tag:
                inline.append(f"{path}: {tag}")
        inline += [f"{path}: {m}" for m in re.findall(r"\son[a-z]+\s*=", html, re.I)]
        inline += [f"{path}: {m}" for m in re.findall(r"href\s*=\s*[\"']javascript:", html, re.I)]

    assert inline == []
    assert site_templates()  # the walk found the templates


# --- Permissions-Policy -------------------------------------------------------------------


@pytest.mark.parametrize("feature", ["microphone", "geolocation", "payment"])
def test_browser_features_are_off_on_every_page(client, staff, feature):
    public = client.get("/")["Permissions-Policy"]
    client.force_login(staff)
    admin = client.get("/admin/")["Permissions-Policy"]

    for header in (public, admin):
        assert f"{feature}=()" in [item.strip() for item in header.split(",")]


def test_only_the_portal_itself_may_use_the_camera_for_scanning_tickets(client):
    header = client.get("/")["Permissions-Policy"]
    assert "camera=(self)" in [item.strip() for item in header.split(",")]


# --- no stored copy of anything personal ---------------------------------------------------


def member_area_and_account_addresses():
    found = {address for address, _entry in every_route(app_name="members")}
    found |= {address for address, entry in every_route() if entry.lookup_str.startswith("allauth.")}
    return sorted(found)


def test_the_walk_finds_the_member_area_and_the_account_pages():
    addresses = member_area_and_account_addresses()

    for expected in ("/lidmaatschap/", "/lidmaatschap/betalen/", "/lidmaatschap/aanmelden/", "/accounts/email/", "/en/accounts/login/"):
        assert expected in addresses or any(a.startswith(expected) for a in addresses)


def test_no_member_or_account_page_may_be_stored_for_a_member(client, member):
    client.force_login(member)
    stored = []
    for address in member_area_and_account_addresses():
        response = client.get(address)
        if not {"private", "no-store"} <= cache_control(response):
            stored.append((address, response.status_code, response.get("Cache-Control")))

    assert stored == []


def test_no_member_or_account_page_may_be_stored_for_a_visitor(client):
    stored = []
    for address in member_area_and_account_addresses():
        response = client.get(address)
        if not {"private", "no-store"} <= cache_control(response):
            stored.append((address, response.status_code, response.get("Cache-Control")))

    assert stored == []


def test_a_public_page_for_a_visitor_may_be_stored(client):
    page = pages.standard_page(pages.home(), title="Over ons")

    response = client.get(page.url)

    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert "private" not in cache_control(response)


def test_a_public_page_for_someone_signed_in_is_not_stored(client, member):
    """The header carries their name."""
    page = pages.standard_page(pages.home(), title="Over ons")
    client.force_login(member)

    response = client.get(page.url)

    assert {"private", "no-store"} <= cache_control(response)
    assert "Cookie" in response["Vary"]


def test_a_page_with_a_forms_csrf_token_is_not_stored(client):
    response = client.get("/accounts/password/reset/")

    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert {"private", "no-store"} <= cache_control(response)


# --- no gravatar ---------------------------------------------------------------------------


def test_the_admin_asks_gravatar_for_no_avatar(client, staff):
    client.force_login(staff)

    for address in ("/admin/", "/admin/account/", "/admin/users/", f"/admin/users/edit/{staff.pk}/", "/admin/pages/"):
        response = client.get(address, follow=True)
        assert response.status_code == 200, address
        assert "gravatar" not in response.content.decode().lower(), address


def test_no_avatar_address_is_made_from_an_email_address():
    with translation.override("nl"):
        assert get_gravatar_url("staff@example.org") is None


def test_a_visitor_without_a_session_gets_responses_that_do_not_vary_on_cookies(client):
    response = client.get("/robots.txt")

    assert "Cookie" not in response.get("Vary", "")
    assert "no-store" not in cache_control(response)
