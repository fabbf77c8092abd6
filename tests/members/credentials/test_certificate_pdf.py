"""The certificate PDF: rendered in Dutch and English, its text read back, its QR code made from the verification URL."""

from datetime import date
from io import BytesIO
from unittest import mock

import pytest
import segno
from pypdf import PdfReader

from members import certificate_pdf as module
from members.certificate_pdf import CertificatePdfData, certificate_context, certificate_pdf

pytestmark = pytest.mark.django_db

URL = "https://portal.example.nl/verify/RQIM-2026-00123-7/"


@pytest.fixture
def data(settings):
    settings.BASE_URL = "https://portal.example.nl"
    return CertificatePdfData(
        number="RQIM-2026-00123-7",
        holder_name="Mila de Jong",
        scheme_name="RQIM",
        level_name_nl="RQIM Senior (nl)",
        level_name_en="RQIM Senior (en)",
        eqf_level=7,
        valid_from=date(2026, 3, 1),
        valid_until=date(2029, 2, 28),
        norm_version="2026.1",
        association_name="Vereniging RQIM",
    )


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1  # one sheet to frame
    return " ".join(reader.pages[0].extract_text().split())


def test_dutch_certificate_names_holder_level_eqf_dates_and_norm_version(data):
    text = pdf_text(certificate_pdf(data, "nl"))

    for expected in (
        "CERTIFICAAT", "Mila de Jong", "RQIM-2026-00123-7", "RQIM Senior (nl)", "niveau 7",
        "1 maart 2026", "28 februari 2029", "versie 2026.1", "Vereniging RQIM", "Geldig tot en met",
    ):
        assert expected in text, expected


def test_english_certificate_is_in_english(data):
    text = pdf_text(certificate_pdf(data, "en"))

    for expected in ("CERTIFICATE", "RQIM Senior (en)", "level 7", "1 March 2026", "28 February 2029", "Valid until"):
        assert expected in text, expected
    assert "Geldig" not in text and "maart" not in text


def test_page_is_a4_landscape(data):
    page = PdfReader(BytesIO(certificate_pdf(data, "en"))).pages[0]

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_verification_url_is_printed_under_the_qr_code(data, language):
    text = pdf_text(certificate_pdf(data, language)).replace(" ", "")

    assert "portal.example.nl/verify/RQIM-2026-00123-7/" in text


def test_qr_code_encodes_exactly_the_verification_url(data):
    with mock.patch.object(module.segno, "make", wraps=segno.make) as make:
        certificate_pdf(data, "nl")

    make.assert_called_once()
    assert make.call_args.args[0] == URL


def test_embedded_qr_image_is_the_code_of_the_verification_url(data):
    context = certificate_context(data, "nl")

    assert context["qr"].payload == URL
    assert context["qr"].data_uri == segno.make(URL, error="q", micro=False).png_data_uri(scale=12, border=4, dark="#12263a")


def test_verification_link_in_the_pdf_opens_the_page(data):
    page = PdfReader(BytesIO(certificate_pdf(data, "en"))).pages[0]

    links = [annotation.get_object()["/A"]["/URI"] for annotation in page.get("/Annots", [])]
    assert URL in links


def test_qr_image_read_back_from_the_pdf_holds_the_modules_of_the_url(data):
    """Without a QR decoder: the image embedded in the PDF, sampled module by module,
    is the symbol segno makes for the verification URL (and not for another)."""
    [embedded] = PdfReader(BytesIO(certificate_pdf(data, "nl"))).pages[0].images
    image = embedded.image.convert("L")
    expected = segno.make(URL, error="q", micro=False)
    size, scale, border = expected.symbol_size(scale=1, border=0)[0], 12, 4
    assert image.size == ((size + 2 * border) * scale,) * 2

    def modules(img):
        return [
            [img.getpixel(((c + border) * scale + scale // 2, (r + border) * scale + scale // 2)) < 128 for c in range(size)]
            for r in range(size)
        ]

    assert modules(image) == [[bool(bit) for bit in row] for row in expected.matrix]
    assert modules(image) != [[bool(bit) for bit in row] for row in segno.make(URL + "x", error="q", micro=False).matrix]


def test_long_names_are_set_smaller_and_stay_on_one_sheet(data):
    from dataclasses import replace

    long = replace(data, holder_name="Maximiliaan Alexander Jonkheer van Oldenbarnevelt-Schimmelpenninck tot Nijenrode")

    assert certificate_context(long, "nl")["sizes"]["holder"] == "small"
    assert certificate_context(data, "nl")["sizes"]["holder"] == "large"
    assert "Schimmelpenninck" in pdf_text(certificate_pdf(long, "nl"))  # pdf_text checks: one page
