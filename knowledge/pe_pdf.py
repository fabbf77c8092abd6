"""The member's PE overview as a PDF (WeasyPrint), in the active language."""

from __future__ import annotations

from django.template.loader import render_to_string


def pe_overview_pdf(*, user, context: dict) -> bytes:
    """The ledger's progress per category, the forecast and every entry, as PDF bytes."""
    from weasyprint import HTML
    from wagtail.models import Site

    from portal.models import AssociationSettings

    site = Site.objects.filter(is_default_site=True).first()
    association = AssociationSettings.for_site(site) if site else AssociationSettings()
    html = render_to_string("knowledge/pe/overview_pdf.html", {
        **context, "member_name": user.get_full_name() or user.email, "member_email": user.email,
        "association": association})
    return HTML(string=html).write_pdf()
