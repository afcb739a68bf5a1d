"""The social service's register: people who agreed to be called, imported from a CSV file
into the call list (``web.services.calls``) by ``flask --app web calls import FILE.csv
--city SLUG`` or an upload on the call-list page.

The file is UTF-8 (with or without a byte-order mark), separated by ``;`` or ``,``, with
the header ``name;phone;address;consent;notes``. ``consent`` is ``oui``/``yes`` (agreed
today) or the date they agreed (``2026-11-20`` or ``20/11/2026``). A file imports whole or
not at all: every refused row is reported with why (no phone, no consent, an address not
found in the city, ...), and then nothing is imported. The people go to the call list's
own tables: never into a post index or any public answer."""

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from web.http.problems import Problem
from web.indexes import CityIndex
from web.services import posting

COLUMNS = ("name", "phone", "address", "consent", "notes")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024
PHONE_CHARACTERS = set("+0123456789 ().-")
YES = {"oui", "yes", "o", "y", "x", "1", "true", "vrai"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
NAME_MAX, ADDRESS_MAX, NOTES_MAX = 120, 200, 2000


@dataclass
class Report:
    """What an import found: the people it would add, and each refused row with why
    (row numbers count the header as row 1, as a spreadsheet shows them)."""

    people: list[dict[str, Any]] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)

    def problem(self) -> Problem:
        lines = [(f"row {row}", reason) for row, reason in self.refused]
        detail = f"{len(self.refused)} rows refused: nothing was imported"
        return Problem(422, "Invalid register", detail, lines)


def read(data: bytes, index: CityIndex, today: date | None = None) -> Report:
    """Every row of the file checked, and placed at its address in the city."""
    today = today or datetime.now(UTC).date()
    report = Report()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.refused.append((1, "the file is not UTF-8 text"))
        return report
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header != list(COLUMNS):
        report.refused.append((1, f"the header must be {';'.join(COLUMNS)}"))
        return report
    if len(rows) - 1 > MAX_ROWS:
        report.refused.append((1, f"at most {MAX_ROWS} rows at a time"))
        return report
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        try:
            report.people.append(_person(dict(zip(COLUMNS, row, strict=False)), index, today))
        except ValueError as refusal:
            report.refused.append((number, str(refusal)))
    if not report.people and not report.refused:
        report.refused.append((1, "the file has no row"))
    return report


def _person(row: dict[str, str], index: CityIndex, today: date) -> dict[str, Any]:
    name, phone, address = (row.get(column, "").strip() for column in COLUMNS[:3])
    notes = row.get("notes", "").strip()
    if not name or len(name) > NAME_MAX or not name.isprintable():
        raise ValueError(f"no name, or not one line of at most {NAME_MAX} characters")
    digits = sum(character.isdigit() for character in phone)
    if not phone or digits < 4 or len(phone) > 30 or not set(phone) <= PHONE_CHARACTERS:
        raise ValueError("no phone number" if not phone else f"not a phone number: {phone!r}")
    consent_on = _consent(row.get("consent", "").strip(), today)
    if not address or len(address) > ADDRESS_MAX or not address.isprintable():
        raise ValueError("no address" if not address else "the address is not one short line")
    if len(notes) > NOTES_MAX or "\x00" in notes:
        raise ValueError(f"notes longer than {NOTES_MAX} characters")
    try:
        lat, lon, found = posting.place_in_city(index, address, None, None)
    except Problem:
        raise ValueError(f"address not found in {index.city['name']}: {address!r}") from None
    return {
        "name": name,
        "phone": phone,
        "address": found,
        "lat": lat,
        "lon": lon,
        "notes": notes,
        "consent_on": consent_on.isoformat(),
    }


def _consent(value: str, today: date) -> date:
    if value.lower() in YES:
        return today
    for pattern in DATE_FORMATS:
        try:
            agreed = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        if agreed > today:
            raise ValueError(f"a consent date in the future: {value!r}")
        return agreed
    raise ValueError("no consent (write oui, yes, or the date they agreed)")
