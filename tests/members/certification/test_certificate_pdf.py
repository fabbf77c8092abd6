"""The certificate PDF: its text in both languages, and the QR code read back from the file."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from members.certificate_pdf import certificate_pdf, certificate_pdf_data, certificate_qr, verification_url

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language, words", [("nl", ["Geldig tot en met", "EQF"]), ("en", ["Valid until", "EQF"])])
def test_pdf_says_who_what_and_until_when(language, words):
    certificate = f.issued_certificate(level_code="senior")
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate_pdf_data(certificate), language)))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert certificate.holder.get_full_name() in text
    assert certificate.number in text
    assert "RQIM Senior" in text and "7" in text
    assert "2026.1" in text
    for word in words:
        assert word in text


def test_pdf_points_at_the_verification_page_of_its_number():
    certificate = f.issued_certificate()
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate_pdf_data(certificate), "nl")))
    url = verification_url(certificate.number)
    assert url.endswith(f"/verify/{certificate.number}/")
    assert certificate_qr(url).payload == url
    assert len(reader.pages[0].images) == 1  # the QR code
    assert url.split("://", 1)[1] in reader.pages[0].extract_text().replace("\n", "")


def test_holder_downloads_the_pdf_and_others_get_404(client):
    certificate = f.issued_certificate()
    url = reverse("members:certificate_pdf", args=[certificate.pk]) + "?lang=en"
    client.force_login(f.member())
    assert client.get(url).status_code == 404
    client.force_login(certificate.holder)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
