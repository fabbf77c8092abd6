"""The home page, the member home ("Mijn omgeving") and the staff dashboard in the browser, in
Dutch, at phone and desktop width: screenshots of each (test-results/<test>/) and no WCAG
2.2 A/AA violation that axe can find on the public and member pages."""

import io

import pytest

from tests.e2e.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture
def demo(live_server):
    """The demo site with its members, certificates, PE, events and pictures."""
    from django.conf import settings

    from events.demo import seed_events
    from knowledge.demo import seed_norms
    from knowledge.demo_pe import seed_pe
    from members.demo import seed_members
    from members.demo_certification import seed_certification
    from members.demo_dashboard import seed_membership_history
    from members.demo_register import seed_register
    from portal.demo import seed_site, seed_users
    from portal.demo_images import seed_images

    out = io.StringIO()
    for seed in (seed_site, seed_users, seed_members, seed_membership_history, seed_certification, seed_norms, seed_pe,
                 seed_events, seed_register, seed_images):
        seed(out)
    assert settings.LANGUAGE_CODE == "nl"


def _show_all(page) -> None:
    """Scroll to the end and back, so that lazy images load before the screenshot."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


def _login(page, email: str, password: str = "rqim-demo-2025") -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form[action$='/accounts/login/'] [type=submit]").click()


def test_home_page_in_dutch_at_phone_and_desktop_width(page, demo, screenshot):
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 844 if name == "phone" else 900})
        page.goto("/")
        # Above the fold for a client: the register search and the certificate check.
        for selector in ("#home-register-q", "#home-verify-number"):
            box = page.locator(selector).bounding_box()
            assert box is not None and box["y"] + box["height"] <= (844 if name == "phone" else 900) * 1.25, selector
        assert "gecertificeerde interim-managers in het register" in page.locator(".client-tool__count").inner_text()
        _show_all(page)
        screenshot(f"home-{name}")
        assert violations(page) == []


def test_home_page_search_box_leads_into_the_register(page, demo):
    page.goto("/")
    page.fill("#home-register-q", "zorg")
    page.locator("#home-register-q").press("Enter")
    page.wait_for_url("**/register/?q=zorg")


def test_member_home_in_dutch_at_phone_and_desktop_width(page, demo, screenshot):
    _login(page, "member@rqim.example")
    page.wait_for_url("**/mijn-omgeving/")
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/mijn-omgeving/")
        assert page.locator("h1").inner_text() == "Mijn omgeving"
        for heading in ("Lidmaatschap", "RQIM-certificaat", "Permanente educatie", "Evenementen en kennissessies"):
            assert page.get_by_role("heading", name=heading).count() == 1, heading
        screenshot(f"member-home-{name}")
        assert violations(page) == []


def test_staff_dashboard_at_phone_and_desktop_width(page, demo, screenshot):
    from members.models import User
    from tests.factories import totp_authenticator, totp_code

    secret = totp_authenticator(User.objects.get(email="secretariat@rqim.example"))
    _login(page, "secretariat@rqim.example")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.fill("input[name=code]", totp_code(secret))
    page.locator("input[name=code]").press("Enter")
    page.wait_for_url("**/mijn-omgeving/")
    for name, width in WIDTHS.items():
        # The admin scrolls inside its own frame: a tall window shows every panel.
        page.set_viewport_size({"width": width, "height": 5200 if name == "desktop" else 9000})
        page.goto("/admin/")
        for section in ("members", "certification", "pe", "events", "audit"):
            assert page.locator(f"#dashboard-{section}-section").count() == 1, section
        assert page.locator("svg.chart").count() >= 4
        screenshot(f"dashboard-{name}")


def test_my_data_in_dutch_and_english_at_phone_and_desktop_width(page, demo, screenshot):
    _login(page, "member@rqim.example")
    page.wait_for_url("**/mijn-omgeving/")
    pages = (
        ("nl", "/mijn-gegevens/", "Mijn gegevens", ("Wat wordt verwijderd", "Wat we bewaren, zonder je naam")),
        ("en", "/en/my-data/", "My data", ("What is deleted", "What we keep, without your name")),
    )
    for language, path, heading, erasure_headings in pages:
        for name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            assert page.locator("h1").inner_text() == heading
            # Erasure says apart what goes and what stays.
            for text in erasure_headings:
                assert page.get_by_role("heading", name=text).count() == 1, text
            assert page.locator("html").get_attribute("lang") == language
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{language} {name}"
            screenshot(f"my-data-{language}-{name}")
            assert violations(page) == []
