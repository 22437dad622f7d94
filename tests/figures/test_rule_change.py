"""A figure's rule is an edit in one file: change which exit reasons count as work or
studies in a copy of the project (dbt_project.yml), run the real pipeline there, and the
dashboard, the report and the quality checks all follow."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from pipelines.demo.generate import generate
from pipelines.disclosure import perturbed
from pipelines.report.__main__ import main as report_main
from tests.conftest import DEMO_PARTICIPANTS, DEMO_SEED
from tests.dashboard.conftest import open_app, query
from tests.reference.pipeline import PIPELINE_TIMEOUT_SECONDS, case_env

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RULE = "work_or_studies_exit_reasons"
INSATS_YEAR = """
    select insats, period_label, period_start::varchar, period_end::varchar,
        work_or_studies_exits
    from marts.outcomes
    where dimension = 'total' and unit = 'Alla enheter' and period_type = 'calendar_year'
        and insats <> 'Alla insatser'
    order by work_or_studies_exits desc limit 1
"""


def _project_copy(target: Path) -> Path:
    """The repository's files (tracked and new, not ignored) copied under `target`."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def _change_rule(project: Path, reasons: list[str]) -> None:
    path = project / "dbt_project" / "dbt_project.yml"
    text = path.read_text(encoding="utf-8")
    old = yaml.safe_load(text)["vars"][RULE]
    path.write_text(text.replace(f"{RULE}: [{', '.join(old)}]", f"{RULE}: [{', '.join(reasons)}]"))
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["vars"][RULE] == reasons


def _state_figure(config: Path, insats: str, start: str, end: str, value: int) -> None:
    """The insats published the figure by hand, as computed under the original rule."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["stated_figures"] = [
        {
            "insats": insats,
            "unit": None,
            "figure": "work_or_studies_exits",
            "period_from": date.fromisoformat(start),
            "period_to": date.fromisoformat(end),
            "stated_value": value,
            "source": "Årsrapport",
        }
    ]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def original(demo_warehouse: Path) -> tuple:
    """The insats and year with the most exits to work or studies in the shared demo run."""
    return query(demo_warehouse, INSATS_YEAR)[0]


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory, original: tuple) -> Path:
    """The same demo landing run through a copy of the project counting only Arbete."""
    insats, _, start, end, before = original
    project = _project_copy(tmp_path_factory.mktemp("project"))
    _change_rule(project, ["Arbete"])
    root = tmp_path_factory.mktemp("changed_rule")
    env = case_env(root)
    generate(DEMO_PARTICIPANTS, DEMO_SEED, root / "landing", root / "config" / "insatser.yml")
    _state_figure(root / "config" / "insatser.yml", insats, start, end, before)
    env["FINSAM_PSEUDONYM_KEY"] = "test-key-not-secret"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.run"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=PIPELINE_TIMEOUT_SECONDS,
        check=False,
    )
    assert (root / "warehouse.duckdb").is_file(), (result.stdout + result.stderr)[-4000:]
    return root / "warehouse.duckdb"


def _work_or_studies_exits(warehouse: Path, insats: str, year: str) -> int:
    [(exits,)] = query(
        warehouse,
        "select work_or_studies_exits from marts.outcomes where insats = ? and "
        "unit = 'Alla enheter' and period_type = 'calendar_year' and period_label = ? "
        "and dimension = 'total'",
        [insats, year],
    )
    return exits


def test_the_marts_follow_the_rule(original: tuple, changed: Path) -> None:
    """With only Arbete counting, the year's exits to studies drop out of the figure."""
    insats, label, *_, before = original
    after = _work_or_studies_exits(changed, insats, label)
    [(studies,)] = query(
        changed,
        "select count(*) from marts.enrolments where insats = ? and exit_reason = 'Studier' "
        "and year(exit_date) = ?",
        [insats, int(label)],
    )
    assert studies > 0, "the year must have exits to studies for the rule to matter"
    assert after == before - studies


def test_the_report_follows_the_rule(
    original: tuple, changed: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    insats, label, start, end, before = original
    after = _work_or_studies_exits(changed, insats, label)
    monkeypatch.setenv("FINSAM_WAREHOUSE", str(changed))
    assert report_main(["--insats", insats, "--from", start, "--to", end, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["work_or_studies_exits"] == after != before
    definition = report["figures"]["work_or_studies_exits"]["definition"]
    assert "orsaken Arbete." in definition and "Studier" not in definition


def test_the_dashboard_follows_the_rule(
    original: tuple, changed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    insats, label, *_ = original
    [(exits, exits_key, work, work_key, label_text)] = query(
        changed,
        "select o.exits, o.exits_cell_key, o.work_or_studies_exits, "
        "o.work_or_studies_exits_cell_key, c.label from marts.outcomes as o, "
        "marts.figure_catalog as c where c.figure_id = 'work_or_studies_share' "
        "and o.insats = ? and o.unit = 'Alla enheter' and o.period_type = 'calendar_year' "
        "and o.period_label = ? and o.dimension = 'total'",
        [insats, label],
    )
    app: AppTest = open_app(changed, monkeypatch)
    for key, value in (
        ("filter_insats", insats),
        ("filter_period_type", "calendar_year"),
        ("filter_period", label),
    ):
        app.selectbox(key=key).set_value(value).run()
    app.switch_page("app_pages/resultat.py").run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    share = perturbed(work, work_key) / perturbed(exits, exits_key)  # as managers see it
    assert metrics[label_text] == f"{share * 100:.0f} %"
    captions = " ".join(caption.value for caption in app.caption)
    assert "orsaken Arbete delat" in captions


def test_the_quality_checks_follow_the_rule(original: tuple, changed: Path) -> None:
    """The figure the insats stated under the old rule no longer matches: a finding."""
    insats, _, _, _, before = original
    [(stated, computed, consistent)] = query(
        changed,
        "select stated_value, computed_value, is_consistent from marts.stated_figure_checks "
        "where insats = ? and figure = 'work_or_studies_exits'",
        [insats],
    )
    assert stated == before and computed < before and not consistent
    findings = query(
        changed,
        "select field from quality.quality_findings where insats = ? "
        "and \"check\" = 'stated_figure_consistent'",
        [insats],
    )
    assert ("work_or_studies_exits",) in findings
