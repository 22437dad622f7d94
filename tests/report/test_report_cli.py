"""`python -m pipelines.report` on the published Duellen warehouse: the JSON for scripts
with exact figures, the Markdown and Excel tertial report with Swedish headings and small
cells masked, and clear exits for requests it cannot answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from pipelines.disclosure import perturbed
from pipelines.report.figures import FLOW_KEYS
from tests.reference import build_duellen as case
from tests.reference.pipeline import BuiltCase, report_json, run_report
from tests.report.expected import SHEETS

pytestmark = pytest.mark.slow

TERTIAL = ("--insats", case.INSATS, "--from", "2008-05-01", "--to", "2008-08-31")
REQUIRED_KEYS = {
    *FLOW_KEYS,
    "exits_by_reason",
    "goal_share",
    "goal_definition",
    "mean_months",
    "median_months",
    "figures",
    "gender",
    "scb_reconciliation",
    "budget",
    "small_cells",
    "cell_keys",
}
HEADINGS = [
    "# Periodrapport Duellen",
    "## Deltagarflöde",
    "## Avslutsorsaker",
    "## Resultat och genomströmning",
    "## Kön",
    "## Avstämning mot SCB (ESF)",
    "## Uppföljning efter avslut",
    "## Ekonomi 2008: budget, utfall och prognos",
    "## Definitioner",
]


@pytest.fixture(scope="module")
def tertial(duellen: BuiltCase) -> dict:
    return report_json(duellen, *TERTIAL)


def test_json_has_every_figure(tertial: dict) -> None:
    assert tertial.keys() >= REQUIRED_KEYS
    assert tertial["gender"] is not None, "dbt exposes no gender breakdown for any dates"
    assert set(tertial["gender"]) == {"enrolled", "active_at_end", "served"}
    assert set(tertial["scb_reconciliation"]) == {"both_sources", "only_case_system", "only_scb"}
    assert 0 <= tertial["goal_share"] <= 1
    assert "Arbete" in tertial["goal_definition"]


def test_json_flow_identity_and_served(tertial: dict) -> None:
    balance = tertial["active_at_start"] + tertial["enrolled"] - tertial["exited"]
    assert balance == tertial["active_at_end"]
    assert tertial["served"] == tertial["active_at_start"] + tertial["enrolled"]
    assert sum(tertial["exits_by_reason"].values()) == tertial["exited"]


def test_json_agrees_with_period_flows_mart(duellen: BuiltCase, tertial: dict) -> None:
    """The report for a tertial says what the tertial row of marts.period_flows says."""
    with duellen.connect() as con:
        row = con.execute(
            "select active_at_start, enrolled, exited, dropouts, active_at_end, served, "
            "queue_at_end from marts.period_flows where insats = $1 and unit = 'Alla enheter' "
            "and period_type = 'tertial' and period_start = date '2008-05-01'",
            [case.INSATS],
        ).fetchone()
    assert row == tuple(tertial[key] for key in FLOW_KEYS)


def test_json_gives_exact_small_numbers_and_names_them(tertial: dict) -> None:
    small = {k: v for k, v in tertial["exits_by_reason"].items() if 0 < v < 5}
    assert small, "the chosen tertial must have small cells for this test to mean anything"
    assert {f"exits_by_reason.{k}" for k in small} <= set(tertial["small_cells"])
    assert all(not path.startswith("exits_by_reason.Arbete") for path in tertial["small_cells"])


def test_json_budget_has_lines_and_total(tertial: dict) -> None:
    lines = {line["cost_line"]: line for line in tertial["budget"]}
    assert set(lines) == {"Personal", "Lokaler", "Övriga kostnader", "Totalt"}
    actual_to_august = lines["Totalt"]["actual_to_date"]
    assert 0 < actual_to_august < sum(per_year[2008] for per_year in case.COSTS.values())
    for line in lines.values():
        assert line["difference"] == pytest.approx(line["budget"] - line["actual_to_date"])
        assert line["forecast_result"] is None or line["forecast_result"] == pytest.approx(
            line["budget"] - line["full_year_forecast"]
        )


def test_markdown_has_swedish_headings_and_protects_every_count(
    duellen: BuiltCase, tertial: dict
) -> None:
    result = run_report(duellen, *TERTIAL, "--format", "markdown")
    assert result.returncode == 0, result.stderr.decode()
    text = result.stdout.decode()
    for heading in HEADINGS:
        assert heading in text.splitlines()
    assert "2008-05-01 – 2008-08-31" in text
    assert tertial["goal_definition"] in text
    keys = tertial["cell_keys"]["exits_by_reason"]
    for reason, count in tertial["exits_by_reason"].items():
        assert f"| {reason} | {perturbed(count, keys[reason])} |" in text


def test_xlsx_opens_with_every_sheet(duellen: BuiltCase, tertial: dict, tmp_path: Path) -> None:
    out = tmp_path / "rapport.xlsx"
    result = run_report(duellen, *TERTIAL, "--format", "xlsx", "--out", str(out))
    assert result.returncode == 0, result.stderr.decode()
    workbook = CalamineWorkbook.from_path(str(out))
    assert workbook.sheet_names == SHEETS
    reasons = workbook.get_sheet_by_name("Avslutsorsaker").to_python()
    cells = {row[0]: row[1] for row in reasons[3:] if row and row[0]}
    keys = tertial["cell_keys"]["exits_by_reason"]
    for reason, count in tertial["exits_by_reason"].items():
        assert cells[reason] == perturbed(count, keys[reason])


def test_json_to_file(duellen: BuiltCase, tertial: dict, tmp_path: Path) -> None:
    out = tmp_path / "rapport.json"
    result = run_report(duellen, *TERTIAL, "--format", "json", "--out", str(out))
    assert result.returncode == 0
    assert json.loads(out.read_text(encoding="utf-8")) == tertial


@pytest.mark.parametrize(
    ("args", "swedish", "english"),
    [
        (
            ("--insats", "Finns inte", "--from", "2008-01-01", "--to", "2008-04-30"),
            "okänd insats",
            "unknown insats",
        ),
        (
            (
                "--insats",
                case.INSATS,
                "--unit",
                "Mars",
                "--from",
                "2008-01-01",
                "--to",
                "2008-04-30",
            ),
            "okänd enhet",
            "unknown unit",
        ),
        (
            ("--insats", case.INSATS, "--from", "2008-13-01", "--to", "2008-04-30"),
            "ogiltigt datum",
            "invalid date",
        ),
        (
            ("--insats", case.INSATS, "--from", "2008-05-01", "--to", "2008-04-30"),
            "ligger efter",
            "is after",
        ),
    ],
)
def test_bad_requests_exit_2_in_both_languages(
    duellen: BuiltCase, args: tuple[str, ...], swedish: str, english: str
) -> None:
    result = run_report(duellen, *args, "--format", "json")
    message = result.stderr.decode()
    assert result.returncode == 2
    assert swedish in message and english in message
    assert result.stdout == b""


def test_missing_warehouse_exits_2(duellen: BuiltCase, tmp_path: Path) -> None:
    env = {**duellen.env, "FINSAM_WAREHOUSE": str(tmp_path / "saknas.duckdb")}
    result = run_report(duellen, *TERTIAL, "--format", "json", env=env)
    message = result.stderr.decode()
    assert result.returncode == 2
    assert "inget publicerat lager" in message and "no published warehouse" in message
    assert not (tmp_path / "saknas.duckdb").exists()


def test_a_period_ending_after_the_data_is_marked_preliminary(
    duellen: BuiltCase, tertial: dict
) -> None:
    """Duellen's last delivery is of July 2009: the tertial to August is partial, and
    says so in every format; a tertial of 2008 is not."""
    assert tertial["is_partial"] is False
    partial = ("--insats", case.INSATS, "--from", "2009-05-01", "--to", "2009-08-31")
    assert report_json(duellen, *partial)["is_partial"] is True
    markdown = run_report(duellen, *partial, "--format", "markdown").stdout.decode()
    assert "2009-05-01 – 2009-08-31 (preliminär" in markdown
    assert "preliminär" not in run_report(duellen, *TERTIAL, "--format", "markdown").stdout.decode()
