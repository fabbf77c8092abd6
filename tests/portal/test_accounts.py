"""Accounts: sign up with a confirmed e-mail address, sign in, reset a password, sign out.

Mail goes through the outbox (portal.mail), so every test that expects a mail runs
the request inside django_capture_on_commit_callbacks(execute=True).
"""

import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from unittest import mock

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.test import Client
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.urls import reverse
from django.utils import translation

from portal.models import OutboundEmail
from tests.factories import UserFactory, verified_email

pytestmark = pytest.mark.django_db


PASSWORD = "correct horse battery"  # the factories' password
NEW_PASSWORD = "Vlinder-Kaas-2027"


def signup(client, email):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def without_tokens(html: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.decode())


# --- signing up and confirming -------------------------------------------------


def test_signup_queues_a_confirmation_mail_in_the_outbox(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(client, "new@example.org")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    row = OutboundEmail.objects.get()
    assert row.kind == "account/email/email_confirmation_signup"
    assert row.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_new_account_cannot_log_in_before_the_address_is_confirmed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "new@example.org")
    client.logout()

    response = login(client, "new@example.org", NEW_PASSWORD)

    assert not is_logged_in(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_opening_the_confirmation_link_does_not_confirm_by_itself(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "new@example.org")

    response = client.get(path_of(link_in(mail.outbox[0])))

    assert response.status_code == 200
    assert b'method="post"' in response.content
    user = get_user_model().objects.get(email="new@example.org")
    assert not user.emailaddress_set.get().verified


def test_confirming_through_the_mailed_link_lets_the_user_log_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "new@example.org")
    confirm_path = path_of(link_in(mail.outbox[0]))

    other_browser = Client()
    response = other_browser.post(confirm_path)
    assert response.status_code == 302
    assert not is_logged_in(other_browser)  # the link alone signs nobody in: only the browser that signed up

    login(other_browser, "new@example.org", NEW_PASSWORD)
    assert is_logged_in(other_browser)


def test_confirming_in_the_browser_that_signed_up_signs_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "new@example.org")

    response = client.post(path_of(link_in(mail.outbox[0])))

    assert response.status_code == 302
    assert is_logged_in(client)


def test_signup_remembers_the_language_for_later_mail(client, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        signup(client, "new@example.org")

    assert get_user_model().objects.get(email="new@example.org").language == "en"
    assert mail.outbox[0].subject == "Please Confirm Your Email Address"


def test_confirmation_mail_is_in_dutch_on_the_dutch_site(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "new@example.org")

    assert get_user_model().objects.get(email="new@example.org").language == "nl"
    assert "e-mailadres" in mail.outbox[0].subject.lower()


# --- no way to learn whether an address has an account ---------------------------


def test_signup_with_a_known_address_looks_like_a_new_signup(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = signup(client, user.email)
        known_page = client.get(known.url)
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        new = signup(client, "someone-new@example.org")
        new_page = client.get(new.url)

    assert (known.status_code, known.url) == (new.status_code, new.url)
    assert known_page.status_code == new_page.status_code == 200
    assert without_tokens(known_page.content).replace(user.email, "ADDRESS") == without_tokens(
        new_page.content
    ).replace("someone-new@example.org", "ADDRESS")


def test_signup_with_a_known_address_creates_no_account_and_tells_the_owner(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, user.email)

    assert get_user_model().objects.filter(email__iexact=user.email).count() == 1
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert OutboundEmail.objects.get().kind == "account/email/account_already_exists"
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [(reverse("account_reset_password_done"), 302)]
    assert without_tokens(known.content) == without_tokens(unknown.content)
    # Each address gets a mail; only the known one gets a reset link.
    assert [m.to for m in mail.outbox] == [[user.email], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_password_reset_link_sets_a_new_password(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    form_page = client.get(path_of(link_in(mail.outbox[0])), follow=True)
    assert form_page.status_code == 200

    response = client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert not is_logged_in(client)  # a reset does not sign in (ACCOUNT_LOGIN_ON_PASSWORD_RESET)
    login(client, user.email, NEW_PASSWORD)
    assert is_logged_in(client)


# --- signing in and out -----------------------------------------------------------


def test_confirmed_user_logs_in_with_email_and_password(client, user):
    response = login(client, user.email.upper(), PASSWORD)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_wrong_password_is_refused_with_a_form_error(client, user):
    response = login(client, user.email, "not the password")

    assert response.status_code == 200
    assert not is_logged_in(client)
    assert response.context["form"].non_field_errors()


def test_login_is_refused_after_too_many_failed_attempts_even_with_the_right_password(client, user):
    for _ in range(5):  # ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per address
        login(client, user.email, "not the password")

    response = login(client, user.email, PASSWORD)

    assert not is_logged_in(client)
    assert response.status_code in (200, 429)
    if response.status_code == 200:
        too_many = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
        assert response.context["form"].non_field_errors() == [too_many]


def test_signup_is_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    signup(client, "one@example.org")
    client.logout()
    signup(client, "two@example.org")
    client.logout()

    response = signup(client, "three@example.org")

    assert response.status_code == 429
    assert not get_user_model().objects.filter(email="three@example.org").exists()


def test_logout_asks_for_confirmation_on_get(client, user):
    client.force_login(user)

    response = client.get(reverse("account_logout"))

    assert response.status_code == 200
    assert is_logged_in(client)


def test_logout_ends_the_session(client, user):
    login(client, user.email, PASSWORD)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not is_logged_in(client)


# --- the pages: inside the site's layout, labelled, in Dutch and English ----------


class FormScanner(HTMLParser):
    """Collects the inputs a person fills in and the labels that name them."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels, self.ids = [], set(), set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            if attrs.get("name") != "q":  # the site-wide search box has its own label
                self.inputs.append(attrs)


def scan(response) -> FormScanner:
    scanner = FormScanner()
    scanner.feed(response.content.decode())
    return scanner


ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
MEMBER_PAGES = ["account_email", "account_change_password", "account_logout", "mfa_index"]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_entrance_pages_render_inside_the_site_layout(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert 'class="account-page account-page--entrance"' in html
    assert '<html lang="nl">' in html


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_account_management_pages_render_inside_the_site_layout(client, user, name):
    client.force_login(user)

    response = client.get(reverse(name))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<header class="site-header">' in html
    assert 'class="account-page account-page--manage"' in html


def test_a_bad_confirmation_link_renders_inside_the_site_layout(client):
    response = client.get(reverse("account_confirm_email", args=["not-a-key"]))

    assert response.status_code == 200
    assert b'<header class="site-header">' in response.content


def test_a_bad_password_reset_link_renders_inside_the_site_layout(client, user):
    response = client.get(reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}))

    assert response.status_code == 200
    assert response.context["token_fail"]
    assert b'<header class="site-header">' in response.content


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_every_input_on_entrance_pages_has_a_label(client, name):
    page = scan(client.get(reverse(name)))

    assert page.inputs
    assert all(field.get("id") in page.labels for field in page.inputs)


@pytest.mark.parametrize("name", ["account_email", "account_change_password"])
def test_every_input_on_account_pages_has_a_label(client, user, name):
    client.force_login(user)

    page = scan(client.get(reverse(name)))

    assert page.inputs
    assert all(field.get("id") in page.labels for field in page.inputs)


def test_field_errors_are_tied_to_their_field(client):
    response = client.post(reverse("account_signup"), {"email": "not-an-address", "password1": "", "password2": ""})
    page = scan(response)

    email = next(field for field in page.inputs if field["name"] == "email")
    assert email.get("aria-invalid") == "true"
    described_by = email["aria-describedby"].split()
    assert "id_email_error" in described_by
    assert "id_email_error" in page.ids


def test_login_errors_are_announced(client, user):
    response = login(client, user.email, "not the password")

    assert b'class="form-errors" role="alert"' in response.content


def test_account_pages_are_translated_to_english(client):
    response = client.get("/en" + reverse("account_login"))

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign In" in html
    assert "Forgot your password?" in html


def test_account_pages_are_dutch_by_default(client):
    response = client.get(reverse("account_login"))

    assert "Wachtwoord vergeten?" in response.content.decode()


def test_account_pages_need_no_javascript_to_sign_in(client):
    html = client.get(reverse("account_login")).content.decode()

    form = re.search(r'<form method="post" action="(?P<action>[^"]+)"[^>]*class="account-form', html)
    assert form and form.group("action") == reverse("account_login")
    assert re.search(r'<button class="button" type="submit"', html)


def test_login_in_english_leads_to_the_english_member_home(client, user):
    response = client.post("/en/accounts/login/", {"login": user.email, "password": "correct horse battery"})
    assert response.status_code == 302
    assert response["Location"] == "/en/my-portal/"


def test_logout_in_english_returns_to_the_english_home_page(client, user):
    client.force_login(user)
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"


def test_login_in_dutch_leads_to_the_dutch_member_home(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "correct horse battery"})
    assert response.status_code == 302
    assert response["Location"] == "/mijn-omgeving/"


# --- the same work for a known address ------------------------------------------------


def test_signup_with_a_known_address_hashes_the_password_as_a_new_signup_does(client, user):
    """Timing told which addresses have an account: a new one cost a password hash,
    a known one did not. Both paths now hash once (the test hasher stands in)."""
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
        signup(client, user.email)
        known = encode.call_count
        client.logout()
        signup(client, "someone-new@example.org")
        new = encode.call_count - known

    assert known == new == 1


# --- rate limits count each visitor behind the proxy ----------------------------------


def login_from(client, forwarded_for, email="nobody@example.org"):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": "not the password"},
        HTTP_X_FORWARDED_FOR=forwarded_for,
        REMOTE_ADDR="10.0.0.2",  # the proxy
    )


@pytest.fixture
def two_logins_a_minute(settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}


def test_by_default_one_proxy_in_front_is_trusted(settings):
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 1
    assert settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER is None


def test_two_visitors_behind_the_proxy_do_not_share_a_limit(client, two_logins_a_minute):
    login_from(client, "203.0.113.1")
    login_from(client, "203.0.113.1")

    assert login_from(client, "203.0.113.1").status_code == 429
    assert login_from(client, "203.0.113.2").status_code == 200


def test_a_forged_address_before_the_proxys_own_does_not_escape_the_limit(client, two_logins_a_minute):
    """The proxy appends the address it saw; what the visitor sent stands before it."""
    login_from(client, "198.51.100.1, 203.0.113.1")
    login_from(client, "198.51.100.2, 203.0.113.1")

    assert login_from(client, "198.51.100.3, 203.0.113.1").status_code == 429


def test_a_header_set_by_the_proxy_can_name_the_visitor_instead(client, settings, two_logins_a_minute):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"

    for _ in range(2):
        client.post(reverse("account_login"), {"login": "x@example.org", "password": "x"}, HTTP_X_REAL_IP="203.0.113.9")

    blocked = client.post(reverse("account_login"), {"login": "x@example.org", "password": "x"}, HTTP_X_REAL_IP="203.0.113.9")
    other = client.post(reverse("account_login"), {"login": "x@example.org", "password": "x"}, HTTP_X_REAL_IP="203.0.113.10")
    assert (blocked.status_code, other.status_code) == (429, 200)


def test_fewer_forwarded_addresses_than_proxies_is_no_server_error(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2

    assert login_from(client, "203.0.113.1").status_code == 200


def test_the_proxy_set_up_comes_from_the_environment():
    script = "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER)"
    base = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env={**base, "DEBUG": "1", "TRUSTED_PROXY_COUNT": "2", "TRUSTED_CLIENT_IP_HEADER": "CF-Connecting-IP"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().splitlines()[-1].split() == ["2", "CF-Connecting-IP"], result.stderr
