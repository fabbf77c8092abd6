"""Money as people in the Netherlands read it: € 1.234,50."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation


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
