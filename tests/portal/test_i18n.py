"""Dutch first, English at /en/: the language switch, dates in Amsterdam, euros the Dutch way."""

import datetime
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from portal.models import NewsPage
from portal.money import format_euro
from tests.portal import pages

pytestmark = pytest.mark.django_db


def _switch(html):
    """The language switch's links as {language: address}."""
    nav = re.search(r'<nav class="lang-switch".*?</nav>', html, re.S).group(0)
    return dict((code, url) for url, code in re.findall(r'<a href="([^"]*)" hreflang="([a-z]+)"', nav))


def test_switch_on_a_dutch_page_goes_to_its_english_translation(client):
    index = pages.news_index(pages.home())
    item = pages.news_item(index, title="Nieuwe norm")
    pages.translate(index, "en", title="News")
    english = pages.translate(item, "en", title="New standard")

    assert _switch(client.get(item.url).content.decode()) == {"nl": item.url, "en": english.url}


def test_switch_on_an_english_page_goes_back_to_the_dutch_original(client):
    page = pages.standard_page(pages.home(), title="Over ons")
    english = pages.translate(page, "en", title="About us")

    assert _switch(client.get(english.url).content.decode())["nl"] == page.url


def test_switch_goes_to_the_dutch_text_under_en_when_a_page_has_no_translation(client):
    pages.home("en")
    page = pages.standard_page(pages.home(), title="Alleen Nederlands")

    assert _switch(client.get(page.url).content.decode())["en"] == f"/en{page.url}"


def test_switch_ignores_a_translation_that_is_still_a_draft(client):
    pages.home("en")
    page = pages.standard_page(pages.home(), title="Over ons")
    pages.translate(page, "en", title="About us", publish_it=False)

    assert _switch(client.get(page.url).content.decode())["en"] == f"/en{page.url}"


def test_switch_on_search_keeps_the_query(client):
    assert _switch(client.get("/search/", {"q": "norm", "page": "2"}).content.decode()) == {
        "nl": "/search/?q=norm&amp;page=2",
        "en": "/en/search/?q=norm&amp;page=2",
    }


def test_switch_marks_the_current_language(client):
    pages.home("en")

    html = client.get("/en/").content.decode()

    assert '<a href="/en/" hreflang="en" lang="en" aria-current="true">English</a>' in html


def test_english_pages_are_marked_as_english(client):
    english = pages.translate(pages.standard_page(pages.home(), title="Over ons"), "en", title="About us")

    html = client.get(english.url).content.decode()

    assert '<html lang="en">' in html
    assert 'action="/en/search/"' in html


def test_dutch_pages_are_marked_as_dutch_whatever_the_browser_prefers(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="nl">' in html


def test_pages_name_their_translations_for_search_engines(client):
    page = pages.standard_page(pages.home(), title="Over ons")
    english = pages.translate(page, "en", title="About us")

    html = client.get(page.url).content.decode()

    assert f'<link rel="alternate" hreflang="en" href="http://testserver{english.url}">' in html


def test_a_call_to_action_on_an_english_page_leads_to_the_english_target(client):
    target = pages.standard_page(pages.home(), title="Lid worden")
    english_target = pages.translate(target, "en", title="Join")
    cta = ("call_to_action", {"title": "Doe mee", "text": "", "link": {"page": target, "url": "", "label": ""}})
    page = pages.standard_page(pages.home(), title="Over ons", body=[cta])
    english = pages.translate(page, "en", title="About us")

    html = client.get(english.url).content.decode()

    assert f'<a class="button" href="{english_target.url}">Join</a>' in html


def test_times_are_shown_in_amsterdam():
    noon_utc = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC)

    assert Template("{{ moment|date:'H:i' }}").render(Context({"moment": noon_utc})) == "13:00"


def test_a_news_item_written_just_after_midnight_in_amsterdam_is_dated_that_day():
    # 23:30 UTC on 31 December is already 00:30 on 1 January in Amsterdam.
    with mock.patch("django.utils.timezone.now", return_value=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)):
        item = NewsPage(title="Nieuwjaar", lead="Gelukkig nieuwjaar.")

    assert item.date == datetime.date(2027, 1, 1)
    assert timezone.get_current_timezone_name() == "Europe/Amsterdam"


@pytest.mark.parametrize(
    ("amount", "dutch", "english"),
    [
        (Decimal("1234.5"), "€ 1.234,50", "€1,234.50"),
        (Decimal("0"), "€ 0,00", "€0.00"),
        (Decimal("1234567.891"), "€ 1.234.567,89", "€1,234,567.89"),
        (Decimal("0.005"), "€ 0,01", "€0.01"),
        (Decimal("-95"), "€ -95,00", "-€95.00"),
        (195, "€ 195,00", "€195.00"),
        ("42.10", "€ 42,10", "€42.10"),
    ],
)
def test_euro_amounts_are_formatted_for_the_language(amount, dutch, english):
    assert format_euro(amount, language="nl") == dutch
    assert format_euro(amount, language="en") == english


def test_euro_filter_follows_the_active_language():
    template = Template("{% load portal_tags %}{{ price|euro }}")

    with translation.override("nl"):
        assert template.render(Context({"price": Decimal("1234.50")})) == "€ 1.234,50"
    with translation.override("en"):
        assert template.render(Context({"price": Decimal("1234.50")})) == "€1,234.50"


def test_euro_of_nothing_is_empty():
    assert format_euro(None) == ""
