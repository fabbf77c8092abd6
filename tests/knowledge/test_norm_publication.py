"""A norm version as a PDF, and a norm page published on its version's effective date."""

import datetime
from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from members.models import NormVersion
from portal import roles
from tests.knowledge.norms import add_criteria, norm_index, norm_page, two_versions
from tests.knowledge.test_norm_workflow import approve, edit, staff_member

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_norm_page_offers_its_version_as_a_pdf_with_every_criterion(client):
    _old, current = two_versions()
    page = norm_page(norm_index(), current, changes="<p>Nieuw criterium B.1.</p>")

    html = client.get(page.url).content.decode()
    assert f'href="{page.url}pdf/"' in html
    response = client.get(page.url + "pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "2026.1" in text
    assert "Stuurt op resultaat." in text and "Leidt complexe verandering." in text
    assert "EQF 7" in text
    assert "Nieuw criterium B.1." in text


def test_pdf_of_a_long_norm_runs_over_several_pages(client):
    _old, current = two_versions()
    add_criteria(current, 60)
    page = norm_page(norm_index(), current)

    reader = PdfReader(BytesIO(client.get(page.url + "pdf/").content))

    assert len(reader.pages) > 1
    assert "Criterium 59" in _text(client.get(page.url + "pdf/").content)


@pytest.fixture
def future_version():
    _old, current = two_versions()
    effective = timezone.localdate() + datetime.timedelta(days=40)
    return NormVersion.objects.create(
        scheme=current.scheme, version="2027.1", title_nl="RQIM-norm 2027", title_en="RQIM norm 2027",
        effective_from=effective, replaces=current,
    )


def test_approved_page_of_a_future_version_is_published_on_its_effective_date(client, future_version):
    draft = norm_page(norm_index(), future_version, publish_it=False)
    client.force_login(staff_member(roles.EDITORS))
    edit(client, draft, **{"action-submit": "action-submit"})
    client.force_login(staff_member(roles.NORM_COMMITTEE))

    approve(client, draft)

    draft.refresh_from_db()
    assert not draft.live
    midnight = timezone.make_aware(datetime.datetime.combine(future_version.effective_from, datetime.time.min))
    assert draft.get_latest_revision().approved_go_live_at == midnight
