"""seed_demo's library: articles in both languages on several topics, some for members only,
linked from the main menu; news categories; a closed consultation; idempotent."""

from io import StringIO

import pytest
from wagtail.models import Page, Revision

from knowledge.demo import seed_norms
from knowledge.demo_library import seed_library
from knowledge.models import ArticlePage, Consultation, LibraryIndexPage, Topic
from portal.models import NavigationMenu
from tests.members.certification.factories import scheme_with_norms
from tests.portal import pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    scheme_with_norms()
    contact = pages.standard_page(pages.home(), title="Contact")
    contact_en = pages.translate(contact, "en", title="Contact us")
    pages.menu("main", [{"page": contact}])
    pages.menu("main", [{"page": contact_en}], language="en")
    seed_norms(StringIO())


def test_demo_library_has_articles_in_both_languages_some_for_members(client, site):
    seed_library(StringIO())

    dutch = ArticlePage.objects.live().filter(locale__language_code="nl")
    english = ArticlePage.objects.live().filter(locale__language_code="en")
    assert dutch.count() == english.count() >= 4
    assert dutch.filter(members_only=True).exists() and dutch.filter(members_only=False).exists()
    assert Topic.objects.filter(articles__isnull=False).distinct().count() >= 3
    assert client.get("/kennisbank/").status_code == 200
    assert client.get("/en/library/").status_code == 200


def test_demo_links_the_library_from_the_main_menu(site):
    seed_library(StringIO())

    for language, title in (("nl", "Kennisbank"), ("en", "Library")):
        menu = NavigationMenu.objects.get(placement="main", locale__language_code=language)
        assert title in [block.value["page"].title for block in menu.items if block.value.get("page")]


def test_demo_consultation_report_is_linked_from_the_norm_page(client, site):
    seed_library(StringIO())

    consultation = Consultation.objects.get()
    html = client.get("/normen/rqim-norm-2026-1/").content.decode()
    assert f"/consultaties/{consultation.pk}/report/" in html
    assert client.get(f"/consultaties/{consultation.pk}/report/").status_code == 200


def test_demo_library_runs_twice_without_adding_anything(site):
    seed_library(StringIO())
    before = (list(Page.objects.values_list("pk", "latest_revision_id")), Revision.objects.count(),
              list(NavigationMenu.objects.values_list("pk", "items")), Consultation.objects.count())

    seed_library(StringIO())

    after = (list(Page.objects.values_list("pk", "latest_revision_id")), Revision.objects.count(),
             list(NavigationMenu.objects.values_list("pk", "items")), Consultation.objects.count())
    assert after == before
    assert LibraryIndexPage.objects.count() == 2
