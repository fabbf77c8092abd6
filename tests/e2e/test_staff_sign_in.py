"""A staff member signs in the one way there is: allauth's form, then the code.

Wagtail's own login forms lead to it, and a session that has only the password
(as Wagtail's front-end login used to give) is asked for the code before the admin
opens. Screenshots of each step go to test-results/<test name>/.
"""


import pytest
from django.test import Client

from tests.factories import UserFactory, record_sign_in, totp_authenticator, totp_code, verified_email

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "correct horse battery"  # the factories' password


@pytest.fixture
def staff(live_server):
    user = verified_email(UserFactory(email="staff@example.org", is_staff=True, is_superuser=True))
    return user, totp_authenticator(user)


def test_wagtails_login_leads_to_the_sites_login_and_the_code(page, staff, screenshot):
    user, secret = staff

    page.goto("/_util/login/?next=/admin/")
    assert page.url.endswith("/accounts/login/?next=/admin/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    screenshot("login")
    page.locator("form[action*='/accounts/login/'] [type=submit]").click()

    assert "/accounts/2fa/authenticate/" in page.url
    page.fill("input[name=code]", totp_code(secret))
    screenshot("code")
    page.locator("main form [type=submit]").first.click()

    page.wait_for_url("**/admin/")
    screenshot("admin")


def test_a_session_with_only_the_password_is_asked_for_the_code(page, live_server, staff, screenshot):
    user, secret = staff
    client = Client()
    client.force_login(user)
    record_sign_in(client.session, user, second_factor=False)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])

    page.goto("/admin/")

    assert "/accounts/2fa/reauthenticate/" in page.url
    screenshot("asked-for-the-code")
    page.fill("input[name=code]", totp_code(secret))
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url("**/admin/")
    screenshot("admin")
