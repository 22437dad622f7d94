"""One definition per figure: for every insats, unit and period type of the demo, the
dashboard (AppTest), the report command (JSON) and SQL on the marts give the same value
for every figure the catalogue places in a period mart and the views show."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.components import UNIT_FORMATS, fmt
from pipelines.disclosure import protect_record
from pipelines.figure_catalog import Figure, protections, read_catalog
from pipelines.report.__main__ import main as report_main
from tests.dashboard.conftest import open_app, query

pytestmark = pytest.mark.slow

OVERVIEW = [  # the figures Översikt shows, in catalogue ids
    "active_at_end",
    "enrolled",
    "exited",
    "queue_at_end",
    "dropouts",
    "goal_share",
    "mean_months",
    "cost_per_served",
]
PERIOD_MARTS = ("period_flows", "outcomes", "throughput_times", "cost_per_participant")


def _catalog(path: Path) -> dict[str, Figure]:
    with duckdb.connect(str(path), read_only=True) as con:
        return read_catalog(con)


def _scopes(path: Path) -> list[tuple[str, str]]:
    rows = query(
        path,
        "select insats, unit from marts.units union "
        "select distinct insats, 'Alla enheter' from marts.period_flows order by 1, 2",
    )
    return [(insats, unit) for insats, unit in rows]


def _complete_periods(path: Path) -> list[tuple[str, str, str, str]]:
    """The latest period of each type that ended before the data's last extraction."""
    return query(
        path,
        """
        with observed as (select max(observed_to_date) as day from marts.enrolments)
        select period_type, arg_max(period_label, period_end), max(period_start)::varchar,
            max(period_end)::varchar
        from marts.period_flows, observed
        where period_end < observed.day and insats = 'Alla insatser' and unit = 'Alla enheter'
        group by period_type order by period_type
        """,
    )


def _mart_row(path: Path, mart: str, insats: str, unit: str, period: tuple) -> dict:
    """One period's row of a period mart, as an analyst would select it."""
    period_type, label = period[0], period[1]
    filters = "insats = ? and period_type = ? and period_label = ?"
    params: list[object] = [insats, period_type, label]
    if mart == "cost_per_participant":
        if unit != "Alla enheter":
            return {}
    else:
        filters += " and unit = ?"
        params.append(unit)
    if mart == "outcomes":
        filters += " and dimension = 'total'"
    rows = query(path, f"select * from marts.{mart} where {filters}", params)
    names = [row[0] for row in query(path, f"describe marts.{mart}")]
    return dict(zip(names, rows[0], strict=True)) if rows else {}


def _sql_figures(path: Path, catalog: dict[str, Figure], insats: str, unit: str, period) -> dict:
    rows = {mart: _mart_row(path, mart, insats, unit, period) for mart in PERIOD_MARTS}
    return {
        figure.figure_id: rows[figure.mart].get(figure.mart_column, _empty(figure))
        for figure in catalog.values()
        if figure.mart in PERIOD_MARTS
    } | {"_rows": rows}


def _empty(figure: Figure) -> object:
    """What a period without a mart row means: no exits counts 0, a share or mean is none."""
    return 0 if figure.unit == "antal" else None


def _report(capsys: pytest.CaptureFixture, insats: str, unit: str, period) -> dict:
    _, _, start, end = period
    code = report_main(
        ["--insats", insats, "--unit", unit, "--from", start, "--to", end, "--format", "json"]
    )
    assert code == 0
    return json.loads(capsys.readouterr().out)


def _choose(app: AppTest, key: str, value: str) -> None:
    """Pick a sidebar choice as a user would (only when it changes: each pick is a run)."""
    box = app.selectbox(key=key)
    if box.value != value:
        box.set_value(value).run()
        assert not app.exception, [e.value for e in app.exception]


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def _close(left: object, right: object) -> bool:
    if left is None or right is None:
        return left is right
    return float(left) == pytest.approx(float(right), abs=1e-9)


def test_dashboard_report_and_sql_agree(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    published = demo_warehouse
    monkeypatch.setenv("FINSAM_WAREHOUSE", str(published))
    catalog = _catalog(published)
    app = open_app(published, monkeypatch)
    compared = 0
    scopes = _scopes(published)
    for period in _complete_periods(published):
        _choose(app, "filter_period_type", period[0])
        _choose(app, "filter_period", period[1])
        for insats, unit in scopes:
            _choose(app, "filter_insats", insats)
            _choose(app, "filter_unit", unit)
            where = f"{insats} / {unit} / {period[0]} {period[1]}"
            sql = _sql_figures(published, catalog, insats, unit, period)
            report = _report(capsys, insats, unit, period)
            shown = _metrics(app)
            for figure_id in report["figures"]:
                if figure_id in sql:
                    assert _close(report[figure_id], sql[figure_id]), (where, figure_id)
                    compared += 1
            for figure_id in OVERVIEW:
                figure = catalog[figure_id]
                row = sql["_rows"][figure.mart]
                protected = protect_record(row, protections(catalog, figure.mart)) if row else {}
                expected = protected.get(figure.mart_column, sql[figure_id])
                assert shown[figure.label] == fmt(expected, UNIT_FORMATS[figure.unit]), (
                    where,
                    figure_id,
                )
                compared += 1
    assert compared > 1000
