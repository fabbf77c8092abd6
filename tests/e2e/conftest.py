"""End-to-end tests: Debian's Chromium, driven by Playwright's Python package.

The browser is /usr/bin/chromium from Debian (`make browser` installs it);
Playwright never downloads one. The portal runs in pytest-django's live server,
a thread of this process, so mail sent by the portal lands in the locmem outbox
(`mailoutbox`). Screenshots of every step go to test-results/<test name>/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine has no network: keep Chromium from calling home at all.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
RESULTS_DIR = Path(settings.BASE_DIR) / "test-results"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="nl-NL", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """screenshot("step-name") saves test-results/<test>/<nn>-step-name.png (full page)."""
    directory = RESULTS_DIR / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    taken = []

    def take(step: str) -> Path:
        path = directory / f"{len(taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    return take


@pytest.fixture
def english_home(db):
    """The home page translated into English, as an editor would with simple_translation."""
    from wagtail.models import Locale, Site

    dutch_home = Site.objects.get(is_default_site=True).root_page.specific
    english_home = dutch_home.copy_for_translation(Locale.objects.get(language_code="en"))
    english_home.title = "RQIM Association"
    english_home.save_revision().publish()
    return english_home
