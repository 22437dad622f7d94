"""The Dagster code location: everything under `pipelines/defs/` assembled in one place."""

from pathlib import Path

import dagster as dg


@dg.definitions
def defs() -> dg.Definitions:
    """Load every asset, check, sensor, schedule and resource declared in `defs/`."""
    return dg.load_from_defs_folder(path_within_project=Path(__file__).parent)
