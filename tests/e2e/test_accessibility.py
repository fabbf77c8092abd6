"""WCAG 2.2 AA basics, checked by axe-core in Chromium on the pages people use most.

axe-core finds what a machine can find (names, labels, contrast, landmarks, lang,
ARIA); it is no substitute for a person with a screen reader, but it catches
regressions in what it covers.
"""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PUBLIC_PAGES = [
    "/",
    "/en/",
    "/nieuws/",
    "/keurmerk/",
    "/en/quality-mark/",
    "/search/?q=keurmerk",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/deze-pagina-bestaat-niet/",
    "/lidmaatschap/aanmelden/",
    "/en/membership/join/",
    "/contributie/",
    "/statuten/",
]
MEMBER_PAGES = ["/lidmaatschap/", "/lidmaatschap/aanmelden/", "/lidmaatschap/betalen/", "/lidmaatschap/opzeggen/"]


@pytest.fixture
def demo_site(live_server):
    from members.demo import seed_members
    from portal.demo import seed_site, seed_users

    out = io.StringIO()
    seed_site(out)
    seed_users(out)
    seed_members(out)


def violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
    ]


def test_open_phone_menu_has_no_wcag_violations(page, demo_site):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    page.locator("header .menu-toggle").click()
    assert violations(page) == []


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_wcag_violations(page, demo_site, path):
    page.goto(path)
    assert violations(page) == []


def test_member_pages_have_no_wcag_violations(page, demo_site):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "member@rqim.example")
    page.fill("input[name=password]", "rqim-demo-2025")
    page.locator("form[action$='/accounts/login/'] [type=submit]").click()
    page.wait_for_url("**/")
    found = {}
    for path in MEMBER_PAGES:
        page.goto(path)
        found[path] = violations(page)
    assert found == {path: [] for path in MEMBER_PAGES}
