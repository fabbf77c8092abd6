"""A newcomer's first visit, in a real browser: Dutch home page, switch to English,
sign up, confirm the address from the e-mail, log in and log out."""

import re

import pytest
from playwright.sync_api import expect

EMAIL = "new.member@example.org"
PASSWORD = "Interim-manager-2026!"

CONFIRMATION_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def submit_button(form):
    return form.locator('button[type="submit"], input[type="submit"]').first


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_visitor_signs_up_confirms_by_email_logs_in_and_out(page, mailoutbox, screenshot, english_home):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    screenshot("home-dutch")

    page.locator('a[hreflang="en"]').first.click()
    expect(page).to_have_url(re.compile(r"/en/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot("home-english")

    page.get_by_role("link", name="Sign up", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/en/accounts/signup/$"))
    signup = page.locator("form").filter(has=page.locator('input[name="password1"]'))
    signup.locator('input[name="email"]').fill(EMAIL)
    signup.locator('input[name="password1"]').fill(PASSWORD)
    signup.locator('input[name="password2"]').fill(PASSWORD)
    screenshot("signup-filled")
    submit_button(signup).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    screenshot("check-your-email")

    [message] = mailoutbox
    assert message.to == [EMAIL]
    link = CONFIRMATION_LINK.search(message.body).group(0)
    page.goto(link)
    screenshot("confirm-address")
    submit_button(page.locator('main form[method="post"]')).click()
    # Confirming in the browser that signed up signs in at once.
    signed_in = page.locator('header form[action*="/accounts/logout/"]')
    expect(signed_in).to_be_visible()
    screenshot("confirmed-signed-in")
    submit_button(signed_in).click()
    login_link = page.locator('header a[href*="/accounts/login/"]')
    expect(login_link).to_be_visible()
    page.goto(login_link.get_attribute("href"))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    login = page.locator("form").filter(has=page.locator('input[name="password"]'))
    login.locator('input[name="login"]').fill(EMAIL)
    login.locator('input[name="password"]').fill(PASSWORD)
    submit_button(login).click()
    logout_form = page.locator('header form[action*="/accounts/logout/"]')
    expect(logout_form).to_be_visible()
    expect(page.locator("header")).to_contain_text(EMAIL)
    screenshot("logged-in")

    submit_button(logout_form).click()
    expect(page.locator('header a[href*="/accounts/login/"]')).to_be_visible()
    expect(page.locator("header")).not_to_contain_text(EMAIL)
    screenshot("logged-out")
