"""The tertial report as the styrgrupp uses it (issue 18), on the shared demo run: the three
scopes, unknown names as errors, the Swedish period and local time in the header, the
comparison columns against the earlier periods' own reports, the breakdowns and their
protection, the insats's comment in every format, and the PDF read back as text and
pictures with the JSON report's figures."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from PIL import Image
from python_calamine import CalamineWorkbook

from pipelines.disclosure import load_rules, perturbed
from pipelines.report.figures import (
    ALL_INSATSER,
    ALL_UNITS,
    BREAKDOWNS,
    COMPARISON_KEYS,
    FLOW_KEYS,
    GENDER_KEYS,
    report_from,
)
from pipelines.report.render_markdown import render_markdown
from pipelines.report.sections import (
    BREAKDOWN_TITLES,
    COMPARISON_TITLE,
    TREND_TITLE,
    swedish_number,
)
from tests.conftest import DemoRun

REPO = Path(__file__).resolve().parents[2]
COMMENT = (
    "# Läget i tertialet\n\nStabil bemanning; fler remisser från Försäkringskassan.\n"
    "Deltagaren 19900101-1234 tackade nej.\n\n- Två nya handledare i Hässleholm\n"
)
COUNT = re.compile(r"-?\d[\d\u00a0]*(?:,\d)?(?:\u00a0%)?")


def tables(markdown: str) -> dict[str, dict[str, list[str]]]:
    """Section title -> row label -> the row's other cells, as a reader sees them (the
    heading row under the label "")."""
    found: dict[str, dict[str, list[str]]] = {}
    title = ""
    for line in markdown.splitlines():
        if line.startswith("#"):
            title = line.lstrip("# ").strip()
        elif line.startswith("| ") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            label = cells[0] if title in found else ""
            found.setdefault(title, {})[label] = cells[1:]
    return found


def flows_row(con: duckdb.DuckDBPyConnection, insats: str, unit: str, start: date) -> dict:
    """The tertial row of marts.period_flows, as an analyst would select it."""
    cursor = con.execute(
        f"select {', '.join(FLOW_KEYS)} from marts.period_flows where insats = ? and unit = ? "
        "and period_type = 'tertial' and period_start = ?",
        [insats, unit, start],
    )
    return dict(zip(FLOW_KEYS, cursor.fetchone(), strict=True))


@pytest.fixture(scope="module")
def con(demo_warehouse: Path):
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def largest(con: duckdb.DuckDBPyConnection) -> tuple[str, date, date]:
    """The demo's largest insats (by enrolments) and its latest complete tertial."""
    [(insats,)] = con.execute(
        "select insats from marts.enrolments group by insats order by count(*) desc limit 1"
    ).fetchall()
    [(start, end)] = con.execute(
        "select period_start, period_end from marts.period_flows where insats = ? "
        "and unit = 'Alla enheter' and period_type = 'tertial' and not is_partial "
        "order by period_start desc limit 1",
        [insats],
    ).fetchall()
    return insats, start, end


@pytest.fixture(scope="module")
def config(demo_run: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo's configuration with a comment for every tertial of 2024."""
    folder = tmp_path_factory.mktemp("config")
    copy = folder / demo_run.settings.config.name
    shutil.copy(demo_run.settings.config, copy)
    return copy


def cli(demo_run: DemoRun, config: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`python -m pipelines.report` on the demo warehouse, as a user would run it."""
    env = {
        **os.environ,
        "FINSAM_WAREHOUSE": str(demo_run.settings.warehouse),
        "FINSAM_CONFIG": str(config),
    }
    return subprocess.run(
        [sys.executable, "-m", "pipelines.report", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def outputs(
    demo_run: DemoRun,
    config: Path,
    largest: tuple[str, date, date],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Path]:
    """The largest insats's report for its tertial in every format, with its comment."""
    insats, start, _ = largest
    tertial = f"{start.year}-T{(start.month - 1) // 4 + 1}"
    comment = config.parent / "kommentarer" / insats / f"{tertial}.md"
    comment.parent.mkdir(parents=True)
    comment.write_text(COMMENT, encoding="utf-8")
    folder = tmp_path_factory.mktemp("outputs")
    files = {}
    for suffix in ("json", "md", "xlsx", "pdf"):
        files[suffix] = folder / f"rapport.{suffix}"
        result = cli(demo_run, config, "--insats", insats, "--tertial", tertial, "--out",
                     str(files[suffix]))  # fmt: skip
        assert result.returncode == 0, result.stderr.decode()
    return files


@pytest.fixture(scope="module")
def report(outputs: dict[str, Path]) -> dict:
    return json.loads(outputs["json"].read_text(encoding="utf-8"))


def test_the_three_scopes_report_their_own_flows(
    con: duckdb.DuckDBPyConnection, largest: tuple[str, date, date]
) -> None:
    insats, start, end = largest
    [(unit,)] = con.execute(
        "select unit from marts.units where insats = ? order by unit limit 1", [insats]
    ).fetchall()
    for scope, (name, at) in {
        "insats": (insats, ALL_UNITS),
        "unit": (insats, unit),
        "forbund": (ALL_INSATSER, ALL_UNITS),
    }.items():
        figures = report_from(con, name, at, start, end)
        assert figures["scope"] == scope
        assert {key: figures[key] for key in FLOW_KEYS} == flows_row(con, name, at, start)
    whole = report_from(con, ALL_INSATSER, None, start, end)
    assert whole["served"] > report_from(con, insats, None, start, end)["served"]
    assert "# Periodrapport Hela förbundet" in render_markdown(whole)


@pytest.mark.parametrize(
    ("args", "swedish", "english"),
    [
        (("--unit", "Hässlehom"), "okänd enhet 'Hässlehom'", "did you mean 'Hässleholm'?"),
        (("--unit", "hässleholm"), "okänd enhet", "unknown unit"),
        (("--unit", "Alla insatser"), "okänd enhet", "unknown unit"),
        (("--tertial", "2024-T4"), "ogiltigt tertial", "invalid tertial"),
        (("--tertial", "2024-T1", "--from", "2024-01-01"), "inte båda", "not both"),
        (("--forbund",), "antingen --insats", "either --insats"),
    ],
)
def test_unknown_units_and_bad_periods_exit_2_in_both_languages(
    demo_run: DemoRun,
    config: Path,
    largest: tuple[str, date, date],
    args: tuple[str, ...],
    swedish: str,
    english: str,
) -> None:
    """A misspelt unit is an error naming the right one, never a report of zeros."""
    base = ["--insats", largest[0]]
    if "--tertial" not in args:
        base += ["--tertial", "2024-T1"]
    result = cli(demo_run, config, *base, *args, "--format", "json")
    message = result.stderr.decode()
    assert result.returncode == 2, message
    assert swedish in message and english in message
    assert result.stdout == b""


def test_an_unknown_insats_exits_2(demo_run: DemoRun, config: Path) -> None:
    result = cli(demo_run, config, "--insats", "Samverkan utan gräns", "--tertial", "2024-T1")
    message = result.stderr.decode()
    assert result.returncode == 2
    assert "okänd insats" in message and "did you mean 'Samverkan utan gränser'?" in message


def test_the_header_names_the_period_and_the_swedish_publication_time(
    con: duckdb.DuckDBPyConnection, outputs: dict[str, Path], report: dict
) -> None:
    [(published_at,)] = con.execute("select max(published_at) from meta.publication").fetchall()
    local = published_at.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M")
    utc = published_at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M")
    text = outputs["md"].read_text(encoding="utf-8")
    start = date.fromisoformat(report["period_from"])
    name = f"Tertial {(start.month - 1) // 4 + 1} {start.year}"
    assert f"**Period:** {name}, {report['period_from']} – {report['period_to']}" in text
    assert f"**Data publicerade:** {local}  " in text
    assert utc != local and utc not in text


def test_comparison_columns_equal_the_earlier_periods_own_reports(
    con: duckdb.DuckDBPyConnection, largest: tuple[str, date, date], report: dict
) -> None:
    insats, start, end = largest
    shown = tables(render_markdown(report_from(con, insats, None, start, end)))
    comparison = shown[COMPARISON_TITLE]
    for column, name in enumerate(("previous", "a_year_earlier"), start=1):
        entry = report["comparisons"][name]
        earlier_from, earlier_to = (
            date.fromisoformat(entry[k]) for k in ("period_from", "period_to")
        )
        earlier = report_from(con, insats, None, earlier_from, earlier_to)
        assert {key: entry[key] for key in COMPARISON_KEYS} == {
            key: earlier[key] for key in COMPARISON_KEYS
        }
        earlier_shown = tables(render_markdown(earlier))[COMPARISON_TITLE]
        for row_label, cells in comparison.items():
            if row_label:  # the heading row names the periods
                assert cells[column] == earlier_shown[row_label][0], (name, row_label)
    previous_start = date.fromisoformat(report["comparisons"]["previous"]["period_from"])
    assert report["comparisons"]["previous"]["active_at_end"] == report["active_at_start"]
    assert (start.year * 12 + start.month) - (previous_start.year * 12 + previous_start.month) == 4


def test_breakdowns_add_up_and_every_cell_is_protected(report: dict, outputs: dict) -> None:
    shown = tables(outputs["md"].read_text(encoding="utf-8"))
    key_range, small = load_rules().key_range, 0
    for dimension in BREAKDOWNS:
        counts = report["breakdowns"][dimension]
        keys = report["cell_keys"]["breakdowns"][dimension]
        table = shown[BREAKDOWN_TITLES[dimension]]
        for index, key in enumerate(GENDER_KEYS):
            assert sum(counts[key].values()) == report[key], (dimension, key)
            # The parts' cell keys add up to the total's: the same persons, the same noise.
            assert sum(keys[key].values()) % key_range == report["cell_keys"][key]
            for value, count in counts[key].items():
                published = perturbed(count, keys[key][value])
                assert table[value][index] == swedish_number(published)
                if 0 < count < load_rules().threshold:
                    small += 1
                    assert published in (0, load_rules().threshold)
    assert small, "the largest insats's breakdowns must have small cells to mean anything"


def test_the_trend_covers_six_tertials_ending_with_the_period(
    con: duckdb.DuckDBPyConnection, report: dict, largest: tuple[str, date, date]
) -> None:
    trend = report["trend"]
    assert len(trend) == 6
    last = list(trend.values())[-1]
    assert last["period_from"] == report["period_from"]
    assert {key: last[key] for key in ("enrolled", "exited", "active_at_end")} == {
        key: report[key] for key in ("enrolled", "exited", "active_at_end")
    }
    assert last["goal_exits"] == report["goal_exits"]
    assert TREND_TITLE in tables(render_markdown(report_from(con, largest[0], None, *largest[1:])))


def test_the_comment_is_in_every_format_without_personnummer(
    report: dict, outputs: dict[str, Path]
) -> None:
    assert report["comment"]["file"].startswith("kommentarer/")
    assert "Stabil bemanning" in report["comment"]["text"]
    markdown = outputs["md"].read_text(encoding="utf-8")
    assert "## Kommentar" in markdown and "### Läget i tertialet" in markdown
    workbook = CalamineWorkbook.from_path(str(outputs["xlsx"]))
    comment_sheet = [row[0] for row in workbook.get_sheet_by_name("Kommentar").to_python()]
    pdf_text = pdf_to_text(outputs["pdf"])
    for text in (json.dumps(report, ensure_ascii=False), markdown, str(comment_sheet), pdf_text):
        assert "fler remisser från Försäkringskassan" in text
        assert "19900101-1234" not in text and "[personnummer borttaget]" in text


def pdf_to_text(pdf: Path) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode("utf-8")


def numbers_after(label: str, text: str) -> list[str]:
    """The numbers on the line that starts with `label` in pdftotext's layout."""
    for line in text.splitlines():
        if re.match(rf"\s*{re.escape(label)}\s{{2,}}\S", line):
            return COUNT.findall(line[line.index(label) + len(label) :])
    raise AssertionError(f"{label!r} not found in the PDF")


def section(text: str, title: str, following: str) -> str:
    return text.split(f"\n {title}\n", 1)[1].split(f"\n {following}\n", 1)[0]


def test_the_pdf_renders_with_the_json_reports_figures(
    report: dict, outputs: dict[str, Path], tmp_path: Path
) -> None:
    text = pdf_to_text(outputs["pdf"])
    assert f"Periodrapport {report['insats']}" in text
    assert report["period_name"] in text and "Föregående tertial" in text
    assert "Åldersgrupp" in text and "Försörjning vid inskrivning" in text
    keys = report["cell_keys"]
    flows = section(text, "Deltagarflöde", "Avslutsorsaker")
    for key in FLOW_KEYS:
        label = report["figures"][key]["label"]
        assert numbers_after(label, flows)[0] == swedish_number(perturbed(report[key], keys[key]))
    comparison = section(text, COMPARISON_TITLE, TREND_TITLE)
    for key in ("enrolled", "served", "active_at_end"):
        expected = [perturbed(report[key], keys[key])] + [
            perturbed(report["comparisons"][name][key], keys["comparisons"][name][key])
            for name in ("previous", "a_year_earlier")
        ]
        label = report["figures"][key]["label"]
        assert numbers_after(label, comparison) == [swedish_number(v) for v in expected]
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(outputs["pdf"]), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 3
    for page in pages:
        grey = Image.open(page).convert("L")
        dark = sum(grey.histogram()[:200])
        assert dark > 0.005 * grey.width * grey.height, f"{page.name} is blank"
