"""`python -m pipelines.report`: the period (tertial) report from the published warehouse.

    python -m pipelines.report (--insats NAMN | --forbund) [--unit ENHET]
        (--tertial 2024-T1 | --tertial 1 --year 2024 | --from 2024-01-01 --to 2024-04-30)
        [--format markdown|json|xlsx|pdf] [--out FILE]

Scope: one insats (every unit), one unit of it, or the whole förbund (every insats; with
--unit, that unit across every insats). The format defaults to the suffix of --out
(.md, .json, .xlsx, .pdf), else Markdown. Exit code 2, with a message in Swedish and
English, for an unknown insats or unit, a bad period or a missing warehouse.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from pipelines.report.figures import ALL_INSATSER, ReportError, period_report
from pipelines.report.periods import Period, parse_tertial
from pipelines.report.render_markdown import render_markdown
from pipelines.report.render_pdf import render_pdf
from pipelines.report.render_xlsx import render_xlsx
from pipelines.settings import load_settings

USAGE_ERROR = 2
FORMATS = {".md": "markdown", ".json": "json", ".xlsx": "xlsx", ".pdf": "pdf"}
BINARY = {"xlsx": render_xlsx, "pdf": render_pdf}


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
        description="Periodrapport för en insats, en enhet eller hela förbundet ur det "
        "publicerade lagret (period report of one insats, one unit or the whole förbund "
        "from the published warehouse).",
    )
    parser.add_argument("--insats", help="insatsens namn / name of the insats")
    parser.add_argument(
        "--forbund", action="store_true", help="hela förbundet, alla insatser / every insats"
    )
    parser.add_argument("--unit", default=None, help="enhet / unit (default: alla enheter)")
    parser.add_argument("--tertial", help="tertial: 2024-T1, eller 1 med --year / or 1 with --year")
    parser.add_argument("--year", type=int, help="år för --tertial 1|2|3 / year")
    for flag, dest in (("--from", "date_from"), ("--to", "date_to")):
        parser.add_argument(flag, dest=dest, type=_parse_date, metavar="ÅÅÅÅ-MM-DD")
    parser.add_argument(
        "--format",
        choices=("json", "markdown", "xlsx", "pdf"),
        default=None,
        help="default: från --out:s filändelse, annars markdown / from --out's suffix",
    )
    parser.add_argument("--out", type=Path, default=None, help="fil / file (default: stdout)")
    return parser


def _scope(args: argparse.Namespace) -> str:
    """The insats the report is about; 'Alla insatser' for the whole förbund."""
    if bool(args.insats) == bool(args.forbund):
        raise ReportError(
            "ange antingen --insats NAMN eller --forbund",
            "give either --insats NAME or --forbund",
        )
    return args.insats or ALL_INSATSER


def _period(args: argparse.Namespace) -> Period:
    """The period from --tertial (with --year) or from --from and --to, not both."""
    by_dates = args.date_from is not None or args.date_to is not None
    if args.tertial is None:
        if args.date_from is None or args.date_to is None or args.year is not None:
            raise ReportError(
                "ange --tertial 2024-T1 (eller --tertial 1 --year 2024) eller --from och --to",
                "give --tertial 2024-T1 (or --tertial 1 --year 2024) or --from and --to",
            )
        if args.date_from > args.date_to:
            raise ReportError(
                f"--from {args.date_from} ligger efter --to {args.date_to}",
                f"--from {args.date_from} is after --to {args.date_to}",
            )
        return Period(args.date_from, args.date_to)
    if by_dates:
        raise ReportError(
            "ange --tertial eller --from/--to, inte båda",
            "give --tertial or --from/--to, not both",
        )
    try:
        return parse_tertial(args.tertial, args.year)
    except ValueError:
        raise ReportError(
            f"ogiltigt tertial {args.tertial!r}, ange 2024-T1 eller 1 med --year 2024",
            f"invalid tertial {args.tertial!r}, use 2024-T1 or 1 with --year 2024",
        ) from None


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    return FORMATS.get(args.out.suffix.lower(), "markdown") if args.out else "markdown"


def _write(report: dict, output_format: str, out: Path | None) -> None:
    if output_format in BINARY:
        content = BINARY[output_format](report)
        if out is None:
            sys.stdout.buffer.write(content)
        else:
            out.write_bytes(content)
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
    output_format = _format(args)
    try:
        insats, period = _scope(args), _period(args)
        if output_format in BINARY and args.out is None and sys.stdout.isatty():
            raise ReportError(f"ange --out för {output_format}", f"give --out for {output_format}")
        settings = load_settings()
        report = period_report(
            settings.warehouse, insats, args.unit, period.start, period.end, settings.config
        )
    except ReportError as error:
        print(f"Fel: {error.swedish} / Error: {error.english}", file=sys.stderr)
        return USAGE_ERROR
    _write(report, output_format, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
