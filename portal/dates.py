"""Calendar arithmetic shared by dues, certificates and education cycles."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` (negative: back), clamped to the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
