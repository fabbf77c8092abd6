from io import StringIO

import pytest
from wagtail.models import Page, Revision

from knowledge.demo import seed_norms
from knowledge.models import NormIndexPage, NormPage
from portal import roles
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


def test_demo_publishes_the_norm_index_in_dutch_and_english(client, site):
    seed_norms(StringIO())

    assert client.get("/normen/").status_code == 200
    assert client.get("/en/norms/").status_code == 200


def test_demo_publishes_the_version_in_force_and_an_older_one_with_its_banner(client, site):
    seed_norms(StringIO())

    current = client.get("/normen/rqim-norm-2026-1/")
    older = client.get("/en/norms/rqim-norm-2025-1/")
    assert current.context["norm_status"] == "in_force"
    assert older.context["norm_status"] == "superseded"
    assert 'href="/en/norms/rqim-norm-2026-1/"' in older.content.decode()


def test_demo_english_pages_are_translations(site):
    seed_norms(StringIO())

    for page in NormPage.objects.filter(locale__language_code="nl"):
        assert page.get_translation_or_none(pages.locale("en")).live


def test_demo_puts_norm_pages_under_the_committee_workflow(site):
    seed_norms(StringIO())

    for index in NormIndexPage.objects.all():
        assert index.get_workflow() == roles.norm_approval_workflow()


def test_demo_links_the_norms_from_the_main_menu_before_contact(site):
    seed_norms(StringIO())

    for language, title in (("nl", "Normen"), ("en", "Norms")):
        menu = NavigationMenu.objects.get(placement="main", locale__language_code=language)
        assert [block.value["page"].title for block in menu.items][0] == title


def test_demo_runs_twice_without_adding_anything(site):
    seed_norms(StringIO())
    before = (list(Page.objects.values_list("pk", "latest_revision_id")), Revision.objects.count(),
              list(NavigationMenu.objects.values_list("pk", "items")))

    seed_norms(StringIO())

    after = (list(Page.objects.values_list("pk", "latest_revision_id")), Revision.objects.count(),
             list(NavigationMenu.objects.values_list("pk", "items")))
    assert after == before
