"""Site search over published pages, in the reader's language.

Runs on SQLite (FTS5) and on PostgreSQL (full-text search): run the module with
DATABASE_URL=postgres://... too. Pages are indexed when they are saved and
published, as in production, so no test rebuilds the index by hand.
"""

import re

import pytest

from portal.models import StandardPage
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


# --- the start of a word is enough (SQLite and PostgreSQL) -----------------------------------


def test_the_start_of_a_word_finds_the_whole_word(client):
    pages.standard_page(pages.home(), title="Beroepsnormen", intro="De normen voor interim-managers.")
    pages.standard_page(pages.home(), title="Contact", intro="Bel ons.")

    html = client.get("/search/", {"q": "norm"}).content.decode()

    assert _result_titles(html) == ["Beroepsnormen"]


def test_the_start_of_a_word_in_the_body_is_enough(client):
    pages.standard_page(
        pages.home(), title="Over ons", body=[("paragraph", "<p>Wij toetsen aan de beroepscode.</p>")]
    )

    html = client.get("/search/", {"q": "beroeps"}).content.decode()

    assert _result_titles(html) == ["Over ons"]


def test_every_word_is_a_start_and_all_are_needed(client):
    pages.standard_page(pages.home(), title="Kwaliteit", intro="Kwaliteitseisen en normen")
    pages.standard_page(pages.home(), title="Alleen normen", intro="Over normen")

    html = client.get("/search/", {"q": "kwal norm"}).content.decode()

    assert _result_titles(html) == ["Kwaliteit"]


def test_capitals_do_not_matter(client):
    pages.standard_page(pages.home(), title="Intervisie", intro="Over intervisie")

    assert _result_titles(client.get("/search/", {"q": "INTERV"}).content.decode()) == ["Intervisie"]


def test_the_start_of_a_word_finds_a_news_item_by_its_lead(client):
    index = pages.news_index(pages.home())
    pages.news_item(index, title="Ledenvergadering", lead="De jaarvergadering stemt over de contributie.")

    assert _result_titles(client.get("/search/", {"q": "jaarverg"}).content.decode()) == ["Ledenvergadering"]


# --- members-only text stays out of the public search -----------------------------------------


def test_a_word_only_in_a_members_only_body_finds_nothing(client):
    pages.standard_page(
        pages.home(),
        title="Ledenvoordeel",
        intro="Alleen voor leden.",
        body=[("paragraph", "<p>De kortingscode is zonnebloem.</p>")],
        members_only=True,
    )

    html = client.get("/search/", {"q": "zonnebloem"}).content.decode()

    assert _result_titles(html) == []
    assert "kortingscode" not in html


def test_a_members_only_news_body_finds_nothing(client):
    index = pages.news_index(pages.home())
    pages.news_item(
        index, title="Ledennieuws", lead="Voor leden.", body=[("paragraph", "<p>Geheimwoord</p>")], members_only=True
    )

    assert _result_titles(client.get("/search/", {"q": "geheimwoord"}).content.decode()) == []


def test_a_members_only_page_is_found_by_its_title_and_introduction(client):
    pages.standard_page(
        pages.home(),
        title="Ledenvoordeel",
        intro="Kortingen voor leden.",
        body=[("paragraph", "<p>De kortingscode is zonnebloem.</p>")],
        members_only=True,
    )

    by_title = client.get("/search/", {"q": "ledenvoordeel"}).content.decode()
    by_intro = client.get("/search/", {"q": "kortingen"}).content.decode()

    assert _result_titles(by_title) == _result_titles(by_intro) == ["Ledenvoordeel"]
    assert "Kortingen voor leden." in by_title
    assert "zonnebloem" not in by_title


def test_a_page_opened_to_everyone_is_found_by_its_body_once_published(client):
    page = pages.standard_page(
        pages.home(), title="Ledenvoordeel", body=[("paragraph", "<p>De kortingscode is zonnebloem.</p>")], members_only=True
    )
    page.members_only = False
    pages.publish(page)

    assert _result_titles(client.get("/search/", {"q": "zonnebloem"}).content.decode()) == ["Ledenvoordeel"]


# --- cost --------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [3, 12])
def test_search_costs_the_same_queries_for_few_and_many_results(client, django_assert_max_num_queries, count):
    for n in range(count):
        pages.add(pages.home(), StandardPage(title=f"Normen {n}", intro="Over normen"), revision=False)

    # On a cold cache: the site, menus, settings and the library's topics are read once.
    with django_assert_max_num_queries(17):
        response = client.get("/search/", {"q": "norm"})

    assert len(_result_titles(response.content.decode())) == min(count, SEARCH_RESULTS_PER_PAGE)


@pytest.mark.postgres
def test_postgres_finds_the_start_of_a_word_and_keeps_members_only_text_out(client):
    """The same rules on PostgreSQL's full-text index (the suite runs there with DATABASE_URL)."""
    from django.db import connection

    pages.standard_page(pages.home(), title="Beroepsnormen", intro="Normen")
    pages.standard_page(
        pages.home(), title="Ledenvoordeel", body=[("paragraph", "<p>zonnebloem</p>")], members_only=True
    )

    assert connection.vendor == "postgresql"
    assert _result_titles(client.get("/search/", {"q": "beroepsn"}).content.decode()) == ["Beroepsnormen"]
    assert _result_titles(client.get("/search/", {"q": "zonneb"}).content.decode()) == []


# --- narrowing by type and topic; members-only content ----------------------------------


def test_search_narrows_to_one_type(client):
    from tests.knowledge.library import article, library_index

    index = pages.news_index(pages.home())
    pages.news_item(index, title="Nieuws over integriteit", lead="Integriteit telt.")
    article(library_index(), title="Artikel over integriteit", intro="Integriteit in de praktijk.")

    everything = _result_titles(client.get("/search/", {"q": "integriteit"}).content.decode())
    library = _result_titles(client.get("/search/", {"q": "integriteit", "type": "library"}).content.decode())
    news = _result_titles(client.get("/search/", {"q": "integriteit", "type": "news"}).content.decode())

    assert sorted(everything) == ["Artikel over integriteit", "Nieuws over integriteit"]
    assert library == ["Artikel over integriteit"]
    assert news == ["Nieuws over integriteit"]


def test_search_finds_norm_pages_by_type(client):
    from tests.knowledge.norms import norm_index, norm_page, two_versions

    _old, current = two_versions()
    norm_page(norm_index(), current, title="RQIM-norm tweeduizendzesentwintig")

    assert _result_titles(client.get("/search/", {"q": "tweeduizendzesentwintig", "type": "norms"}).content.decode()) == [
        "RQIM-norm tweeduizendzesentwintig"
    ]
    assert _result_titles(client.get("/search/", {"q": "tweeduizendzesentwintig", "type": "news"}).content.decode()) == []


def test_search_narrows_to_a_topic(client):
    from tests.knowledge.library import article, library_index, topic

    index = library_index()
    article(index, title="Leiderschap en integriteit", intro="Over integriteit.", topics=[topic("leiderschap")])
    article(index, title="Zorg en integriteit", intro="Ook integriteit.", topics=[topic("zorg")])

    titles = _result_titles(client.get("/search/", {"q": "integriteit", "topic": "leiderschap"}).content.decode())

    assert titles == ["Leiderschap en integriteit"]


def test_a_members_only_article_body_is_found_by_members_only(client):
    from tests.knowledge.library import article, library_index
    from tests.members.factories import MembershipFactory

    article(library_index(), title="Ledenartikel", intro="Voor leden.", members_only=True,
            body=[("paragraph", "<p>Het woord kwartiermaker staat alleen hier.</p>")])

    assert _result_titles(client.get("/search/", {"q": "kwartiermaker"}).content.decode()) == []
    client.force_login(MembershipFactory(active=True).user)
    assert _result_titles(client.get("/search/", {"q": "kwartiermaker"}).content.decode()) == ["Ledenartikel"]
