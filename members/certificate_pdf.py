"""The certificate as a PDF (WeasyPrint), in Dutch or English, with a QR code (segno)
that opens its verification page.

The QR code is a PNG image in the PDF, so that a reader (and the tests) can take it
out again and check what it encodes.
"""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from members.models import Certificate

QR_SCALE = 10
QR_BORDER = 4


def certificate_verify_url(certificate: Certificate) -> str:
    return f"{settings.BASE_URL}{reverse('verify_certificate', args=[certificate.number])}"


def certificate_qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=QR_SCALE, border=QR_BORDER)
    return buffer.getvalue()


def certificate_pdf(*, certificate: Certificate, language: str) -> bytes:
    from weasyprint import HTML
    from wagtail.models import Site

    from portal.models import AssociationSettings

    site = Site.objects.filter(is_default_site=True).first()
    association = AssociationSettings.for_site(site) if site else AssociationSettings()
    url = certificate_verify_url(certificate)
    qr = base64.b64encode(certificate_qr_png(url)).decode()
    with translation.override(language):
        html = render_to_string("members/certification/certificate_pdf.html", {
            "certificate": certificate,
            "association": association,
            "verify_url": url,
            "qr_data_uri": f"data:image/png;base64,{qr}",
        })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def certificate_filename(certificate: Certificate, language: str) -> str:
    return f"{certificate.number}-{language}.pdf"
