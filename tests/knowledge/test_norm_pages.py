import pytest
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation
from wagtail.test.utils.form_data import nested_form_data, rich_text

from knowledge.models import NormIndexPage, NormPage
from knowledge.norms import norm_pages_protected
from members.models import Criterion
from portal.models import HomePage
from tests.knowledge.norms import add_criteria, norm_index, norm_page, two_versions
from tests.members.certification.factories import submitted_application
from tests.portal import pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions():
    return two_versions()


@pytest.fixture
def index():
    return norm_index()


def test_norm_page_shows_the_criteria_of_its_version_with_eqf_levels(client, versions, index):
    _old, current = versions
    page = norm_page(index, current)

    html = client.get(page.url).content.decode()

    assert "Stuurt op resultaat." in html
    assert "Leidt complexe verandering." in html
    assert "EQF 7" in html


def test_norm_page_follows_a_change_to_a_criterion(client, versions, index):
    _old, current = versions
    page = norm_page(index, current)
    Criterion.objects.filter(area__norm_version=current, code="A.1").update(text_nl="Stuurt op meetbaar resultaat.")

    html = client.get(page.url).content.decode()

    assert "Stuurt op meetbaar resultaat." in html


def test_norm_page_shows_version_date_and_the_version_it_replaces(client, versions, index):
    _old, current = versions
    page = norm_page(index, current, changes="<p>Nieuw criterium B.1.</p>")

    html = client.get(page.url).content.decode()

    assert "2026.1" in html
    assert "1 januari 2026" in html
    assert "versie 2025.1" in html
    assert "Nieuw criterium B.1." in html


def test_version_in_force_is_marked_and_has_no_banner(client, versions, index):
    _old, current = versions
    page = norm_page(index, current)

    response = client.get(page.url)

    assert response.context["norm_status"] == "in_force"
    assert "norm-banner" not in response.content.decode()


def test_older_version_has_a_banner_linking_the_version_in_force(client, versions, index):
    old, current = versions
    current_page = norm_page(index, current)
    old_page = norm_page(index, old)

    response = client.get(old_page.url)

    html = response.content.decode()
    assert response.context["norm_status"] == "superseded"
    assert "niet meer van kracht" in html
    assert f'href="{current_page.url}"' in html


def test_older_version_in_english_names_the_english_version_in_force(client, versions, index):
    old, current = versions
    index_en = pages.translate(index, "en", title="Norms", slug="norms")
    current_en = pages.translate(norm_page(index, current), "en", title="RQIM norm 2026")
    old_en = pages.translate(norm_page(index, old), "en", title="RQIM norm 2025")
    assert old_en.get_parent().pk == index_en.pk

    with translation.override("en"):
        response = client.get(old_en.url)

    html = response.content.decode()
    assert "no longer in force" in html
    assert f'href="{current_en.url}"' in html
    with translation.override("en"):
        assert "Steers towards results." in client.get(current_en.url).content.decode()


def test_index_lists_versions_newest_first_and_marks_the_one_in_force(client, versions, index):
    old, current = versions
    norm_page(index, old)
    norm_page(index, current)

    response = client.get(index.url)

    listed = response.context["norm_pages"]
    assert [p.norm_version for p in listed] == [current, old]
    assert [p.is_in_force for p in listed] == [True, False]


# The base layout (site, menus, settings) costs 15; the norm page adds its version, the
# version in force and its page, the areas and their criteria, and its parent.
NORM_PAGE_MAX_QUERIES = 22


@pytest.mark.parametrize("extra_criteria", [2, 20])
def test_norm_page_queries_stay_constant(client, versions, index, extra_criteria, django_assert_max_num_queries):
    old, current = versions
    norm_page(index, current)
    page = norm_page(index, old)
    add_criteria(old, extra_criteria)
    client.get(page.url)  # warm the site and locale caches

    with django_assert_max_num_queries(NORM_PAGE_MAX_QUERIES):
        response = client.get(page.url)

    assert response.status_code == 200
    assert response.content.decode().count('id="criterion-x') == extra_criteria


def test_only_norm_pages_go_under_the_norm_index():
    assert NormIndexPage.allowed_subpage_models() == [NormPage]
    assert NormPage.allowed_parent_page_models() == [NormIndexPage]
    assert NormIndexPage.allowed_parent_page_models() == [HomePage]


def test_norm_version_with_a_page_cannot_be_deleted(versions, index):
    _old, current = versions
    norm_page(index, current)

    with pytest.raises(ProtectedError):
        current.delete()


def test_norm_page_whose_version_an_application_uses_is_protected(index):
    application = submitted_application()
    page = norm_page(index, application.norm_version)

    assert norm_pages_protected(page=page)
    assert norm_pages_protected(page=index)


def test_norm_page_of_an_unused_version_is_not_protected(versions, index):
    old, _current = versions

    assert not norm_pages_protected(page=norm_page(index, old))


def test_admin_refuses_to_delete_a_norm_page_in_use(admin_client, index):
    application = submitted_application()
    page = norm_page(index, application.norm_version)

    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))

    assert response.status_code == 302
    assert NormPage.objects.filter(pk=page.pk).exists()


def test_admin_deletes_a_norm_page_not_in_use(admin_client, versions, index):
    old, _current = versions
    page = norm_page(index, old)

    admin_client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]))

    assert not NormPage.objects.filter(pk=page.pk).exists()


@pytest.mark.parametrize("count", [5, 50])
def test_norm_index_queries_stay_constant(client, versions, index, count, django_assert_max_num_queries):
    from datetime import date, timedelta

    from members.models import NormVersion

    old, current = versions
    for n in range(count):
        version = NormVersion.objects.create(
            scheme=current.scheme, version=f"2010.{n}", title_nl=f"Norm {n}", title_en=f"Norm {n}",
            effective_from=date(2010, 1, 1) + timedelta(days=n),
        )
        pages.add(index, NormPage(title=f"Norm {n}", slug=f"norm-oud-{n}", norm_version=version), revision=False)
    client.get(index.url)  # warm the site and locale caches

    # The base layout, the norm pages with their versions, the version in force and the open consultations.
    with django_assert_max_num_queries(20):
        response = client.get(index.url)

    assert response.status_code == 200
    assert len(response.context["norm_pages"]) == count
