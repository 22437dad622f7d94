"""A nightly run rebuilds only what the night's files change, and builds what a full build builds.

On a copy of the shared demo (its work database, as the demo's full build left it), two
nights follow: a ledger alone, then a case-system snapshot that supersedes the last one and
drops two cases. Each is a real run of job `nightly`. Then every model is built again
(`dbt run`) on a copy of the last work database: every table must be equal, row for row.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dashboards import data
from dashboards.components import figure_format, figure_label, fmt
from pipelines.bench.delivery import latest_delivery, next_ledger, redeliver
from pipelines.definitions import defs
from pipelines.defs.dbt.assets import profile_vars
from pipelines.defs.dbt.build_selection import STATE_TABLE
from pipelines.defs.dbt.cli_resource import finsam_dbt_cli
from pipelines.defs.resources import WorkDatabase
from pipelines.report.figures import period_report
from pipelines.report.render_markdown import render_markdown
from pipelines.report.sections import label
from pipelines.run import figure_change_lines
from pipelines.settings import load_settings
from tests.conftest import DemoRun, point_environment
from tests.dashboard.conftest import open_app

pytestmark = pytest.mark.slow

BUILT_SCHEMAS = ("staging", "intermediate", "marts", "quality")
DROPPED_CASES = 2


@dataclass
class Nights:
    work_db: Path
    warehouse: Path
    ledger_night: dg.ExecuteInProcessResult
    snapshot_night: dg.ExecuteInProcessResult
    snapshot_file: str
    dropped_cases: list[str]
    snapshot_started: float


def _drop_cases(rows: list[list[str]], day: dt.date) -> list[str]:
    """The snapshot of `day` without its first (oldest) cases, which closed tertials
    counted: what a case system does after a case is removed (a registration error
    deleted at the source)."""
    dropped = [row[0] for row in rows[1 : 1 + DROPPED_CASES]]
    del rows[1 : 1 + DROPPED_CASES]
    return dropped


def _night(landing: Path, kind_folder: str, kind: str, change) -> tuple[str, object]:
    """The next day's delivery of `kind`: its latest file, changed by `change`."""
    latest, day = latest_delivery(landing / kind_folder, kind)
    return redeliver(latest, day + dt.timedelta(days=1), change)


@pytest.fixture(scope="module")
def nights(demo_run: DemoRun, tmp_path_factory: pytest.TempPathFactory) -> Nights:
    root = tmp_path_factory.mktemp("incremental")
    with pytest.MonkeyPatch.context() as patch:
        point_environment(root, patch.setenv)
        settings = load_settings()
        shutil.copytree(demo_run.settings.landing, settings.landing)
        for path in (settings.config, settings.work_db):
            path.parent.mkdir(parents=True)
        shutil.copyfile(demo_run.settings.config, settings.config)
        shutil.copyfile(
            demo_run.settings.warehouse.parent / "work" / settings.work_db.name, settings.work_db
        )
        job = defs().resolve_job_def("nightly")
        with dg.DagsterInstance.ephemeral() as instance:
            _night(settings.landing, "ekonomi", "huvudbok", next_ledger)
            ledger_night = job.execute_in_process(instance=instance, raise_on_error=False)
            snapshot_file, dropped = _night(settings.landing, "arende", "gwa", _drop_cases)
            started = time.time()
            snapshot_night = job.execute_in_process(instance=instance, raise_on_error=False)
    return Nights(
        settings.work_db,
        settings.warehouse,
        ledger_night,
        snapshot_night,
        snapshot_file,
        dropped,
        started,
    )


def _rebuilt(result: dg.ExecuteInProcessResult) -> set[str]:
    """The dbt assets the run built (not those it reported unchanged)."""
    return {
        event.asset_key.path[-1]
        for event in result.get_asset_materialization_events()
        if event.step_key == "finsam_dbt_models"
        and "oförändrad" not in event.materialization.metadata
    }


def _tables(work_db: Path) -> dict[str, list[tuple]]:
    """Every table dbt builds, sorted, without the columns that stamp a build's time."""
    with duckdb.connect(str(work_db), read_only=True) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {BUILT_SCHEMAS} order by all"
        ).fetchall()
        contents = {}
        for schema, name in names:
            columns = con.execute(
                "select column_name from information_schema.columns where table_schema = ? "
                "and table_name = ? and data_type not like 'TIMESTAMP%' order by ordinal_position",
                [schema, name],
            ).fetchall()
            selected = ", ".join(f'"{column}"' for (column,) in columns)
            contents[f"{schema}.{name}"] = con.execute(
                f'select {selected} from {schema}."{name}" order by all'
            ).fetchall()
    return contents


def _full_build(work_db: Path, copy: Path) -> None:
    """Every model built again on a copy (`dbt run`: the tests already ran each night)."""
    shutil.copyfile(work_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(f"drop table {STATE_TABLE}")
    finsam_dbt_cli().cli(
        ["run", *profile_vars(WorkDatabase(path=str(copy)))], target_path=copy.parent / "t"
    ).wait()


def test_a_night_with_a_ledger_alone_rebuilds_only_the_ledgers_models(nights: Nights) -> None:
    assert nights.ledger_night.success
    rebuilt = _rebuilt(nights.ledger_night)
    assert "cost_per_participant" in rebuilt
    assert {"int_ledger_costs_mapped", "deliveries"} <= rebuilt  # deliveries reads the registry
    assert not rebuilt & {
        "stg_raw__case_enrolments",
        "int_enrolment_episodes_merged",
        "support_panel",
    }


def test_a_superseding_snapshot_rebuilds_what_the_dropped_cases_touch(nights: Nights) -> None:
    """The case models, and the follow-up models: a dropped case takes its person's consent
    with it, so ingest purged their income-support rows. Not the ledger's."""
    assert nights.snapshot_night.success
    rebuilt = _rebuilt(nights.snapshot_night)
    assert {"stg_raw__case_enrolments", "period_flows", "support_panel"} <= rebuilt
    assert not rebuilt & {"stg_raw__ledger_transactions", "int_ledger_costs_mapped"}


def test_the_nights_build_what_a_full_build_builds(nights: Nights, tmp_path: Path) -> None:
    full = tmp_path / "full.duckdb"
    _full_build(nights.work_db, full)
    incremental, rebuilt = _tables(nights.work_db), _tables(full)
    assert incremental.keys() == rebuilt.keys()
    assert [name for name in rebuilt if incremental[name] != rebuilt[name]] == []


def _organisation(work_db: Path, file_name: str) -> str:
    with duckdb.connect(str(work_db), read_only=True) as con:
        return con.execute(
            "select organisation from raw.file_registry where file_name = ?", [file_name]
        ).fetchone()[0]


def _current_cases(work_db: Path, organisation: str, cases: list[str]) -> int:
    """How many of `cases` the organisation's current case rows hold."""
    with duckdb.connect(str(work_db), read_only=True) as con:
        return con.execute(
            "select count(distinct case_id) from staging.stg_raw__case_enrolments "
            "where organisation = ? and list_contains(?, case_id)",
            [organisation, cases],
        ).fetchone()[0]


def test_the_dropped_cases_leave_the_warehouse(nights: Nights, demo_run: DemoRun) -> None:
    organisation = _organisation(nights.work_db, nights.snapshot_file)
    demo_work_db = demo_run.settings.warehouse.parent / "work" / nights.work_db.name
    assert _current_cases(demo_work_db, organisation, nights.dropped_cases) == DROPPED_CASES
    assert _current_cases(nights.work_db, organisation, nights.dropped_cases) == 0


def test_a_closed_tertial_the_night_changed_is_revised_with_both_values(nights: Nights) -> None:
    with duckdb.connect(str(nights.warehouse), read_only=True) as con:
        revised = con.execute(
            "select figure_value, first_published_value from marts.tertial_figure_revisions "
            "where is_revised"
        ).fetchall()
        history = con.execute(
            "select count(distinct recorded_at) from marts.tertial_figure_history"
        ).fetchone()[0]
    assert revised and all(now != before for now, before in revised)
    assert history == 2  # the demo's build, and the night that changed the figures
    lines = figure_change_lines(
        nights.warehouse, nights.snapshot_night.run_id, nights.snapshot_started
    )
    assert lines[0].startswith("Ändrade tertialsiffror: ")
    assert any("(reviderad)" in line for line in lines[1:])


def _revised_tertial(warehouse: Path) -> tuple[str, str]:
    """A closed tertial of a whole insats whose shown figures the night changed."""
    wh = data.Warehouse(str(warehouse), warehouse.stat().st_mtime)
    rows = duckdb.connect(str(warehouse), read_only=True).execute(
        "select distinct insats, period_label from marts.tertial_figure_revisions "
        "where is_revised and unit = 'Alla enheter' order by all"
    )
    for insats, period in rows.fetchall():
        chosen = data.Filters(insats=insats, period_type="tertial", period_label=period)
        if not data.revisions(wh, chosen).empty:
            return insats, period
    raise AssertionError("no revision shows once protected")


def test_the_dashboard_shows_reviderad_with_both_values(
    nights: Nights, monkeypatch: pytest.MonkeyPatch
) -> None:
    insats, period = _revised_tertial(nights.warehouse)
    wh = data.Warehouse(str(nights.warehouse), nights.warehouse.stat().st_mtime)
    revised = data.revisions(wh, data.Filters(insats=insats, period_label=period))
    app = open_app(nights.warehouse, monkeypatch)
    app.selectbox(key="filter_insats").set_value(insats).run()
    app.selectbox(key="filter_period").set_value(period).run()
    [warning] = [w.value for w in app.warning if "Reviderad" in w.value]
    shown = revised[["figure_id", "value", "first_published_value"]]
    for figure_id, now, before in shown.itertuples(index=False):
        kind = figure_format(figure_id)
        assert (
            f"{figure_label(figure_id)} {fmt(now, kind)} (tidigare {fmt(before, kind)})" in warning
        )


def test_the_report_shows_reviderad_with_both_values(nights: Nights) -> None:
    insats, period = _revised_tertial(nights.warehouse)
    with duckdb.connect(str(nights.warehouse), read_only=True) as con:
        start, end = con.execute(
            "select period_start, period_end from marts.period_flows "
            "where period_type = 'tertial' and period_label = ? limit 1",
            [period],
        ).fetchone()
    report = period_report(nights.warehouse, insats, None, start, end)
    assert report["revisions"]
    markdown = render_markdown(report)
    assert "(reviderad: se Reviderade siffror)" in markdown
    section = markdown.split("Reviderade siffror", 2)[2]
    assert "| Nu | Först publicerad |" in section
    for entry in report["revisions"]:
        assert label(report, entry["figure_id"]) in section
