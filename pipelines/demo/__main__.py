"""Command line: ``python -m pipelines.demo --participants N --seed S --out DIR``.

The configuration goes where the pipeline reads it (FINSAM_CONFIG, as `pipelines.settings`
resolves it) unless `--config-out` names another file.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from pipelines.demo.generate import generate
from pipelines.settings import PATH_DEFAULTS, configured_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.demo",
        description="Write a synthetic landing folder (arende/, scb/, ekonomi/, register/), "
        "the insats configuration and demo_manifest.json listing every planted defect.",
    )
    parser.add_argument("--participants", type=int, required=True, help="number of persons")
    parser.add_argument("--seed", type=int, required=True, help="same seed, same bytes")
    parser.add_argument("--out", type=Path, required=True, help="landing folder to write")
    parser.add_argument(
        "--config-out",
        type=Path,
        help="default: where the pipeline reads it, FINSAM_CONFIG "
        f"(unset: {PATH_DEFAULTS['FINSAM_CONFIG']})",
    )
    parser.add_argument("--start-year", type=int, default=2019)
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2024, 11, 15))
    args = parser.parse_args(argv)
    config_out = args.config_out or configured_path("FINSAM_CONFIG")
    try:
        manifest = generate(
            args.participants, args.seed, args.out, config_out, args.start_year, args.end_date
        )
    except (FileExistsError, ValueError) as error:
        parser.error(str(error))
    print(
        f"{len(manifest['files'])} files for {manifest['persons']} persons "
        f"({manifest['enrolments']} enrolments) in {args.out}; configuration {config_out}"
    )


if __name__ == "__main__":
    main()
