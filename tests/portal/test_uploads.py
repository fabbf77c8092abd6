"""Uploaded files are only ever downloaded, never rendered in the portal's origin:
`Content-Disposition: attachment` and `X-Content-Type-Options: nosniff` on every view
that serves one (documents, PE and certification evidence)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from tests.knowledge.pe import factories as pe
from tests.members.certification import factories as certification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


def assert_download(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["norm.pdf", "notes.txt"])
def test_documents_are_downloaded_not_opened(client, name):
    document = get_document_model().objects.create(title="Norm", file=ContentFile(PDF, name=name))

    response = client.get(document.url)

    assert_download(response)


def test_pe_evidence_is_downloaded_not_opened(client):
    member = certification.member()
    entry = pe.submitted(member, evidence=pe.pdf())
    client.force_login(member)

    assert_download(client.get(reverse("pe:evidence", args=[entry.pk])))
