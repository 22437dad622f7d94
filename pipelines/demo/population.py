"""Kind D: the SCB population table as a PX-Web CSV export (``scb/befolkning_<date>.csv``)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from pipelines.demo.calibration import load_calibration


def write_population(
    landing: Path, start_year: int, end: date, rng: np.random.Generator
) -> dict[str, Any]:
    """PX-Web CSV: quoted text, region/ålder/kön, one column per year, 16-64 in 5-year bands."""
    cal = load_calibration()
    spec = cal["population"]
    years = list(range(start_year, end.year + 1))
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow(["region", "ålder", "kön", *[str(year) for year in years]])
    rows = 0
    for code, municipality in cal["municipalities"].items():
        for band, weight in spec["band_weights"].items():
            for gender, share in (("män", spec["male_share"]), ("kvinnor", 1 - spec["male_share"])):
                base = municipality["population_16_64"] * weight * share
                growth = (1 + spec["yearly_growth"]) ** np.arange(len(years))
                noise = 1 + spec["yearly_noise"] * rng.standard_normal(len(years))
                counts = np.rint(base * growth * noise).astype(int)
                writer.writerow([f"{code} {municipality['name']}", band, gender, *counts.tolist()])
                rows += 1
    as_of = end - timedelta(days=cal["scb"]["population_file_days_before_end"])
    path = landing / "scb" / f"befolkning_{as_of:%Y%m%d}.csv"
    path.write_bytes(buffer.getvalue().encode(cal["scb"]["population_encoding"]))
    return {
        "file": f"scb/{path.name}",
        "source_kind": "population",
        "organisation": "scb",
        "extraction_date": as_of.isoformat(),
        "encoding": cal["scb"]["population_encoding"],
        "rows": rows,
        "years": years,
        "is_current": True,
    }
