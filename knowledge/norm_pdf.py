"""A norm version as a PDF to download (WeasyPrint), in Dutch or in English.

Built from the same data as the norm page (`members.NormVersion` with its competence
areas and criteria), so the PDF never differs from what the page and the
certification use.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from knowledge.norms import norm_areas


def norm_version_pdf(*, norm_version, language: str, title: str = "", changes: str = "", association_name: str = "") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "knowledge/norm_pdf.html",
            {
                "norm_version": norm_version,
                "areas": norm_areas(norm_version=norm_version),
                "title": title or norm_version.title,
                "changes": changes,
                "association_name": association_name,
            },
        )
    return HTML(string=html).write_pdf()


def norm_pdf_filename(norm_version) -> str:
    return f"{norm_version.scheme.code}-norm-{norm_version.version}.pdf".replace(" ", "-")
