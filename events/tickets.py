"""Tickets and attendance certificates: the QR code (segno) and the PDFs (WeasyPrint)."""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import translation


def ticket_qr_svg(code: str) -> str:
    """The ticket code as an inline SVG QR code (no XML declaration, scales with CSS)."""
    return segno.make(code, error="m").svg_inline(scale=6, border=2, dark="#0b2545", omitsize=True)


def ticket_qr_data_uri(code: str) -> str:
    return segno.make(code, error="m").png_data_uri(scale=6, border=2)


def _association():
    from portal.cache import default_site
    from portal.models import AssociationSettings

    site = default_site()
    return AssociationSettings.for_site(site) if site else AssociationSettings()


def ticket_pdf(*, registration, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "events/ticket_pdf.html",
            {
                "registration": registration,
                "event": registration.event,
                "association": _association(),
                "qr_svg": ticket_qr_svg(registration.code),
            },
        )
    return HTML(string=html).write_pdf()


def certificate_pdf(*, registration, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string(
            "events/certificate_pdf.html",
            {"registration": registration, "event": registration.event, "association": _association()},
        )
    return HTML(string=html).write_pdf()
