"""A page not translated yet: the English address shows the Dutch text with a note, never a 404."""

import pytest

from knowledge.models import NormPage  # noqa: F401  (norm pages fall back like any page)
from tests.knowledge.library import article, library_index
from tests.knowledge.norms import norm_index, norm_page, two_versions
from tests.portal import pages

pytestmark = pytest.mark.django_db

NOTE = "This page has not been translated yet"


def _switch_en(client, page) -> str:
    import re

    html = client.get(page.url).content.decode()
    nav = re.search(r'<nav class="lang-switch".*?</nav>', html, re.S).group(0)
    return re.search(r'<a href="([^"]*)" hreflang="en"', nav).group(1)


def test_an_untranslated_page_is_shown_in_dutch_with_a_note_at_its_english_address(client):
    pages.home("en")
    page = pages.standard_page(pages.home(), title="Alleen Nederlands", intro="Een Nederlandse inleiding.")

    response = client.get(f"/en{page.url}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Een Nederlandse inleiding." in html
    assert NOTE in html
    assert '<html lang="en">' in html
    assert 'name="robots" content="noindex, follow"' in html


@pytest.mark.parametrize("kind", ["news", "norm", "article"])
def test_every_page_type_falls_back_from_the_language_switch(client, kind):
    pages.home("en")
    if kind == "news":
        page = pages.news_item(pages.news_index(pages.home()), title="Alleen Nederlands nieuws")
    elif kind == "norm":
        _old, current = two_versions()
        page = norm_page(norm_index(), current)
    else:
        page = article(library_index(), title="Alleen Nederlands artikel")

    english_url = _switch_en(client, page)
    response = client.get(english_url)

    assert english_url.startswith("/en/")
    assert response.status_code == 200
    assert NOTE in response.content.decode()


def test_an_untranslated_members_only_page_stays_gated_in_the_fallback(client):
    pages.home("en")
    page = article(library_index(), members_only=True, body=[("paragraph", "<p>Alleen voor leden.</p>")])

    html = client.get(f"/en{page.url}").content.decode()

    assert "Alleen voor leden." not in html


def test_a_translated_page_shows_no_note_and_no_fallback(client):
    page = pages.standard_page(pages.home(), title="Over ons")
    english = pages.translate(page, "en", title="About us")

    html = client.get(english.url).content.decode()

    assert NOTE not in html


def test_an_address_that_matches_no_page_in_any_language_is_still_not_found(client):
    pages.home("en")

    assert client.get("/en/bestaat-niet/").status_code == 404
    assert client.get("/bestaat-niet/").status_code == 404


def test_the_fallback_is_not_offered_to_search_engines_as_a_translation(client):
    pages.home("en")
    page = pages.standard_page(pages.home(), title="Alleen Nederlands")

    html = client.get(page.url).content.decode()

    assert 'hreflang="en" href="http' not in html.split("</head>")[0]
