"""Every way to sign in runs through allauth, and none opens the admin without the code.

The URL configuration is walked, not listed by hand: a new view that takes a
password fails `test_every_view_that_takes_a_password_is_known` until it is looked
at and added to PASSWORD_VIEWS, and every address is tried with a staff member's
email and password in `test_no_address_signs_in_with_the_password_alone`.
"""

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.test import Client
from django.urls import resolve
from django.utils import translation
from wagtail.models import PageViewRestriction

from tests.factories import UserFactory, totp_authenticator, verified_email
from tests.portal import pages
from tests.portal.routes import every_route

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password

# Views that take a password (or a code), by URL name, and what keeps each safe.
PASSWORD_VIEWS = {
    # allauth: the one way in, with the code step for anyone who has an authenticator
    "account_login": "allauth's login: password, then the code (tests/portal/test_admin_two_factor.py)",
    "account_signup": "creates an account that must confirm its address first; signs no one in",
    "account_reauthenticate": "for someone signed in already; records no second factor",
    "account_change_password": "for someone signed in already",
    "account_set_password": "for someone signed in already",
    "account_reset_password": "asks for an address and mails a link; takes no password",
    "account_reset_password_done": "a message page",
    "account_reset_password_from_key": "sets a new password; signs no one in (ACCOUNT_LOGIN_ON_PASSWORD_RESET off)",
    "account_reset_password_from_key_done": "a message page",
    "account_confirm_login_code": "signing in by mailed code is off (ACCOUNT_LOGIN_BY_CODE_ENABLED)",
    "mfa_authenticate": "the code step of allauth's login",
    "mfa_reauthenticate": "the code, for someone signed in already",
    "mfa_activate_totp": "sets up the authenticator, for someone signed in already",
    "mfa_deactivate_totp": "for someone signed in already",
    # Wagtail: login forms shadowed by redirects to allauth (portal/urls.py)
    "/admin/login/": "a redirect to allauth's login",
    "/_util/login/": "a redirect to allauth's login",
    "/admin/password_reset/": "a redirect to allauth's password reset",
    "wagtailadmin_login": "shadowed by a redirect to allauth's login",
    "wagtailcore_login": "shadowed by a redirect to allauth's login",
    "wagtailadmin_password_reset": "shadowed by a redirect to allauth's reset",
    "wagtailadmin_password_reset_confirm": "off (WAGTAIL_PASSWORD_RESET_ENABLED): 404",
    "wagtailadmin_password_reset_done": "off (WAGTAIL_PASSWORD_RESET_ENABLED): 404",
    "wagtailadmin_password_reset_complete": "off (WAGTAIL_PASSWORD_RESET_ENABLED): 404",
    "wagtailadmin_account": "behind the admin's two-factor check; password change off",
    # shared passwords of protected pages and documents: they open a page, not an account
    "wagtailcore_authenticate_with_password": "a page's shared password; signs no one in",
    "wagtaildocs_authenticate_with_password": "a document's shared password; signs no one in",
}

PASSWORD_WORDS = re.compile(r"login|log_in|signin|sign_in|password|authenticat", re.I)


def known_as(address, entry) -> str:
    return entry.name or re.sub(r"^/en/", "/", address)


def view_class(entry):
    return getattr(entry.callback, "view_class", None) or getattr(entry.callback, "cls", None)


def takes_a_password(address, entry) -> bool:
    cls = view_class(entry)
    form_class = getattr(cls, "form_class", None)
    names = [address, entry.name or "", entry.lookup_str, getattr(form_class, "__name__", "")]
    if any(PASSWORD_WORDS.search(name) for name in names):
        return True
    fields = getattr(form_class, "base_fields", {}) or {}
    return any("password" in name or getattr(field.widget, "input_type", "") == "password" for name, field in fields.items())


@pytest.fixture
def staff(db):
    user = verified_email(UserFactory(email="staff@example.org", is_staff=True, is_superuser=True))
    totp_authenticator(user)
    return user


def test_every_view_that_takes_a_password_is_known():
    found = {known_as(address, entry) for address, entry in every_route() if takes_a_password(address, entry)}

    unknown = found - set(PASSWORD_VIEWS)

    assert not unknown, f"views that take a password, not yet looked at: {sorted(unknown)}"
    assert {"account_login", "wagtailcore_login", "wagtailadmin_login"} <= found


def test_django_admin_is_not_mounted():
    modules = {entry.lookup_str for _address, entry in every_route()}

    assert not [module for module in modules if module.startswith("django.contrib.admin.")]


@pytest.mark.parametrize("address", ["/admin/login/", "/_util/login/", "/en/_util/login/"])
def test_wagtail_login_forms_lead_to_allauths_login(client, address):
    with translation.override("en" if address.startswith("/en/") else "nl"):
        assert resolve(address).func.__module__ == "django.views.generic.base"

    response = client.get(f"{address}?next=/lidmaatschap/")

    assert response.status_code == 302
    login_url = "/en/accounts/login/" if address.startswith("/en/") else "/accounts/login/"
    assert response.url == f"{login_url}?next=/lidmaatschap/"


@pytest.mark.parametrize("address", ["/admin/login/", "/_util/login/", "/en/_util/login/"])
def test_posting_a_password_to_a_wagtail_login_form_signs_no_one_in(client, staff, address):
    response = client.post(address, {"username": staff.email, "password": PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_a_private_page_sends_visitors_to_allauths_login(client):
    page = pages.standard_page(pages.home(), title="Alleen ingelogd")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(page.url)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


def test_a_pages_shared_password_opens_the_page_but_signs_no_one_in(client, staff):
    page = pages.standard_page(pages.home(), title="Met wachtwoord", intro="Achter het wachtwoord")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=PASSWORD
    )

    response = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        {"password": PASSWORD, "return_url": page.url},
    )

    assert response.status_code == 302
    assert "Achter het wachtwoord" in client.get(page.url).content.decode()
    assert "_auth_user_id" not in client.session


def test_wagtails_own_password_reset_is_off(client, staff):
    assert client.get("/admin/password_reset/confirm/MQ/x-x/").status_code == 404
    assert client.get("/admin/password_reset/").url.startswith("/accounts/password/reset/")


def test_a_password_reset_sets_the_password_but_signs_no_one_in(client, staff):
    key = default_token_generator.make_token(staff)
    address = f"/accounts/password/reset/key/{user_pk_to_url_str(staff)}-{key}/"
    form_address = client.get(address).url  # allauth moves the key into the session

    response = client.post(form_address, {"password1": "a new pass phrase", "password2": "a new pass phrase"})

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password("a new pass phrase")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_wagtails_account_page_offers_no_password_change(client, staff):
    client.force_login(staff)

    html = client.get("/admin/account/").content.decode()

    assert 'name="password_old_password"' not in html
    assert 'name="old_password"' not in html


def test_no_address_signs_in_with_the_password_alone(staff):
    """Post a staff member's address and password to every address the portal has."""
    client = Client(raise_request_exception=False)
    credentials = {
        field: staff.email for field in ("login", "username", "email", "email2")
    } | {field: PASSWORD for field in ("password", "password1", "password2", "oldpassword", "old_password")}
    signed_in = []

    for address in dict.fromkeys(address for address, _entry in every_route()):
        client.post(address, credentials)
        if "_auth_user_id" in client.session:
            signed_in.append(address)
            client.logout()

    assert signed_in == []
    assert client.get("/admin/").status_code == 302
