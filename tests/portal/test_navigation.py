"""Main and footer menus that editors keep in the admin, per language."""

import re

import pytest
from django.db import IntegrityError, transaction

from tests.portal import pages

pytestmark = pytest.mark.django_db


def _menu(html, placement):
    """The links of one menu as [(address, text, attributes)]."""
    found = re.search(rf'<nav class="menu menu--{placement}".*?</nav>', html, re.S)
    if not found:
        return []
    return [(url, text) for url, text in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', found.group(0))]


def test_main_menu_shows_the_editors_links_in_their_order(client):
    about = pages.standard_page(pages.home(), title="Over ons")
    index = pages.news_index(pages.home())
    pages.menu("main", [{"page": index, "label": "Actueel"}, {"page": about}, {"url": "https://example.org/", "label": "Register"}])

    assert _menu(client.get("/").content.decode(), "main") == [
        (index.url, "Actueel"),
        (about.url, "Over ons"),
        ("https://example.org/", "Register"),
    ]


def test_footer_menu_is_shown_in_the_footer(client):
    privacy = pages.standard_page(pages.home(), title="Privacy")
    pages.menu("footer", [{"page": privacy}])

    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]

    assert _menu(footer, "footer") == [(privacy.url, "Privacy")]
    assert _menu(html, "main") == []


def test_english_visitors_follow_the_dutch_menu_to_english_pages(client):
    about = pages.standard_page(pages.home(), title="Over ons")
    english_about = pages.translate(about, "en", title="About us")
    untranslated = pages.standard_page(pages.home(), title="Alleen Nederlands")
    pages.menu("main", [{"page": about}, {"page": untranslated}])

    assert _menu(client.get("/en/").content.decode(), "main") == [
        (english_about.url, "About us"),
        (untranslated.url, "Alleen Nederlands"),
    ]


def test_english_menu_replaces_the_dutch_one_on_english_pages(client):
    pages.home("en")
    pages.menu("main", [{"url": "https://example.org/nl", "label": "Nederlands menu"}])
    pages.menu("main", [{"url": "https://example.org/en", "label": "English menu"}], language="en")

    assert _menu(client.get("/en/").content.decode(), "main") == [("https://example.org/en", "English menu")]
    assert _menu(client.get("/").content.decode(), "main") == [("https://example.org/nl", "Nederlands menu")]


def test_menu_leaves_out_pages_that_are_not_published(client):
    live = pages.standard_page(pages.home(), title="Zichtbaar")
    draft = pages.standard_page(pages.home(), title="Concept", publish_it=False)
    pages.menu("main", [{"page": draft}, {"page": live}])

    assert _menu(client.get("/").content.decode(), "main") == [(live.url, "Zichtbaar")]


def test_menu_marks_the_current_page_and_its_section(client):
    index = pages.news_index(pages.home())
    item = pages.news_item(index)
    pages.menu("main", [{"page": index}])

    on_index = client.get(index.url).content.decode()
    on_item = client.get(item.url).content.decode()

    assert f'<a href="{index.url}" aria-current="page">' in on_index
    assert f'<a href="{index.url}" class="is-section">' in on_item


def test_one_menu_per_placement_and_language():
    pages.menu("main", [])

    with pytest.raises(IntegrityError), transaction.atomic():
        pages.menu("main", [])


def test_editors_find_the_menus_in_the_admin_and_can_translate_them(admin_client):
    menu = pages.menu("main", [{"url": "https://example.org/", "label": "Register"}])

    response = admin_client.get("/admin/snippets/portal/navigationmenu/")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"/admin/snippets/portal/navigationmenu/edit/{menu.pk}/" in html
    assert f"/admin/translation/submit/snippet/portal/navigationmenu/{menu.pk}/" in html


def test_editors_change_a_menu_in_the_admin(admin_client):
    menu = pages.menu("main", [{"url": "https://example.org/oud", "label": "Oud"}])
    block_id = menu.items[0].id

    response = admin_client.post(
        f"/admin/snippets/portal/navigationmenu/edit/{menu.pk}/",
        {
            "placement": "main",
            "items-count": "1",
            "items-0-deleted": "",
            "items-0-order": "0",
            "items-0-type": "link",
            "items-0-id": block_id,
            "items-0-value-page": "",
            "items-0-value-url": "https://example.org/nieuw",
            "items-0-value-label": "Nieuw",
        },
    )

    assert response.status_code == 302
    menu.refresh_from_db()
    assert menu.items[0].value["label"] == "Nieuw"

