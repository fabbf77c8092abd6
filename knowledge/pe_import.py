"""Importing activities from a CSV file: parse and check every row first, store nothing
until the member confirms the preview, then store every row or none.

Columns (a header row with these names, in any order; comma or semicolon separated,
UTF-8 or Windows-1252, as spreadsheet programs save them):

    date        required  the day of the activity: 2026-03-14 or 14-03-2026
    title       required  what the activity was
    category    required  the category's code or its name (Dutch or English)
    hours       required  a positive number; a comma or a point before the decimals
    provider    optional  who organised or gave it
    reflection  optional  what you took from it

Evidence is added to each entry afterwards, as with an entry logged by hand.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from knowledge import pe_services
from knowledge.pe_models import PECategory, PEEntry
from portal.exceptions import DomainError

COLUMNS = ("date", "title", "category", "hours", "provider", "reflection")
REQUIRED = ("date", "title", "category", "hours")
MAX_BYTES = 512 * 1024
MAX_ROWS = 500


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    data: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(upload) -> str:
    if upload.size > MAX_BYTES:
        raise DomainError(_("The file is larger than 512 kB; split it into smaller files."))
    raw = upload.read()
    if b"\x00" in raw[:4096]:
        raise DomainError(_("This is not a CSV file. Save your spreadsheet as CSV and upload that."))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DomainError(_("This is not a CSV file. Save your spreadsheet as CSV and upload that."))


def _parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _category(value: str, categories: list[PECategory]) -> PECategory | None:
    wanted = value.strip().casefold()
    return next((c for c in categories if wanted in {c.code.casefold(), c.name_nl.casefold(), c.name_en.casefold()}), None)


def pe_import_parse(*, member, upload, today: date) -> list[ImportRow]:
    """Every row of the file with what it would store and its errors; stores nothing."""
    text = _text(upload)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise DomainError(_("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)})
    reader.fieldnames = header
    categories = list(PECategory.objects.all())
    existing = set(
        PEEntry.objects.filter(member=member, status__in=PEEntry.OPEN_STATUSES).values_list("date", "title", "category_id", "hours")
    )
    rows, seen = [], set()
    for number, raw in enumerate(reader, start=2):
        values = {name: (raw.get(name) or "").strip() for name in COLUMNS}
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise DomainError(_("A file may hold at most %(count)s activities.") % {"count": MAX_ROWS})
        rows.append(_check_row(ImportRow(number, values), member=member, today=today, categories=categories,
                               existing=existing, seen=seen))
    if not rows:
        raise DomainError(_("The file holds no activities."))
    return rows


def _check_row(row: ImportRow, *, member, today, categories, existing, seen) -> ImportRow:
    values, errors = row.values, row.errors
    for name in REQUIRED:
        if not values[name]:
            errors.append(_("%(column)s is empty.") % {"column": name})
    if values["date"]:
        try:
            row.data["date"] = _parse_date(values["date"])
        except ValueError:
            errors.append(_("%(value)s is not a date (use 2026-03-14 or 14-03-2026).") % {"value": values["date"]})
    if values["hours"]:
        try:
            hours = Decimal(values["hours"].replace(",", "."))
            if not hours.is_finite():
                raise InvalidOperation
            row.data["hours"] = hours
        except InvalidOperation:
            errors.append(_("%(value)s is not a number of hours.") % {"value": values["hours"]})
    if values["category"]:
        row.data["category"] = _category(values["category"], categories)
        if row.data["category"] is None:
            errors.append(_("There is no category %(value)s.") % {"value": values["category"]})
    row.data.update(title=values["title"], provider=values["provider"], reflection=values["reflection"])
    if errors:
        return row
    try:
        pe_services.pe_entry_check(member=member, today=today, **row.data)
    except DomainError as error:
        errors.append(error.message)
    except ValidationError as error:
        errors.extend(error.messages)
    key = (row.data["date"], row.data["title"], row.data["category"].pk, row.data["hours"])
    if key in existing:
        errors.append(_("This activity is already in your ledger."))
    elif key in seen:
        errors.append(_("This activity appears twice in the file."))
    seen.add(key)
    return row


@transaction.atomic
def pe_import_store(*, member, rows: list[ImportRow], today: date) -> list[PEEntry]:
    """Store every row, or none: refused when any row has an error."""
    if not rows or any(not row.ok for row in rows):
        raise DomainError(_("Correct the rows with errors and upload the file again; nothing was stored."))
    return [pe_services.pe_entry_submit(member=member, today=today, source=PEEntry.Source.IMPORT, **row.data)
            for row in rows]
