"""The portal on a phone (390 px wide): no page is wider than the screen, the header folds its
links behind a menu button (with and without script), and a newcomer joins from the home page
to the bank-transfer step. Screenshots at 1280 and 390 px go to test-results/."""

import io
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "rqim-demo-2025"

PUBLIC = {
    "nl": ["/", "/over-de-vereniging/", "/keurmerk/", "/nieuws/", "/contact/", "/contributie/", "/statuten/",
           "/privacyverklaring/", "/lidmaatschap/aanmelden/", "/search/?q=keurmerk", "/accounts/login/",
           "/accounts/signup/", "/accounts/password/reset/", "/deze-pagina-bestaat-niet/"],
    "en": ["/en/", "/en/about/", "/en/quality-mark/", "/en/news/", "/en/contact/", "/en/membership-fees/",
           "/en/statutes/", "/en/privacy-statement/", "/en/membership/join/", "/en/search/?q=quality",
           "/en/accounts/login/", "/en/accounts/signup/"],
}  # fmt: skip
SIGNED_IN = {
    "member@rqim.example": ["/lidmaatschap/", "/en/membership/", "/lidmaatschap/opzeggen/", "/accounts/email/",
                            "/accounts/password/change/"],
    "applicant@rqim.example": ["/lidmaatschap/", "/lidmaatschap/aanmelden/", "/en/membership/join/",
                               "/lidmaatschap/betalen/", "/en/membership/pay/"],
}  # fmt: skip


@pytest.fixture
def demo_site(live_server):
    from members.demo import seed_members
    from portal.demo import seed_site, seed_users

    out = io.StringIO()
    seed_site(out)
    seed_users(out)
    seed_members(out)


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def log_in(page, email):
    page.goto("/accounts/login/")
    form = page.locator("main form").filter(has=page.locator('input[name="password"]'))
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(PASSWORD)
    form.locator('[type="submit"]').click()
    page.wait_for_load_state()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_no_public_page_is_wider_than_a_phone(phone, demo_site):
    too_wide = {}
    for path in PUBLIC["nl"] + PUBLIC["en"]:
        phone.goto(path)
        if page_width(phone) > PHONE["width"]:
            too_wide[path] = page_width(phone)
    assert too_wide == {}


@pytest.mark.parametrize("email", list(SIGNED_IN))
def test_no_member_page_is_wider_than_a_phone(phone, demo_site, email):
    log_in(phone, email)
    too_wide = {}
    for path in SIGNED_IN[email]:
        response = phone.goto(path)
        assert response.status == 200, path
        if page_width(phone) > PHONE["width"]:
            too_wide[path] = page_width(phone)
    assert too_wide == {}


def test_payments_become_cards_on_a_phone(phone, demo_site):
    log_in(phone, "member@rqim.example")
    phone.goto("/lidmaatschap/")
    table = phone.locator("table.data-table")
    expect(table).to_be_visible()
    assert table.evaluate("t => t.getBoundingClientRect().right") <= PHONE["width"]
    assert table.locator("td").first.evaluate("td => getComputedStyle(td, '::before').content") != "none"


def test_menu_button_opens_and_closes_the_header_links(phone, demo_site):
    phone.goto("/")
    button = phone.locator("header button.menu-toggle")
    join = phone.locator("header").get_by_role("link", name="Lid worden")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(join).to_be_hidden()
    header_height = phone.locator("header").evaluate("h => h.getBoundingClientRect().height")
    assert header_height < PHONE["height"] / 8  # the folded header: brand and button only

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(join).to_be_visible()
    expect(phone.locator("header").get_by_role("link", name="Inloggen")).to_be_visible()

    phone.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(join).to_be_hidden()
    expect(button).to_be_focused()


def test_menu_works_without_script(browser, live_server, demo_site):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    summary = page.locator("header details.site-menu > summary")
    join = page.locator("header").get_by_role("link", name="Lid worden")
    expect(join).to_be_hidden()
    summary.click()
    expect(join).to_be_visible()
    join.click()
    expect(page).to_have_url(re.compile(r"/lidmaatschap/aanmelden/$"))
    context.close()


def test_wide_screens_show_the_links_without_a_menu_button(page, demo_site):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(page.locator("header .menu-toggle")).to_be_hidden()
    expect(page.locator("header").get_by_role("link", name="Lid worden")).to_be_visible()
    expect(page.locator("header").get_by_role("search")).to_be_visible()


WORDS = {
    "nl": {"home": "/", "join": "/lidmaatschap/aanmelden/", "pay": "/lidmaatschap/betalen/", "login": "/accounts/login/",
           "become": "Lid worden", "how": "Zo word je lid", "create": "Account aanmaken",
           "statutes": r"Lees de statuten \(versie"},
    "en": {"home": "/en/", "join": "/en/membership/join/", "pay": "/en/membership/pay/", "login": "/en/accounts/login/",
           "become": "Become a member", "how": "How to join", "create": "Create an account",
           "statutes": r"Read the statutes \(version"},
}  # fmt: skip


@pytest.mark.parametrize("language", ["nl", "en"])
def test_newcomer_joins_on_a_phone_from_the_home_page_to_the_bank_transfer(
    phone, demo_site, mailoutbox, screenshot, language
):
    words, email, password = WORDS[language], f"new.{language}@example.org", "Interim-manager-2026!"
    phone.goto(words["home"])
    phone.locator("header .menu-toggle").click()
    phone.locator("header").get_by_role("link", name=words["become"]).click()
    expect(phone).to_have_url(re.compile(re.escape(words["join"]) + "$"))
    expect(phone.get_by_role("heading", name=words["how"])).to_be_visible()
    screenshot(f"phone-{language}-join-steps")

    phone.locator("main").get_by_role("link", name=words["create"]).click()
    signup = phone.locator("main form").filter(has=phone.locator('input[name="password1"]'))
    signup.locator('input[name="email"]').fill(email)
    signup.locator('input[name="password1"]').fill(password)
    signup.locator('input[name="password2"]').fill(password)
    signup.locator('[type="submit"]').click()
    expect(phone).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    [message] = [m for m in mailoutbox if m.to == [email]]
    phone.goto(re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0))
    phone.locator('main form[method="post"] [type="submit"]').click()
    # Confirming in the browser that signed up signs in and leads straight back to the join form.
    expect(phone).to_have_url(re.compile(re.escape(words["join"]) + "$"))

    form = phone.locator("form.join-form")
    form.locator('input[name="plan"]').first.check()
    for name, value in {
        "first_name": "Mila", "last_name": "Jansen", "phone": "+31 6 12345678", "street": "Keizersgracht 1",
        "postal_code": "1015 AA", "city": "Amsterdam", "kvk_number": "12345678", "sectors": "healthcare",
        "expertise": "Turnarounds.", "years_interim": "4",
    }.items():  # fmt: skip
        form.locator(f'[name="{name}"]').fill(value)
    expect(form.get_by_role("link", name=re.compile(words["statutes"]))).to_be_visible()
    form.locator('input[name="accept_statutes"]').check()
    form.locator('input[name="accept_privacy"]').check()
    assert page_width(phone) <= PHONE["width"]
    form.locator('[type="submit"]').click()
    expect(phone).to_have_url(re.compile(re.escape(words["pay"]) + "$"))
    expect(phone.locator("main")).to_contain_text("NL91ABNA0417164300")
    assert page_width(phone) <= PHONE["width"]
    screenshot(f"phone-{language}-bank-transfer")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_screenshots_of_the_main_pages_at_both_widths(page, demo_site, screenshot, language):
    """For people to look at: home, join, fees and the dashboard, at 1280 and 390 px."""
    prefix = "" if language == "nl" else "/en"
    paths = {
        "home": f"{prefix}/",
        "join": "/lidmaatschap/aanmelden/" if language == "nl" else "/en/membership/join/",
        "fees": "/contributie/" if language == "nl" else "/en/membership-fees/",
    }
    for width in (DESKTOP, PHONE):
        page.set_viewport_size(width)
        for name, path in paths.items():
            page.goto(path)
            screenshot(f"{language}-{width['width']}-{name}")
    log_in(page, "member@rqim.example")
    for width in (DESKTOP, PHONE):
        page.set_viewport_size(width)
        page.goto("/lidmaatschap/" if language == "nl" else "/en/membership/")
        screenshot(f"{language}-{width['width']}-dashboard")
        assert page_width(page) <= width["width"]
