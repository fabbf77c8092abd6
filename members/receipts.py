"""Receipts (PDF) for dues paid by bank transfer or otherwise recorded by the secretariat.

Stripe sends its own invoices; these receipts cover the payments the secretariat records.
"""

from django.template.loader import render_to_string
from django.utils import translation

from members.models import Payment


def receipt_context(*, payment: Payment) -> dict:
    from wagtail.models import Site

    from portal.models import AssociationSettings

    site = Site.objects.filter(is_default_site=True).first()
    association = AssociationSettings.for_site(site) if site else AssociationSettings()
    user = payment.membership.user
    profile = getattr(user, "member_profile", None)
    return {
        "payment": payment,
        "association": association,
        "member_name": user.get_full_name() or user.email,
        "member_email": user.email,
        "profile": profile,
        "plan": payment.plan,
        "amount_excl_vat": payment.amount - payment.vat_amount,
    }


def receipt_pdf(*, payment: Payment, language: str | None = None) -> bytes:
    """The receipt as PDF bytes, in `language` (default: the active language)."""
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string("members/receipt.html", receipt_context(payment=payment))
    return HTML(string=html).write_pdf()


def receipt_filename(payment: Payment) -> str:
    return f"receipt-{payment.receipt_number}.pdf"
