"""The RQIM certificate as a PDF to print and frame, in Dutch or in English.

Built from plain data, so the certification service decides what is printed
and this module only how::

    from members.certificate_pdf import CertificatePdfData, certificate_pdf

    pdf = certificate_pdf(CertificatePdfData(
        number=certificate.number, holder_name=..., scheme_name="RQIM",
        level_name_nl=..., level_name_en=..., eqf_level=level.eqf_level,
        valid_from=certificate.valid_from, valid_until=certificate.valid_until,
        norm_version=str(certificate.norm_version),
    ), language="nl")  # -> bytes

A QR code (segno) opens the verification page ``<BASE_URL>/verify/<number>/``,
the address printed under it too, so that a client sees the certificate's
current status: paper shows what was granted, the page what holds today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


@dataclass(frozen=True)
class CertificatePdfData:
    number: str  # RQIM-2026-00123-7
    holder_name: str
    scheme_name: str  # RQIM
    level_name_nl: str
    level_name_en: str
    eqf_level: int
    valid_from: date
    valid_until: date
    norm_version: str
    association_name: str = ""  # default: from the site settings
    issued_on: date | None = None  # default: valid_from
    signatory_name: str = ""  # printed under the signature line when given
    verification_url: str = ""  # default <BASE_URL>/verify/<number>/


@dataclass(frozen=True)
class QrCode:
    payload: str  # exactly what the code encodes
    data_uri: str  # PNG


def verification_url(number: str) -> str:
    return f"{settings.BASE_URL}/verify/{number}/"


def certificate_qr(url: str) -> QrCode:
    """The QR code for `url` as a PNG data URI (error correction Q survives a worn print).

    A PNG with whole pixels per module, drawn without smoothing, prints crisper
    than an SVG, whose adjacent rows some renderers split with hairlines.
    """
    code = segno.make(url, error="q", micro=False)
    # border: the quiet zone of 4 modules that scanners need around the code
    return QrCode(payload=url, data_uri=code.png_data_uri(scale=12, border=4, dark="#12263a"))


def _association_name() -> str:
    from members.credentials.vc import association_name

    return association_name()


def _size(text: str, limits: tuple[int, int]) -> str:
    """A type size class so that long names keep to the lines the layout has for them."""
    return "large" if len(text) <= limits[0] else "medium" if len(text) <= limits[1] else "small"


def certificate_context(data: CertificatePdfData, language: str) -> dict:
    url = data.verification_url or verification_url(data.number)
    level_name = data.level_name_nl if language == "nl" else data.level_name_en
    association_name = data.association_name or _association_name()
    return {
        "certificate": data,
        "language": language,
        "association_name": association_name,
        "level_name": level_name,
        "sizes": {
            "holder": _size(data.holder_name, (30, 48)),
            "level": _size(level_name, (32, 56)),
            "issuer": _size(association_name, (40, 64)),
        },
        "issued_on": data.issued_on or data.valid_from,
        "verification_url": url,
        "verification_url_display": url.split("://", 1)[-1],
        "qr": certificate_qr(url),
        "printed_on": timezone.localdate(),
    }


def certificate_pdf(data: CertificatePdfData, language: str | None = None) -> bytes:
    """The certificate as PDF bytes, in `language` ("nl" or "en"; default: the active language)."""
    from weasyprint import HTML

    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string("members/certificate.html", certificate_context(data, language))
    return HTML(string=html).write_pdf()  # everything is inline: nothing is fetched


def certificate_filename(data: CertificatePdfData, language: str) -> str:
    return f"{data.number}-{language}.pdf"


def certificate_pdf_data(certificate) -> CertificatePdfData:
    """The data printed on a `members.Certificate`, read from the model."""
    return CertificatePdfData(
        number=certificate.number,
        holder_name=certificate.holder.get_full_name() or certificate.holder.email,
        scheme_name=certificate.scheme.name,
        level_name_nl=certificate.level.name_nl,
        level_name_en=certificate.level.name_en or certificate.level.name_nl,
        eqf_level=certificate.level.eqf_level,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        norm_version=certificate.norm_version.version,
        issued_on=certificate.issued_on,
    )
