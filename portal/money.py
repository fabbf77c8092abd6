"""Money in one place: VAT on euro amounts, and amounts as people in the Netherlands read them (€ 1.234,50).

Amounts are Decimals in euros; every amount of VAT is rounded to the cent
half up (0.005 becomes 0.01), as Dutch invoices do.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation

CENT = Decimal("0.01")


def vat_added(net: Decimal, rate: Decimal) -> Decimal:
    """The VAT on a net amount at `rate` percent, to the cent: 250.00 at 21 gives 52.50."""
    return (Decimal(net) * Decimal(rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_included(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT contained in a gross amount at `rate` percent, to the cent: 302.50 at 21 holds 52.50.

    For a gross amount made as net + vat_added(net), this gives vat_added(net) back.
    """
    rate = Decimal(rate)
    return (Decimal(gross) * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def format_euro(amount, *, language: str | None = None) -> str:
    """Format an amount in euros; Dutch `€ 1.234,50`, English `€1,234.50`."""
    if amount is None:
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    language = (language or translation.get_language() or "nl")[:2]
    if language == "nl":
        return f"€ {sign}{'.'.join(groups)},{cents}"
    return f"{sign}€{','.join(groups)}.{cents}"
