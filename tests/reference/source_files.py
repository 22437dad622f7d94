"""Writers for source files in the agencies' own formats (source-formats.md), used by the
reference-case builders so each case lands exactly as an agency would deliver it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml

from pipelines import personnummer
from pipelines.personnummer import Form
from tests.ingest.fixtures import write_csv, write_xlsx

LANDING_KINDS = ("arende", "scb", "ekonomi", "register")


def samordningsnummer(birth: date, index: int, gender: str) -> str:
    """A valid synthetic samordningsnummer `YYYYMMDD-NNNN` (day + 60) for person `index`.

    The serial is derived from `index` (unique below 500 per birth date); its last digit is
    odd for men, even for women, as in real numbers.
    """
    gender_digit = (index // 100 % 5) * 2 + (1 if gender == "M" else 0)
    serial = (index % 100) * 10 + gender_digit
    return personnummer.format_as(personnummer.compose(birth, serial), Form.LONG_WITH_DASH)


def short_form(long_form: str) -> str:
    """`YYMMDD-NNNN`, the form SCB files use."""
    return personnummer.format_as(long_form.replace("-", ""), Form.SHORT_WITH_DASH)


def swedish_amount(amount: Decimal) -> str:
    """`-1 234,50`: decimal comma, space as thousands separator, as economy systems export."""
    sign = "-" if amount < 0 else ""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", " ")
    return f"{sign}{groups},{fraction}"


def make_landing(root: Path) -> Path:
    """An empty landing folder with one sub-folder per source kind."""
    for kind in LANDING_KINDS:
        (root / kind).mkdir(parents=True, exist_ok=True)
    return root


def write_delimited(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: str = "cp1252",
) -> Path:
    """A `;`-separated export; None becomes an empty field, dates ISO unless pre-formatted."""
    cells = [["" if value is None else str(value) for value in row] for row in rows]
    return write_csv(path, [list(header), *cells], encoding=encoding)


def write_workbook(path: Path, sheets: dict[str, tuple[Sequence[str], list[list]]]) -> Path:
    """An .xlsx file with one sheet per entry; dates become real Excel date cells."""
    return write_xlsx(
        path, {name: [list(header), *rows] for name, (header, rows) in sheets.items()}
    )


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated values in full, as a person editing the file would."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def write_config(path: Path, config: dict) -> Path:
    """The insats configuration YAML (format in ARCHITECTURE.md)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(config, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


def split_amount(total: Decimal, parts: int, weights: Sequence[int]) -> list[Decimal]:
    """`total` split into `parts` amounts in öre, proportional to `weights`, summing exactly."""
    cents = int(total * 100)
    weight_sum = sum(weights[:parts])
    amounts = [cents * weight // weight_sum for weight in weights[:parts]]
    amounts[-1] += cents - sum(amounts)
    return [Decimal(amount) / 100 for amount in amounts]


def merged_config(configs: Sequence[dict]) -> dict:
    """One förbund's configuration holding several insatser, as a real installation does."""
    merged: dict = {
        "forbund": "Samordningsförbund med referensfall (syntetiska data)",
        "units": {},
        "defaults": configs[0]["defaults"],
        "insatser": {},
        "stated_figures": [],
    }
    for config in configs:
        merged["units"].update(config["units"])
        merged["insatser"].update(config["insatser"])
        merged["stated_figures"] += config["stated_figures"]
        merged.update({"quality": config["quality"]} if "quality" in config else {})
    return merged
