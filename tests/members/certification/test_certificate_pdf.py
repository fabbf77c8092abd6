"""The certificate PDF: its text in both languages, and the QR code read back from the file."""

import io

import pytest
import segno
from django.urls import reverse
from pypdf import PdfReader

from members.certificate_pdf import QR_BORDER, QR_SCALE, certificate_pdf, certificate_verify_url

from . import factories as f

pytestmark = pytest.mark.django_db


def qr_modules(image) -> list[list[int]]:
    """The dark (1) and light (0) modules of a QR code image made at QR_SCALE with QR_BORDER."""
    grey = image.convert("L")
    size = grey.width // QR_SCALE - 2 * QR_BORDER
    half = QR_SCALE // 2
    return [
        [1 if grey.getpixel(((QR_BORDER + x) * QR_SCALE + half, (QR_BORDER + y) * QR_SCALE + half)) < 128 else 0 for x in range(size)]
        for y in range(size)
    ]


@pytest.mark.parametrize("language, words", [("nl", ["Geldig tot en met", "EQF"]), ("en", ["Valid until", "EQF"])])
def test_pdf_says_who_what_and_until_when(language, words):
    certificate = f.issued_certificate(level_code="senior")
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate=certificate, language=language)))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert certificate.holder.get_full_name() in text
    assert certificate.number in text
    assert "RQIM Senior" in text and "7" in text
    assert "2026.1" in text
    for word in words:
        assert word in text


def test_qr_code_in_the_pdf_opens_the_verification_page():
    certificate = f.issued_certificate()
    reader = PdfReader(io.BytesIO(certificate_pdf(certificate=certificate, language="nl")))
    [qr_image] = reader.pages[0].images
    url = certificate_verify_url(certificate)
    assert url.endswith(f"/verify/{certificate.number}/")
    expected = [list(row) for row in segno.make(url, error="m", micro=False).matrix]
    assert qr_modules(qr_image.image) == expected


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
