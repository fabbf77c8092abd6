"""Site search over published pages, in the reader's language.

Runs on SQLite and on PostgreSQL (full-text search); pages are indexed when they are
saved and published, as in production, so no test rebuilds the index by hand.
"""

import re

import pytest

from portal.views import SEARCH_RESULTS_PER_PAGE
from tests.portal import pages

pytestmark = pytest.mark.django_db


def _result_titles(html):
    listing = re.search(r'<ol class="search-results">(.*?)</ol>', html, re.S)
    return re.findall(r"<li><a [^>]+>([^<]+)</a>", listing.group(1)) if listing else []


def test_search_finds_a_page_by_a_word_in_its_body(client):
    pages.standard_page(pages.home(), title="Over ons", body=[("paragraph", "<p>Wij toetsen de beroepscode.</p>")])
    pages.standard_page(pages.home(), title="Contact")

    html = client.get("/search/", {"q": "beroepscode"}).content.decode()

    assert _result_titles(html) == ["Over ons"]


def test_search_finds_a_news_item_by_its_lead_and_shows_the_lead(client):
    index = pages.news_index(pages.home())
    pages.news_item(index, title="Ledenvergadering", lead="De jaarvergadering stemt over de contributie.")

    html = client.get("/search/", {"q": "jaarvergadering"}).content.decode()

    assert _result_titles(html) == ["Ledenvergadering"]
    assert "De jaarvergadering stemt over de contributie." in html


def test_search_leaves_out_unpublished_pages(client):
    pages.standard_page(pages.home(), title="Geheim concept", intro="Zeppelinwerf", publish_it=False)

    html = client.get("/search/", {"q": "zeppelinwerf"}).content.decode()

    assert _result_titles(html) == []
    assert "Zeppelinwerf" not in html.replace('value="zeppelinwerf"', "")


def test_search_finds_the_new_text_once_a_change_is_published(client):
    page = pages.standard_page(pages.home(), title="Tarieven", intro="Oude tekst")
    page.intro = "Contributie voor tweeduizendzesentwintig"
    pages.publish(page)

    assert _result_titles(client.get("/search/", {"q": "tweeduizendzesentwintig"}).content.decode()) == ["Tarieven"]


def test_search_answers_in_the_readers_language_only(client):
    dutch = pages.standard_page(pages.home(), title="Keurmerk", intro="Registered and Qualified Interim Manager")
    pages.translate(dutch, "en", title="Quality mark")

    english = client.get("/en/search/", {"q": "registered"}).content.decode()
    dutch_results = client.get("/search/", {"q": "registered"}).content.decode()

    assert _result_titles(english) == ["Quality mark"]
    assert _result_titles(dutch_results) == ["Keurmerk"]


def test_search_results_are_paginated_and_keep_the_query(client):
    for n in range(SEARCH_RESULTS_PER_PAGE + 1):
        pages.standard_page(pages.home(), title=f"Kennissessie {n}", intro="Over intervisie")

    first = client.get("/search/", {"q": "intervisie"}).content.decode()
    second = client.get("/search/", {"q": "intervisie", "page": 2}).content.decode()

    assert len(_result_titles(first)) == SEARCH_RESULTS_PER_PAGE
    assert len(_result_titles(second)) == 1
    assert 'href="?q=intervisie&amp;page=2" rel="next"' in first


def test_search_without_a_query_shows_only_the_form(client):
    response = client.get("/search/")

    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert _result_titles(response.content.decode()) == []


@pytest.mark.parametrize("query", ["a & b | !(", "'; DROP TABLE x; --", "\"unclosed", "* ? :", "x" * 500])
def test_search_survives_odd_input(client, query):
    pages.standard_page(pages.home(), title="Iets")

    assert client.get("/search/", {"q": query}).status_code == 200


def test_search_never_returns_the_tree_root(client):
    assert _result_titles(client.get("/search/", {"q": "Root"}).content.decode()) == []
