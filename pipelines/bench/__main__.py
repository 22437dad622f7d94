"""`python -m pipelines.bench`: measure, then write BENCHMARKS.md and BENCHMARKS.json."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from pipelines.bench.harness import Plan, log, run_plan
from pipelines.bench.report import merge_previous, read_previous, write_reports
from pipelines.bench.targets import judge_all
from pipelines.settings import DATA_DIR

DEFAULT_SIZES = (1_000, 10_000, 100_000, 1_000_000)
DEFAULT_INCREMENTAL_SIZES = (100_000, 1_000_000)
# One run at the sizes that take minutes (1 000 000: over an hour with its floor), so the
# whole benchmark fits in an afternoon; the smaller sizes take the median of --repeats.
DEFAULT_REPEATS_FOR = [(100_000, 1), (1_000_000, 1)]


def _size_count(text: str) -> tuple[int, int]:
    size, _, count = text.partition("=")
    return int(size), int(count)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_SIZES),
        help="participants per landing (default: %(default)s)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs per size (median)")
    parser.add_argument(
        "--repeats-for",
        type=_size_count,
        action="append",
        default=list(DEFAULT_REPEATS_FOR),
        metavar="SIZE=N",
        help="runs at one size instead of --repeats (default: 100000=1 1000000=1)",
    )
    parser.add_argument("--seed", type=int, default=42, help="demo generator seed")
    parser.add_argument(
        "--incremental-sizes",
        type=int,
        nargs="+",
        default=list(DEFAULT_INCREMENTAL_SIZES),
        help="sizes whose warehouse gets one new day of deliveries, among --sizes"
        " (default: %(default)s; 0: none)",
    )
    parser.add_argument(
        "--follow-up-size",
        type=int,
        default=100_000,
        help="size whose dbt build is timed with and without the follow-up models (0: none)",
    )
    parser.add_argument(
        "--query-calls",
        type=int,
        default=5,
        help="cold calls per dashboard query (median and worst)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=DATA_DIR / "bench",
        help="landings and run files (default: %(default)s)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path("."), help="folder for BENCHMARKS.md and BENCHMARKS.json"
    )
    parser.add_argument(
        "--keep-measured",
        action="store_true",
        help="keep the sizes of the BENCHMARKS.json in --out that this run does not measure",
    )
    parser.add_argument(
        "--note", action="append", default=[], help="a remark to print in the report (repeatable)"
    )
    return parser.parse_args(argv)


def build_plan(args: argparse.Namespace) -> Plan:
    """The plan the arguments ask for; an incremental size outside --sizes is not run."""
    return Plan(
        sizes=args.sizes,
        repeats=args.repeats,
        repeats_for=dict(args.repeats_for),
        seed=args.seed,
        cache=args.cache.resolve(),
        incremental_sizes=tuple(
            sorted({size for size in args.incremental_sizes if size in args.sizes})
        ),
        query_calls=args.query_calls,
        follow_up_size=args.follow_up_size,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = build_plan(args)

    previous = read_previous(args.out) if args.keep_measured else None

    def report(results: Mapping) -> None:
        merged = merge_previous(results, previous) if previous else dict(results)
        summaries = {size["participants"]: size["summary"] for size in merged["sizes"]}
        write_reports(merged | {"targets": judge_all(summaries), "notes": args.note}, args.out)

    run_plan(plan, on_progress=report)
    log(f"wrote {args.out / 'BENCHMARKS.md'} and {args.out / 'BENCHMARKS.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
