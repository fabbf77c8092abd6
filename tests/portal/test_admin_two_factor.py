"""Staff reach the Wagtail admin only with TOTP two-factor authentication, passed in
the same session (portal/security.py)."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from portal.security import ADMIN_NEXT_SESSION_KEY
from tests.factories import UserFactory, totp_authenticator, totp_code, verified_email

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the factories' password


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def access_admin():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


@pytest.fixture
def staff(db):
    """Secretariat: is_staff, and (as Wagtail requires) allowed into the admin."""
    user = verified_email(UserFactory(email="staff@example.org", is_staff=True))
    user.user_permissions.add(access_admin())
    return user


@pytest.fixture
def staff_flag_only(db):
    return verified_email(UserFactory(email="flag@example.org", is_staff=True))


@pytest.fixture
def editor(db):
    """No is_staff, but allowed into the Wagtail admin through a group."""
    group = Group.objects.create(name="Test editors")
    group.permissions.add(access_admin())
    user = verified_email(UserFactory(email="editor@example.org"))
    user.groups.add(group)
    return user


@pytest.fixture
def member(db):
    return verified_email(UserFactory(email="member@example.org"))


# --- without TOTP: sent to set it up -------------------------------------------------


def test_staff_without_totp_is_sent_from_the_admin_to_totp_setup(client, staff):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_is_staff_alone_without_totp_is_sent_to_totp_setup(client, staff_flag_only):
    client.force_login(staff_flag_only)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_admin_permission_without_totp_is_sent_to_totp_setup(client, editor):
    client.force_login(editor)

    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_every_admin_address_requires_totp(client, staff):
    client.force_login(staff)

    response = client.post("/admin/pages/add/", {})

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_staff_with_totp_reaches_the_admin(client, staff):
    totp_authenticator(staff)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 200


def test_member_without_admin_access_gets_no_admin(client, member):
    client.force_login(member)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_visitor_is_sent_to_the_site_login(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


# --- setting up TOTP -----------------------------------------------------------------


def activate_totp_through_the_pages(client, user):
    """Sign in, get sent from the admin to the set-up, confirm the password, enter a code.

    allauth announces a new authenticator once its transaction commits, inside the
    request; tests that rely on that announcement run with real transactions."""
    login(client, user.email)
    to_setup = client.get("/admin/pages/")
    assert to_setup.url == reverse("mfa_activate_totp")
    # allauth asks for the password again before changing two-factor settings.
    reauth = client.get(to_setup.url)
    assert reauth.status_code == 302 and reauth.url.startswith(reverse("account_reauthenticate"))
    back = client.post(reauth.url, {"password": PASSWORD})
    assert back.status_code == 302 and back.url == reverse("mfa_activate_totp")
    form_page = client.get(back.url)
    assert form_page.status_code == 200
    secret = form_page.context["form"].secret
    return client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_activating_totp_lets_staff_into_the_admin(client, staff):
    activate_totp_through_the_pages(client, staff)

    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_activating_totp_generates_recovery_codes_and_shows_them(client, staff):
    response = activate_totp_through_the_pages(client, staff)

    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    page = client.get(response.url)
    assert page.status_code == 200
    assert len(page.context["unused_codes"]) == 10


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recovery_codes_page_leads_back_to_the_admin_page_asked_for(client, staff):
    response = activate_totp_through_the_pages(client, staff)

    page = client.get(response.url).content.decode()

    assert 'href="/admin/pages/"' in page
    client.get("/admin/pages/")
    assert ADMIN_NEXT_SESSION_KEY not in client.session


def test_a_wrong_code_does_not_activate_totp(client, staff):
    login(client, staff.email)
    reauth = client.get(reverse("mfa_activate_totp"))
    client.post(reauth.url, {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Authenticator.objects.filter(user=staff).exists()


def test_totp_setup_page_renders_inside_the_site_layout(client, staff):
    login(client, staff.email)
    reauth = client.get(reverse("mfa_activate_totp"))
    client.post(reauth.url, {"password": PASSWORD})

    html = client.get(reverse("mfa_activate_totp")).content.decode()

    assert '<header class="site-header">' in html
    assert 'class="qr-code"' in html
    assert '<label for="id_code">' in html


# --- signing in with TOTP --------------------------------------------------------------


def test_password_alone_does_not_sign_in_a_user_with_totp(client, staff):
    totp_authenticator(staff)

    response = login(client, staff.email)

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_authenticate_page_renders_inside_the_site_layout(client, staff):
    totp_authenticator(staff)
    login(client, staff.email)

    html = client.get(reverse("mfa_authenticate")).content.decode()

    assert '<header class="site-header">' in html
    assert '<label for="id_code">' in html


def test_a_wrong_code_is_refused(client, staff):
    totp_authenticator(staff)
    login(client, staff.email)

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_logged_in(client)


def test_a_valid_code_signs_in_and_opens_the_admin(client, staff):
    secret = totp_authenticator(staff)
    login(client, staff.email)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert response.status_code == 302
    assert is_logged_in(client)
    assert client.get("/admin/").status_code == 200


def test_the_code_of_the_window_just_passed_still_signs_in(client, staff):
    """Someone who types the code as their app turns to the next one is not refused."""
    secret = totp_authenticator(staff)
    login(client, staff.email)

    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, windows_ago=1)})

    assert is_logged_in(client)


def test_a_code_that_signed_in_once_is_refused_the_second_time(client, staff):
    secret = totp_authenticator(staff)
    code = totp_code(secret)
    login(client, staff.email)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert is_logged_in(client)

    other = Client()
    login(other, staff.email)
    response = other.post(reverse("mfa_authenticate"), {"code": code})

    assert response.context["form"].errors
    assert not is_logged_in(other)


def test_an_older_code_is_refused(client, staff):
    secret = totp_authenticator(staff)
    login(client, staff.email)

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, windows_ago=2)})

    assert response.context["form"].errors
    assert not is_logged_in(client)


def test_a_recovery_code_signs_in_instead_of_the_app(client, staff):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    totp_authenticator(staff)
    code = RecoveryCodes.activate(staff).generate_codes()[0]
    login(client, staff.email)

    client.post(reverse("mfa_authenticate"), {"code": code})

    assert is_logged_in(client)


# --- no way around it ------------------------------------------------------------------


def test_wagtail_login_form_cannot_be_used_to_skip_the_code(client, staff):
    totp_authenticator(staff)

    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})

    assert response.status_code in (301, 302)
    assert response.url.startswith(reverse("account_login"))
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_wagtail_login_sends_to_the_site_login_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.url == f"{reverse('account_login')}?next=/admin/pages/"


# --- the session must have passed the code ---------------------------------------------


def to_code(next_path="/admin/"):
    return f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_path})}"


def test_a_session_signed_in_with_the_password_alone_is_asked_for_a_code(client, staff):
    totp_authenticator(staff)
    client.force_login(staff, second_factor=False)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response.url == to_code("/admin/")


def test_a_session_made_without_allauth_is_asked_for_a_code(client, staff):
    """A session with no record of how it signed in (e.g. another login form)."""
    totp_authenticator(staff)
    Client.force_login(client, staff)

    response = client.get("/admin/pages/?q=x")

    assert response.status_code == 302
    assert response.url == to_code("/admin/pages/?q=x")


def test_no_admin_address_opens_without_the_code(client, staff):
    totp_authenticator(staff)
    client.force_login(staff, second_factor=False)

    response = client.post("/admin/pages/add/", {})

    assert response.status_code == 302
    assert response.url == to_code("/admin/")


def test_a_code_recorded_for_someone_else_does_not_count(client, staff, editor):
    """allauth ties the records to the user: another user's code opens nothing."""
    totp_authenticator(staff)
    totp_authenticator(editor)
    client.force_login(editor)
    session = client.session
    session[SESSION_KEY] = str(staff.pk)  # the session now belongs to staff, with editor's records
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.save()

    assert client.get("/admin/").status_code == 302


def test_giving_the_code_opens_the_admin_page_asked_for(client, staff):
    secret = totp_authenticator(staff)
    client.force_login(staff, second_factor=False)
    asked_for = client.get("/admin/pages/").url

    response = client.post(asked_for, {"code": totp_code(secret)})

    assert response.status_code == 302
    assert response.url == "/admin/pages/"
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_keeps_the_admin_closed(client, staff):
    totp_authenticator(staff)
    client.force_login(staff, second_factor=False)

    response = client.post(to_code(), {"code": "000000"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/admin/").status_code == 302


def test_confirming_the_password_again_does_not_open_the_admin(client, staff):
    totp_authenticator(staff)
    client.force_login(staff, second_factor=False)

    client.post(f"{reverse('account_reauthenticate')}?next=/admin/", {"password": PASSWORD})

    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url == to_code("/admin/")


def test_the_code_page_renders_inside_the_site_layout_and_says_why(client, staff):
    totp_authenticator(staff)
    client.force_login(staff, second_factor=False)

    html = client.get("/admin/", follow=True).content.decode()

    assert '<header class="site-header">' in html
    assert '<label for="id_code">' in html
    assert "authenticator app" in html or "authenticator-app" in html


def test_signing_in_with_password_and_code_keeps_the_admin_open(client, staff):
    secret = totp_authenticator(staff)
    login(client, staff.email)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})

    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/account/").status_code == 200
