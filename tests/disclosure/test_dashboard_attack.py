"""The attacker test for the dashboard (issue 15): for every insats and unit of the demo and
every tertial up to the latest, the numbers the pages draw (each page renders the frames of
`dashboards.data`, its charts and CSV downloads included; `test_pages_show_the_frames`
checks that against the real app) are read with every relation a reader can use:

- Flöde and Översikt: the flow identity and served = start + enrolled in every tertial, a
  tertial's end against the next one's start, the units of an insats against the insats;
- Resultat: each breakdown (kön, åldersgrupp, remittent, …) against its total, the exit
  reasons against the exits;
- Avstämning: the three groups against the persons;
- Tid till utfall: at risk on a day against the next day's at risk, events, competing
  and censored;
- Ekonomi, Försörjning and the reach table: their counts (participants, persons per
  transition, served and goal exits beside the costs), which state no relation.

As for the report, no small cell may be shown at its true value and a relation's answer
for one must stay a guess; the same attack with the totals exact or with "<5" masking
alone recovers cells with certainty.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data
from tests.dashboard.conftest import open_app, query
from tests.disclosure.attack import (
    Attack,
    Cell,
    Relation,
    assert_certain_recovery,
    assert_only_guesses,
    total,
)
from tests.disclosure.test_report_attack import MAX_PRECISION, exact_totals, masked_only, rebuilt

FLOWS = ("active_at_start", "enrolled", "exited", "dropouts", "active_at_end", "served")
OUTCOME_COUNTS = ("exits", "goal_exits", "goal_share_base", "work_or_studies_exits")
SURVIVAL_COUNTS = ("at_risk", "events", "competing", "censored")


class View:
    """The cells of one page for one scope, and the relations between them."""

    def __init__(self) -> None:
        self.cells: dict[str, Cell] = {}
        self.relations: list[Relation] = []

    def cell(self, name: str, true: object, shown: object) -> Cell:
        return self.cells.setdefault(name, Cell(name, int(true), shown))


def flow_view(view: View, scope: str, shown: pd.DataFrame, true: pd.DataFrame) -> None:
    previous_end = None
    for i in range(len(shown)):
        label = shown.iloc[i]["period_label"]
        cells = {
            column: view.cell(
                f"{scope}/{label}/{column}", true.iloc[i][column], shown.iloc[i][column]
            )
            for column in FLOWS
        }
        view.relations += [
            Relation(
                (
                    (1, cells["active_at_start"]),
                    (1, cells["enrolled"]),
                    (-1, cells["exited"]),
                    (-1, cells["active_at_end"]),
                )
            ),
            total([cells["active_at_start"], cells["enrolled"]], cells["served"]),
        ]
        if previous_end is not None:
            view.relations.append(total([previous_end], cells["active_at_start"]))
        previous_end = cells["active_at_end"]


def query_frame(path: Path, sql: str, params: list) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params).df()


def scopes(warehouse: Path) -> list[tuple[str, str]]:
    return query(
        warehouse,
        "select insats, unit from marts.units where unit <> 'Flera enheter' union "
        "select distinct insats, 'Alla enheter' from marts.period_flows order by 1, 2",
    )


def latest_tertial(warehouse: Path) -> str:
    return query(
        warehouse,
        "select max(period_label) from marts.period_flows where period_type = 'tertial'",
    )[0][0]


def _flows_exact(path: Path, insats: str, unit: str, labels: list[str]) -> pd.DataFrame:
    df = query_frame(
        path,
        f"select period_label, {', '.join(FLOWS)} from marts.period_flows "
        "where insats = ? and unit = ? and period_type = 'tertial' order by period_start",
        [insats, unit],
    )
    return df.set_index("period_label").loc[labels].reset_index()


def _outcome_view(view: View, wh: data.Warehouse, f: data.Filters, scope: str) -> None:
    path = Path(wh.path)
    for dimension in ("total", "gender", "age_band", "referrer", "income_source_at_enrolment"):
        shown = data.outcomes(wh, f, dimension)
        true = query_frame(
            path,
            f"select dimension_value, {', '.join(OUTCOME_COUNTS)} from marts.outcomes "
            "where insats = ? and unit = ? and period_type = ? and period_label = ? "
            "and dimension = ? order by dimension_value",
            [f.insats, f.unit, f.period_type, f.period_label, dimension],
        ).set_index("dimension_value")
        for _, row in shown.iterrows():
            value = row["dimension_value"]
            for column in OUTCOME_COUNTS:
                view.cell(
                    f"{scope}/outcomes/{dimension}/{value}/{column}",
                    true.loc[value, column] if value in true.index else 0,
                    row[column],
                )
    totals = {c: view.cells.get(f"{scope}/outcomes/total/None/{c}") for c in OUTCOME_COUNTS}
    for dimension in ("gender", "age_band", "referrer", "income_source_at_enrolment"):
        for column, whole in totals.items():
            parts = [
                cell
                for name, cell in view.cells.items()
                if name.startswith(f"{scope}/outcomes/{dimension}/") and name.endswith(column)
            ]
            if whole is not None and parts and sum(p.true for p in parts) == whole.true:
                view.relations.append(total(parts, whole))
    shown = data.exits_by_reason(wh, f)
    true = dict(
        query(
            path,
            "select exit_reason, exits from marts.exits_by_reason where insats = ? and unit = ? "
            "and period_type = ? and period_label = ?",
            [f.insats, f.unit, f.period_type, f.period_label],
        )
    )
    reasons = [
        view.cell(f"{scope}/reasons/{r}", true.get(r, 0), s)
        for r, s in zip(shown["exit_reason"], shown["exits"], strict=True)
    ]
    if totals["exits"] is not None and reasons:
        view.relations.append(total(reasons, totals["exits"]))


def _reconciliation_view(view: View, wh: data.Warehouse, f: data.Filters, scope: str) -> None:
    shown = data.reconciliation_in_period(wh, f)
    path = Path(wh.path)
    true = query_frame(
        path,
        "select both_sources, only_case_system, only_scb, persons "
        "from marts.scb_reconciliation_periods where insats = ? and unit = ? "
        "and period_type = ? and period_label = ? union all "
        "select both_sources, only_case_system, only_scb, persons "
        "from marts.scb_reconciliation_by_unit where insats = ? and unit = ?",
        [f.insats, f.unit, f.period_type, f.period_label, f.insats, f.unit],
    )
    for i in range(min(len(shown), len(true))):
        cells = {
            c: view.cell(f"{scope}/scb/{i}/{c}", true.iloc[i][c], shown.iloc[i][c])
            for c in ("both_sources", "only_case_system", "only_scb", "persons")
        }
        view.relations.append(
            total(
                [cells["both_sources"], cells["only_case_system"], cells["only_scb"]],
                cells["persons"],
            )
        )


def _plain_counts(view: View, wh: data.Warehouse, f: data.Filters, scope: str) -> None:
    """Ekonomi, Försörjning and Räckvidd: counts shown with no relation between them."""
    path = Path(wh.path)
    pages = [
        (
            data.cost_per_participant(wh, f),
            "cost_per_participant",
            ["served", "goal_exits"],
            ["period_label"],
            "insats = ? and period_type = ?",
            [f.insats, f.period_type],
        ),
        (
            data.reach(wh, f),
            "reach",
            ["participants"],
            ["municipality_name", "year"],
            "insats = ?",
            [f.insats],
        ),
    ]
    for kind, mart in data.TRANSITION_MARTS.items():
        pages.append(
            (
                data.transitions(wh, f, kind),
                mart,
                ["persons"],
                ["before", "after"],
                "insats = ? and period_type = ? and period_label = ?",
                [f.insats, f.period_type, f.period_label],
            )
        )
    for shown, mart, counts, keys, where, params in pages:
        if shown.empty:
            continue
        true = query_frame(
            path, f"select {', '.join(keys + counts)} from marts.{mart} where {where}", params
        ).set_index(keys)
        for _, row in shown.iterrows():
            index = tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]
            for column in counts:
                view.cell(f"{scope}/{mart}/{index}/{column}", true.loc[index, column], row[column])


def _survival_view(view: View, wh: data.Warehouse, insats: str, scope: str) -> None:
    shown = data.survival(wh, insats, "total", "avslut")
    true = query_frame(
        Path(wh.path),
        f"select dimension_value, day, {', '.join(SURVIVAL_COUNTS)} from marts.time_to_outcome "
        "where insats = ? and dimension = 'total' and outcome = 'avslut' "
        "order by dimension_value, day",
        [insats],
    )
    previous = None
    for i in range(min(len(shown), len(true))):
        cells = {
            c: view.cell(f"{scope}/survival/{i}/{c}", true.iloc[i][c], shown.iloc[i][c])
            for c in SURVIVAL_COUNTS
        }
        if previous is not None:
            view.relations.append(
                Relation(
                    (
                        (1, previous["at_risk"]),
                        (-1, previous["events"]),
                        (-1, previous["competing"]),
                        (-1, previous["censored"]),
                        (-1, cells["at_risk"]),
                    )
                )
            )
        previous = cells


def _units_against_insats(view: View, insats: str, units: list[str]) -> None:
    """Where an insats's units add up to it (no one at two units), a reader can use it."""
    whole = {
        name: cell
        for name, cell in view.cells.items()
        if name.startswith(f"{insats}/{data.ALL_UNITS}/")
    }
    for name, cell in whole.items():
        suffix = name.removeprefix(f"{insats}/{data.ALL_UNITS}/")
        parts = [
            view.cells[f"{insats}/{unit}/{suffix}"]
            for unit in units
            if f"{insats}/{unit}/{suffix}" in view.cells
        ]
        if parts and "/" in suffix and sum(p.true for p in parts) == cell.true:
            view.relations.append(total(parts, cell))


@pytest.fixture(scope="module")
def attacks(demo_warehouse: Path) -> dict[str, Attack]:
    wh = data.Warehouse(str(demo_warehouse), demo_warehouse.stat().st_mtime)
    tertial = latest_tertial(demo_warehouse)
    variants = {name: Attack() for name in ("dashboard", "exact_totals", "masked_only")}
    by_insats: dict[str, list[str]] = defaultdict(list)
    for insats, unit in scopes(demo_warehouse):
        by_insats[insats].append(unit)
    for insats, units in by_insats.items():
        view = View()  # one reader switching between the insats and its units
        for unit in units:
            f = data.Filters(insats=insats, unit=unit, period_type="tertial", period_label=tertial)
            scope = f"{insats}/{unit}"
            shown = data.flows(wh, f)
            true = _flows_exact(demo_warehouse, insats, unit, shown["period_label"].tolist())
            flow_view(view, scope, shown, true)
            _outcome_view(view, wh, f, scope)
            _reconciliation_view(view, wh, f, scope)
            _plain_counts(view, wh, f, scope)
            if unit == data.ALL_UNITS:
                _survival_view(view, wh, insats, scope)
        _units_against_insats(view, insats, [u for u in units if u != data.ALL_UNITS])
        cells, relations = list(view.cells.values()), view.relations
        variants["dashboard"].add(insats, cells, relations)
        for name, change in (("exact_totals", exact_totals), ("masked_only", masked_only)):
            changed = change(cells)
            variants[name].add(insats, changed, rebuilt(relations, changed))
    return variants


def test_pages_show_the_frames(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Flöde page's table is the protected frame the attack reads, number for number."""
    app: AppTest = open_app(demo_warehouse, monkeypatch)
    app.switch_page("app_pages/flode.py").run()
    assert not app.exception, [e.value for e in app.exception]
    f = app.session_state["frame"].filters
    wh = data.Warehouse(str(demo_warehouse), demo_warehouse.stat().st_mtime)
    expected = data.flows(wh, f)
    table = next(t.value for t in app.dataframe if len(t.value) == len(expected))
    shown = [int(v) for v in table.iloc[:, 1:7].to_numpy().ravel() if str(v).lstrip("-").isdigit()]
    assert shown == [int(v) for v in expected[list(FLOWS)].to_numpy().ravel()]


def test_the_demo_pages_have_small_cells(attacks: dict[str, Attack]) -> None:
    assert attacks["dashboard"].small >= 100, attacks["dashboard"].small


def test_no_small_cell_is_shown_at_its_true_value(attacks: dict[str, Attack]) -> None:
    assert attacks["dashboard"].shown_exactly == []


def test_relations_give_no_more_than_a_guess(attacks: dict[str, Attack]) -> None:
    assert_only_guesses(attacks["dashboard"], MAX_PRECISION)


@pytest.mark.parametrize("safeguard_off", ["exact_totals", "masked_only"])
def test_the_attack_succeeds_without_the_safeguard(
    attacks: dict[str, Attack], safeguard_off: str
) -> None:
    assert_certain_recovery(attacks[safeguard_off])
