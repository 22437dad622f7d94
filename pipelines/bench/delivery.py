"""One new day of deliveries for the incremental case: a case-system snapshot and a ledger.

Made from the latest delivery of each kind, as the next day's export would look: the same
rows, a few more exits and enrolments, and a few new transactions. The files keep their
source's encoding, line ends and date style, so ingest reads them as the real thing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

UTF8_BOM = b"\xef\xbb\xbf"
NAME = re.compile(r"(?P<kind>[a-z]+)_(?P<organisation>.+)_(?P<date>\d{8})\.csv")
CHANGED_SHARE = 100  # every 100th open case exits (enrolled) or enrols (queued) that day
NEW_TRANSACTIONS = 20


def latest_delivery(folder: Path, kind: str) -> tuple[Path, dt.date]:
    named = [(NAME.fullmatch(path.name), path) for path in folder.glob(f"{kind}_*_*.csv")]
    dated = [(dt.datetime.strptime(m["date"], "%Y%m%d").date(), p) for m, p in named if m]
    if not dated:
        raise FileNotFoundError(f"no {kind} delivery in {folder}")
    day, path = max(dated)
    return path, day


def _read(path: Path) -> tuple[list[list[str]], str, str]:
    """Rows of a delivered CSV, its encoding and its line ending."""
    content = path.read_bytes()
    encoding = "utf-8-sig" if content.startswith(UTF8_BOM) else "cp1252"
    text = content.decode(encoding)
    newline = "\r\n" if "\r\n" in text[:10_000] else "\n"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";")), encoding, newline


def _write(path: Path, rows: list[list[str]], encoding: str, newline: str) -> None:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))


def _column(header: list[str], name: str) -> int:
    normalised = [re.sub(r"\s+", " ", cell.strip().lower()) for cell in header]
    return normalised.index(name)


def _date_style(rows: list[list[str]], column: int) -> Callable[[dt.date], str]:
    sample = next((row[column] for row in rows[1:] if row[column].strip()), "2000-01-01")
    style = "%Y-%m-%d" if "-" in sample else "%Y%m%d"
    return lambda day: day.strftime(style)


def _next_case_snapshot(rows: list[list[str]], day: dt.date) -> int:
    """Every 100th open case changes on `day`: an active one exits to work, a queued one enrols."""
    header = rows[0]
    enrolment, exit_date = _column(header, "inskrivningsdatum"), _column(header, "avslutsdatum")
    reason = _column(header, "avslutsorsak")
    written = _date_style(rows, enrolment)(day)
    changing = [row for row in rows[1:] if not row[exit_date].strip()][::CHANGED_SHARE]
    for row in changing:
        if row[enrolment].strip():
            row[exit_date], row[reason] = written, "Arbete"
        else:
            row[enrolment] = written
    return len(changing)


def next_ledger(rows: list[list[str]], day: dt.date) -> None:
    """The ledger again, with the last transactions booked once more on `day`."""
    header = rows[0]
    voucher, booked = _column(header, "verifikation"), _column(header, "bokföringsdatum")
    written = _date_style(rows, booked)(day)
    for number, row in enumerate(rows[-NEW_TRANSACTIONS:], start=1):
        copy = list(row)
        copy[voucher], copy[booked] = f"{row[voucher]}-{day:%m%d}-{number}", written
        rows.append(copy)


def _next_name(path: Path, day: dt.date) -> Path:
    return path.with_name(NAME.sub(rf"\g<kind>_\g<organisation>_{day:%Y%m%d}.csv", path.name))


def redeliver(
    source: Path, day: dt.date, change: Callable[[list[list[str]], dt.date], object]
) -> tuple[str, object]:
    """Write `source` changed by `change` as the delivery of `day`; `change`'s result back."""
    rows, encoding, newline = _read(source)
    result = change(rows, day)
    target = _next_name(source, day)
    _write(target, rows, encoding, newline)
    return target.name, result


def deliver_next_day(landing: Path) -> dict[str, object]:
    """Add the next day's case-system snapshot and ledger to `landing`; what was added."""
    case_file, case_day = latest_delivery(landing / "arende", "gwa")
    ledger_file, ledger_day = latest_delivery(landing / "ekonomi", "huvudbok")
    day = max(case_day, ledger_day) + dt.timedelta(days=1)
    case_name, changed = redeliver(case_file, day, _next_case_snapshot)
    ledger_name, _ = redeliver(ledger_file, day, next_ledger)
    return {
        "files": [case_name, ledger_name],
        "description": (
            f"next-day snapshot of {case_file.name} with {changed} cases changed "
            f"(exits and enrolments), and {ledger_file.name} with {NEW_TRANSACTIONS} new "
            "transactions"
        ),
    }
