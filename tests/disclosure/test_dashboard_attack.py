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
  transition, served and goal exits beside the costs), which state no relation;
- Uppföljning, for every tertial exit cohort: covered against the cohort and the cohort
  against the exits (equal once a cohort is mature), the income-source persons against the
  covered, the return bands against their base, ended + lowered + unchanged against the
  covered, the participants per paying party against the cohort, and every breakdown
  (enhet, kön, åldersgrupp, …) against the cohort as a whole. A relation that is an
  inequality in general (covered <= cohort, the bands <= base) is used wherever the true
  counts make it an equality, the case in which it could pin a cell.

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
from dashboards.components import fmt, latest_first
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
FOLLOW_UP_KEYS = {  # mart -> the columns that, with cohort and group, name a row
    "follow_up_status": ["months_after"],
    "follow_up_status_by_source": ["months_after", "income_source", "extent"],
    "follow_up_returns": [],
    "follow_up_payments": ["party"],
    "follow_up_benefit_extent": ["months_after"],
}
BREAKDOWNS = ("unit", "gender", "age_band", "income_source_at_enrolment", "exit_reason")
FOLLOW_UP_VARIANTS = {  # the attack on the follow-up page alone, as published and unprotected
    "dashboard": "follow_up",
    "exact_totals": "follow_up_exact_totals",
    "masked_only": "follow_up_masked_only",
}


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


def _follow_up_rows(wh: data.Warehouse, insats: str, tertials: list[str]) -> pd.DataFrame:
    """Every count the Uppföljning page shows for the insats's tertial cohorts, as shown and
    as true, one row per cell: cohort, mart, dimension, group, key, column."""
    f = data.Filters(insats=insats, period_type="tertial", period_label=tertials[-1])
    frames = []
    for mart, keys in FOLLOW_UP_KEYS.items():
        counts = list(data.FOLLOW_UP_MARTS[mart].counts)
        dimensions = ["all"] if mart == "follow_up_status_by_source" else ["all", *BREAKDOWNS]
        for dimension in dimensions:
            shown = data.follow_up(wh, f, mart, tertials, dimension)
            true = query_frame(
                Path(wh.path),
                f"select period_label, dimension_value, {', '.join(keys + counts)} "
                f"from marts.{mart} where insats = ? and period_type = 'tertial' "
                "and dimension = ?",
                [insats, dimension],
            )
            merged = shown.rename(columns={"paying_party": "party"}).merge(
                true, on=["period_label", "dimension_value", *keys], suffixes=("", "_true")
            )
            key = merged[keys].astype(str).agg("/".join, axis=1) if keys else ""
            for column in counts:
                frames.append(
                    pd.DataFrame(
                        {
                            "cohort": merged["period_label"],
                            "where": f"{mart}/{dimension}/" + merged["dimension_value"],
                            "key": key,
                            "column": column,
                            "shown": merged[column],
                            "true": merged[f"{column}_true"],
                        }
                    )
                )
    rows = pd.concat(frames, ignore_index=True)
    # Counts shown as numbers; "ej mogen kohort" (or nothing, for an empty cohort) tells none.
    return rows[rows["shown"].map(lambda v: isinstance(v, int))]


def _follow_up_view(rows: pd.DataFrame, scope: str) -> View:
    """One cohort's cells and the relations a reader of the page can use between them."""
    view = View()
    names = {}
    for where, key, column, true, shown in rows[
        ["where", "key", "column", "true", "shown"]
    ].itertuples(index=False):
        names[(where, key, column)] = view.cell(f"{scope}/{where}/{key}/{column}", true, shown)

    def relate(parts: list[tuple], whole: tuple) -> None:
        cells = [names[p] for p in parts if p in names]
        if whole in names and cells and sum(c.true for c in cells) == names[whole].true:
            view.relations.append(total(cells, names[whole]))

    status = "follow_up_status/all/Alla"
    for where, key, column in list(names):
        mart = where.split("/")[0]
        if mart == "follow_up_status" and column == "cohort":
            relate([(where, key, "covered")], (where, key, "cohort"))
            relate([(where, key, "cohort")], (where, key, "exits"))
            relate([(where, key, "self_supporting")], (where, key, "covered"))
        elif mart == "follow_up_returns" and column == "base":
            relate(
                [(where, key, band) for band in data.FOLLOW_UP_MARTS[mart].counts[1:]],
                (where, key, "base"),
            )
        elif mart == "follow_up_benefit_extent" and column == "covered":
            relate(
                [(where, key, c) for c in ("ended", "lowered", "unchanged")],
                (where, key, "covered"),
            )
            relate([(where, key, "covered")], (where, key, "base"))
        elif mart == "follow_up_payments" and column == "participants":
            group = where.removeprefix("follow_up_payments/")
            relate([(where, key, column)], (f"follow_up_status/{group}", "6", "cohort"))
    by_month = defaultdict(list)
    for where, key, column in names:
        if where.startswith("follow_up_status_by_source/"):
            by_month[key.split("/")[0]].append((where, key, column))
    for month, parts in by_month.items():
        relate(parts, (status, month, "covered"))
    groups = defaultdict(list)
    for where, key, column in names:
        mart, dimension, _ = where.split("/", 2)
        if dimension != "all":
            groups[(mart, dimension, key, column)].append((where, key, column))
    for (mart, _, key, column), parts in groups.items():
        relate(parts, (f"{mart}/all/Alla", key, column))
    return view


@pytest.fixture(scope="module")
def attacks(demo_warehouse: Path) -> dict[str, Attack]:
    wh = data.Warehouse(str(demo_warehouse), demo_warehouse.stat().st_mtime)
    tertial = latest_tertial(demo_warehouse)
    names = ("dashboard", "exact_totals", "masked_only", *FOLLOW_UP_VARIANTS.values())
    variants = {name: Attack() for name in names}
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
        _attack(variants, insats, view)
        tertials = data.follow_up_cohorts(
            wh, data.Filters(insats=insats, period_type="tertial", period_label=tertial)
        )
        rows = _follow_up_rows(wh, insats, tertials)
        for cohort, cells in rows.groupby("cohort"):
            scope = f"{insats}/{cohort}"
            follow_up = _follow_up_view(cells, scope)
            _attack(variants, scope, follow_up)
            _attack(variants, scope, follow_up, FOLLOW_UP_VARIANTS)
    return variants


def _attack(
    variants: dict[str, Attack], scope: str, view: View, names: dict[str, str] | None = None
) -> None:
    """The reader on one view, as published and with each safeguard off."""
    names = names or {name: name for name in FOLLOW_UP_VARIANTS}
    cells, relations = list(view.cells.values()), view.relations
    variants[names["dashboard"]].add(scope, cells, relations)
    for name, change in (("exact_totals", exact_totals), ("masked_only", masked_only)):
        changed = change(cells)
        variants[names[name]].add(scope, changed, rebuilt(relations, changed))


def test_pages_show_the_frames(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Flöde page's table is the protected frame the attack reads, number for number."""
    app: AppTest = open_app(demo_warehouse, monkeypatch)
    app.switch_page("app_pages/flode.py").run()
    assert not app.exception, [e.value for e in app.exception]
    f = app.session_state["frame"].filters
    wh = data.Warehouse(str(demo_warehouse), demo_warehouse.stat().st_mtime)
    expected = latest_first(data.flows(wh, f))  # tables list the latest period first
    table = next(t.value for t in app.dataframe if len(t.value) == len(expected))
    shown = [int(v) for v in table.iloc[:, 1:7].to_numpy().ravel() if str(v).lstrip("-").isdigit()]
    assert shown == [int(v) for v in expected[list(FLOWS)].to_numpy().ravel()]


def test_the_follow_up_page_shows_the_frames(
    demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Uppföljning page's return and extent tables are the protected frames the attack
    reads, number for number (an immature figure as "ej mogen kohort", no number)."""

    def figure_label(mart: str, column: str) -> str:
        [(label,)] = query(
            demo_warehouse,
            "select label from marts.figure_catalog where mart = ? and mart_column = ?",
            [mart, column],
        )
        return label

    app: AppTest = open_app(demo_warehouse, monkeypatch)
    app.switch_page("app_pages/uppfoljning.py").run()
    assert not app.exception, [e.value for e in app.exception]
    f = app.session_state["frame"].filters
    wh = data.Warehouse(str(demo_warehouse), demo_warehouse.stat().st_mtime)
    cohorts = app.multiselect(key=f"follow_up_cohorts_{f.period_type}_{f.period_label}").value
    for mart, chosen in (
        ("follow_up_returns", cohorts),
        ("follow_up_benefit_extent", [f.period_label]),
    ):
        expected = latest_first(data.follow_up(wh, f, mart, chosen))
        counts = list(data.FOLLOW_UP_MARTS[mart].counts)
        labels = [figure_label(mart, c) for c in counts]
        table = next(t.value for t in app.dataframe if set(labels) <= set(t.value.columns))
        assert len(table) == len(expected)
        for label, column in zip(labels, counts, strict=True):
            assert list(table[label]) == [fmt(v) for v in expected[column]]


@pytest.mark.parametrize("page", ["dashboard", "follow_up"])
def test_the_demo_pages_have_small_cells(attacks: dict[str, Attack], page: str) -> None:
    assert attacks[page].small >= 100, attacks[page].small


@pytest.mark.parametrize("page", ["dashboard", "follow_up"])
def test_no_small_cell_is_shown_at_its_true_value(attacks: dict[str, Attack], page: str) -> None:
    assert attacks[page].shown_exactly == []


@pytest.mark.parametrize("page", ["dashboard", "follow_up"])
def test_relations_give_no_more_than_a_guess(attacks: dict[str, Attack], page: str) -> None:
    assert_only_guesses(attacks[page], MAX_PRECISION)


@pytest.mark.parametrize(
    "safeguard_off",
    ["exact_totals", "masked_only", *list(FOLLOW_UP_VARIANTS.values())[1:]],
)
def test_the_attack_succeeds_without_the_safeguard(
    attacks: dict[str, Attack], safeguard_off: str
) -> None:
    assert_certain_recovery(attacks[safeguard_off])
