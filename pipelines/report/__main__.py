"""`python -m pipelines.report`: the period (tertial) report of one insats from the warehouse.

    python -m pipelines.report --insats Duellen --from 2009-01-01 --to 2009-04-30 \\
        [--unit Flen] --format json|markdown|xlsx [--out FILE]

Exit code 2, with a message in Swedish and English, for an unknown insats or unit, bad
dates or a missing warehouse.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pipelines.report.figures import ReportError, period_report
from pipelines.report.render_markdown import render_markdown
from pipelines.report.render_xlsx import render_xlsx
from pipelines.settings import load_settings

USAGE_ERROR = 2


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ogiltigt datum {text!r}, ange ÅÅÅÅ-MM-DD / invalid date {text!r}, use YYYY-MM-DD"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipelines.report",
        description="Periodrapport för en insats ur det publicerade lagret "
        "(period report of one insats from the published warehouse).",
    )
    parser.add_argument("--insats", required=True, help="insatsens namn / name of the insats")
    for flag, dest in (("--from", "date_from"), ("--to", "date_to")):
        parser.add_argument(flag, dest=dest, required=True, type=_parse_date, metavar="ÅÅÅÅ-MM-DD")
    parser.add_argument("--unit", default=None, help="enhet / unit (default: alla enheter)")
    parser.add_argument("--format", choices=("json", "markdown", "xlsx"), default="markdown")
    parser.add_argument("--out", type=Path, default=None, help="fil / file (default: stdout)")
    return parser


def _write(report: dict, output_format: str, out: Path | None) -> None:
    if output_format == "xlsx":
        if out is None:
            sys.stdout.buffer.write(render_xlsx(report))
        else:
            out.write_bytes(render_xlsx(report))
        return
    if output_format == "json":
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"
    else:
        text = render_markdown(report)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.date_from > args.date_to:
        print(
            f"Fel: --from {args.date_from} ligger efter --to {args.date_to}. "
            f"/ Error: --from {args.date_from} is after --to {args.date_to}.",
            file=sys.stderr,
        )
        return USAGE_ERROR
    if args.format == "xlsx" and args.out is None and sys.stdout.isatty():
        print("Fel: ange --out för xlsx. / Error: give --out for xlsx.", file=sys.stderr)
        return USAGE_ERROR
    try:
        report = period_report(
            load_settings().warehouse, args.insats, args.unit, args.date_from, args.date_to
        )
    except ReportError as error:
        print(f"Fel: {error.swedish} / Error: {error.english}", file=sys.stderr)
        return USAGE_ERROR
    _write(report, args.format, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
