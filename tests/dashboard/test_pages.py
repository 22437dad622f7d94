"""AppTest over every page, with the figures checked against the marts they come from."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data
from pipelines.disclosure import CELL_KEY_SUFFIX, MASK, perturbed
from tests.dashboard.conftest import PAGES, open_app, query

FLOW_METRICS = ["active_at_end", "enrolled", "exited", "queue_at_end"]


def show(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"app_pages/{page}.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def shown(value: int | float) -> str:
    """A published (already perturbed) person count as the page writes it."""
    return str(round(value))


def digits(text: str) -> str:
    return text if text == MASK else re.sub(r"[^\d-]", "", text)


def figure_label(path: Path, figure_id: str) -> str:
    """The label the catalogue gives a figure: what every view must show it as."""
    [(label,)] = query(
        path, "select label from marts.figure_catalog where figure_id = ?", [figure_id]
    )
    return label


def flow_row(path: Path, insats: str, unit: str, period_type: str, label: str) -> dict:
    """The period's flow counts as published to managers (perturbed by their cell keys)."""
    columns = [name for column in FLOW_METRICS for name in (column, column + CELL_KEY_SUFFIX)]
    rows = query(
        path,
        f"select {', '.join(columns)} from marts.period_flows "
        "where insats = ? and unit = ? and period_type = ? and period_label = ?",
        [insats, unit, period_type, label],
    )
    assert len(rows) == 1
    row = dict(zip(columns, rows[0], strict=True))
    return {c: perturbed(row[c], row[c + CELL_KEY_SUFFIX]) for c in FLOW_METRICS}


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_without_errors_and_offers_every_table(app: AppTest, page: str) -> None:
    show(app, page)
    assert not app.error, [e.value for e in app.error]
    assert app.title[0].value == PAGES[page]
    assert len(app.download_button) == len(app.dataframe)
    if page != "ordlista":
        assert app.dataframe, "every page but the glossary shows at least one table"


def test_overview_key_figures_equal_period_flows(app: AppTest, published: Path) -> None:
    f = app.session_state["frame"].filters
    expected = flow_row(published, f.insats, f.unit, f.period_type, f.period_label)
    metrics = {m.label: m.value for m in app.metric}
    for column in FLOW_METRICS:
        title = figure_label(published, column)
        assert digits(metrics[title]) == shown(expected[column]), title


def test_overview_follows_insats_unit_and_period_filters(app: AppTest, published: Path) -> None:
    insats, unit, label, previous = query(
        published,
        """
        with years as (
            select insats, unit, period_label, enrolled, active_at_end, period_start,
                lag(period_label) over (partition by insats, unit order by period_start) as prev
            from marts.period_flows
            where period_type = 'calendar_year' and insats <> 'Alla insatser'
                and unit <> 'Alla enheter'
        )
        select insats, unit, period_label, prev from years
        where prev is not null and enrolled >= 5 and active_at_end >= 5
        order by active_at_end desc limit 1
        """,
    )[0]
    app.selectbox(key="filter_insats").set_value(insats).run()
    app.selectbox(key="filter_unit").set_value(unit).run()
    app.selectbox(key="filter_period_type").set_value("calendar_year").run()
    app.selectbox(key="filter_period").set_value(label).run()
    assert not app.exception
    now = flow_row(published, insats, unit, "calendar_year", label)
    before = flow_row(published, insats, unit, "calendar_year", previous)
    metrics = {m.label: m for m in app.metric}
    for column in FLOW_METRICS:
        title = figure_label(published, column)
        assert digits(metrics[title].value) == shown(now[column]), title
    change = now["enrolled"] - before["enrolled"]
    if before["enrolled"] >= 5:
        enrolled = metrics[figure_label(published, "enrolled")]
        assert digits(enrolled.delta) == str(change).lstrip("+")


def test_small_cells_are_shown_perturbed_never_at_their_value(
    app: AppTest, published: Path
) -> None:
    rows = query(
        published,
        """
        select insats, period_type, period_label, dimension, dimension_value, exits,
            exits_cell_key
        from marts.outcomes
        where unit = 'Alla enheter' and exits between 1 and 4
            and dimension in ('age_band', 'referrer', 'time_enrolled_band', 'unit')
        order by insats = 'Alla insatser' desc, period_type = 'calendar_year' desc,
            period_label desc
        limit 1
        """,
    )
    assert rows, "the warehouse should have a breakdown cell under 5 persons"
    insats, period_type, label, dimension, value, exits, key = rows[0]
    app.selectbox(key="filter_insats").set_value(insats).run()
    app.selectbox(key="filter_period_type").set_value(period_type).run()
    app.selectbox(key="filter_period").set_value(label).run()
    show(app, "resultat")
    tables = [t.value for t in app.dataframe if "Grupp" in t.value.columns]
    exits_label = figure_label(published, "exits")
    cells = [t.loc[t["Grupp"] == value, exits_label] for t in tables]
    cells = [digits(str(c.iloc[0])) for c in cells if len(c) == 1]
    assert shown(perturbed(exits, key)) in cells
    assert shown(exits) not in cells


def test_results_state_goal_definition(app: AppTest, published: Path) -> None:
    f = app.session_state["frame"].filters
    definitions = query(
        published,
        "select distinct goal_definition from marts.outcomes where insats = ? and unit = ? "
        "and period_type = ? and period_label = ? and dimension = 'total'",
        [f.insats, f.unit, f.period_type, f.period_label],
    )
    show(app, "resultat")
    captions = " ".join(c.value for c in app.caption)
    assert definitions[0][0] in captions


def test_flow_table_equals_period_flows(app: AppTest, published: Path) -> None:
    f = app.session_state["frame"].filters
    show(app, "flode")
    expected = query(
        published,
        "select period_label, active_at_end, active_at_end_cell_key, exited, exited_cell_key "
        "from marts.period_flows "
        "where insats = ? and unit = ? and period_type = ? order by period_start",
        [f.insats, f.unit, f.period_type],
    )
    table = app.dataframe[0].value
    assert table["Period"].iloc[0] == f.period_label, "the latest period first"
    by_label = {
        label: (perturbed(active, active_key), perturbed(exited, exited_key))
        for label, active, active_key, exited, exited_key in expected
    }
    for _, row in table.iterrows():
        active, exited = by_label[row["Period"]]
        assert digits(str(row[figure_label(published, "active_at_end")])) == shown(active)
        assert digits(str(row[figure_label(published, "exited")])) == shown(exited)


def test_throughput_trend_equals_mart(app: AppTest, published: Path) -> None:
    """The chosen period type's genomströmningstid, each period read as the 12 months
    ending with it: the same rows the report and an analyst get."""
    f = app.session_state["frame"].filters
    show(app, "tid_till_utfall")
    expected = query(
        published,
        "select period_label, throughput_exits, mean_months from marts.throughput_times "
        "where insats = ? and unit = ? and period_type = ? and period_start <= "
        "(select max(period_start) from marts.throughput_times where period_type = ? "
        "and period_label = ?) order by period_start desc",
        [f.insats, f.unit, f.period_type, f.period_type, f.period_label],
    )
    table = app.dataframe[0].value
    assert list(table["Period"]) == [label for label, _, _ in expected], "latest first"
    mean_label = figure_label(published, "mean_months")
    for (_, row), (_, exits, mean) in zip(table.iterrows(), expected, strict=True):
        if exits >= 5:
            assert row[mean_label] == f"{mean:.1f} mån".replace(".", ",")
        else:
            assert row[mean_label] == MASK


def test_economy_totals_equal_budget_mart(app: AppTest, published: Path) -> None:
    f = app.session_state["frame"].filters
    show(app, "ekonomi")
    as_of, budget, forecast_result = query(
        published,
        """
        with chosen as (
            select max(as_of_date) as as_of_date from marts.budget_vs_forecast
            where as_of_date <= (select period_end from marts.period_flows
                                 where period_type = ? and period_label = ? limit 1)
        )
        select as_of_date, budget, forecast_result from marts.budget_vs_forecast
        where as_of_date = (select as_of_date from chosen) and insats = ?
            and cost_line = 'Totalt'
        """,
        [f.period_type, f.period_label, f.insats],
    )[0]
    assert app.selectbox(key="economy_as_of").value == as_of
    metrics = {m.label: m.value for m in app.metric}
    assert digits(metrics[figure_label(published, "budget")]) == f"{budget:.0f}"
    result_label = figure_label(published, "forecast_result")
    assert digits(metrics[result_label]) == f"{forecast_result:.0f}"


# The page's default: what can still be fixed (active cases, recently closed ones).
WORKLIST_SCOPE = (
    "(? = 'Alla insatser' or insats = ?) and (? = 'Alla enheter' or unit is not distinct from ?) "
    "and is_fixable"
)


def _scope(f: data.Filters) -> list[object]:
    return [f.insats, f.insats, f.unit, f.unit]


def test_worklist_summary_counts_equal_findings(app: AppTest, published: Path) -> None:
    f = app.session_state["frame"].filters
    show(app, "datakvalitet")
    expected = query(
        published,
        "select coalesce(unit, ''), coalesce(caseworker, ''), count(*) "
        f"from marts.steward_worklist where {WORKLIST_SCOPE} group by all",
        _scope(f),
    )
    assert expected, "the demo should have open findings to list"
    overview = next(t.value for t in app.dataframe if "Öppna avvikelser" in t.value.columns)
    keys = overview[["Enhet", "Handläggare"]].fillna("")
    shown_counts = overview["Öppna avvikelser"].groupby([keys["Enhet"], keys["Handläggare"]])
    assert sorted(shown_counts.sum().items()) == sorted(
        ((unit, caseworker), count) for unit, caseworker, count in expected
    )
    metrics = {m.label: m.value for m in app.metric}
    assert digits(metrics["Öppna avvikelser"]) == str(sum(c for _, _, c in expected))


def test_worklist_shows_what_can_be_fixed_unless_asked_for_all(
    app: AppTest, published: Path
) -> None:
    """Findings on cases closed more than worklist_fixable_days ago only under "Alla"."""
    show(app, "datakvalitet")
    counts = dict(
        query(published, "select is_fixable, count(*) from marts.steward_worklist group by all")
    )
    assert counts.get(True) and counts.get(False), "the demo has old and fixable findings"
    [(closed_long_ago,)] = query(
        published,
        "select count(*) from marts.steward_worklist where not is_fixable and "
        "exit_date >= (select as_of from quality.quality_run) - 90",
    )
    assert closed_long_ago == 0
    metrics = {m.label: m.value for m in app.metric}
    assert digits(metrics["Öppna avvikelser"]) == str(counts[True])
    app.radio(key="worklist_scope").set_value("Alla avvikelser").run()
    metrics = {m.label: m.value for m in app.metric}
    assert digits(metrics["Öppna avvikelser"]) == str(counts[True] + counts[False])
    per_caseworker = next(
        t.value
        for t in app.dataframe
        if "Varav på aktiva ärenden" in t.value.columns and "Fält" not in t.value.columns
    )
    assert per_caseworker["Öppna avvikelser"].sum() == counts[True] + counts[False]


def test_check_results_read_as_swedish_not_identifiers_or_json(
    app: AppTest, published: Path
) -> None:
    show(app, "datakvalitet")
    checks = next(t.value for t in app.dataframe if "Regel" in t.value.columns)
    [(latest,)] = query(
        published,
        "select count(*) from quality.quality_results "
        "where run_at = (select max(run_at) from quality.quality_results)",
    )
    assert len(checks) == latest
    assert not checks.astype(str).stack().str.contains("{", regex=False).any()  # no JSON
    named = checks[["Regel", "Allvarlighet", "Resultat"]].astype(str).stack()
    assert not named.str.contains(r"_|<=", regex=True).any()  # no identifiers
    assert "Datum i ordning: Inskrivningsdatum före Avslutsdatum" in set(checks["Regel"])
    assert set(checks["Resultat"]) <= {"Godkänd", "Ej godkänd"}
    counted = checks[checks["Resultat"] == "Ej godkänd"]["Avvikande rader"].dropna()
    assert not counted.empty and (counted.astype(float) > 0).all()


def _cases(published: Path, f: data.Filters, unit: str, caseworker: str) -> list[tuple]:
    return query(
        published,
        "select case_id, days_open from marts.steward_worklist "
        f"where {WORKLIST_SCOPE} and caseworker is not distinct from ? "
        "order by priority, days_open desc nulls last, since_date nulls last, unit, case_id, "
        "field",
        [*_scope(f)[:2], unit, unit, caseworker],
    )


def _listed(app: AppTest) -> list[tuple]:
    worklist = next(t.value for t in app.dataframe if "ÄrendeID" in t.value.columns)
    return list(zip(worklist["ÄrendeID"], worklist["Dagar öppen"], strict=True))


def test_worklist_lists_the_chosen_caseworkers_cases_priority_then_oldest(
    app: AppTest, published: Path
) -> None:
    f = app.session_state["frame"].filters
    show(app, "datakvalitet")
    choice = app.selectbox(key="worklist_caseworker")
    (oldest,) = query(
        published,
        f"select max(days_open) from marts.steward_worklist where {WORKLIST_SCOPE}",
        _scope(f),
    )[0]
    default_cases = _cases(published, f, *choice.value)
    assert max(days for _, days in default_cases) == oldest
    assert _listed(app) == default_cases
    other = query(
        published,
        f"select unit, caseworker from marts.steward_worklist where {WORKLIST_SCOPE} "
        "group by all order by max(days_open), unit, caseworker limit 1",
        _scope(f),
    )[0]
    assert other != tuple(choice.value), "the demo should have more than one caseworker"
    choice.set_value(other).run()
    assert tuple(app.selectbox(key="worklist_caseworker").value) == other
    assert _listed(app) == _cases(published, f, *other)


def test_worklist_is_cut_at_its_limit_oldest_kept(published: Path) -> None:
    wh = data.Warehouse(str(published.resolve()), published.stat().st_mtime)
    summary = data.worklist_summary(wh, data.ALL_INSATSER, data.ALL_UNITS, True)
    unit, caseworker = summary.iloc[0][["unit", "caseworker"]]
    everything = _cases(published, data.Filters(), unit, caseworker)
    assert len(everything) > 3
    cut = data.worklist(wh, data.ALL_INSATSER, unit, caseworker, True, limit=3)
    assert list(zip(cut["case_id"], cut["days_open"], strict=True)) == everything[:3]


def test_reconciliation_counts_equal_mart(app: AppTest, published: Path) -> None:
    show(app, "avstamning")
    expected = query(
        published,
        "select esf_project, only_case_system from marts.scb_reconciliation_by_project "
        "order by esf_project",
    )
    table = next(t.value for t in app.dataframe if "ESF-projekt" in t.value.columns)
    assert list(table["ESF-projekt"]) == [project for project, _ in expected]
    column = table[figure_label(published, "only_case_system")]
    for shown_count, (_, count) in zip(column, expected, strict=True):
        assert digits(str(shown_count)) == shown(count)


def test_deliveries_page_counts_every_file_by_status_as_the_mart(
    app: AppTest, published: Path
) -> None:
    show(app, "leveranser")
    counts = dict(query(published, "select status, count(*) from marts.deliveries group by all"))
    assert counts.get("inläst") and counts.get("ersatt") and counts.get("dubblett")
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Inlästa, aktuella"] == str(counts["inläst"])
    assert metrics["Dubbletter"] == str(counts["dubblett"])
    assert metrics["I karantän"] == str(counts.get("i karantän", 0))
    listed = next(t.value for t in app.dataframe if "Fil" in t.value.columns)
    assert len(listed) == sum(counts.values())
    assert list(listed["Mottagen"]) == sorted(listed["Mottagen"], reverse=True)
    app.multiselect(key="deliveries_status").set_value(["dubblett"]).run()
    duplicates = next(t.value for t in app.dataframe if "Fil" in t.value.columns)
    assert len(duplicates) == counts["dubblett"]
    assert duplicates["Orsak"].str.startswith("samma innehåll som ").all()


def test_without_warehouse_a_swedish_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(tmp_path / "not_yet.duckdb", monkeypatch)
    assert not app.exception
    assert "Inget datalager är publicerat ännu" in app.warning[0].value


def test_new_publication_shows_at_once_and_stale_data_warns(
    private_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(private_copy, monkeypatch)
    assert not [w for w in app.warning if "äldre än ett dygn" in w.value]
    f = app.session_state["frame"].filters
    # The app's connection is read-only: other readers open the file beside it, and the
    # run replaces the file (below) instead of writing into it.
    duckdb.connect(str(private_copy), read_only=True).close()

    republished = tmp_path / "next.duckdb"
    shutil.copy(private_copy, republished)
    con = duckdb.connect(str(republished))
    con.execute("update meta.publication set published_at = now() - interval 2 days")
    con.execute(
        "update marts.period_flows set active_at_end = 4321 where insats = ? and unit = ? "
        "and period_type = ? and period_label = ?",
        [f.insats, f.unit, f.period_type, f.period_label],
    )
    con.close()
    os.replace(republished, private_copy)

    app.run()
    assert not app.exception
    assert [w for w in app.warning if "äldre än ett dygn" in w.value]
    metrics = {m.label: m.value for m in app.metric}
    assert digits(metrics[figure_label(private_copy, "active_at_end")]) == "4321"


def test_gender_filter_shows_that_groups_outcomes(app: AppTest, published: Path) -> None:
    f = app.session_state["frame"].filters
    app.selectbox(key="filter_gender").set_value("K").run()
    show(app, "resultat")
    (exits, key) = query(
        published,
        "select exits, exits_cell_key from marts.outcomes where insats = ? and unit = ? "
        "and period_type = ? and period_label = ? and dimension = 'gender' "
        "and dimension_value = 'K'",
        [f.insats, f.unit, f.period_type, f.period_label],
    )[0]
    metrics = {m.label: m.value for m in app.metric}
    assert digits(metrics[figure_label(published, "exits")]) == shown(perturbed(exits, key))


def test_municipality_filter_shows_the_municipality_row(app: AppTest, published: Path) -> None:
    """A municipality is a mart row (a person counted where their episode's units are), not
    a sum the dashboard makes of its units."""
    f = app.session_state["frame"].filters
    municipality, active, key = query(
        published,
        """
        select flows.municipality_name, flows.active_at_end, flows.active_at_end_cell_key
        from marts.municipality_flows as flows
        where flows.insats = ? and flows.period_type = ? and flows.period_label = ?
            and flows.municipality_name in (select municipality_name from marts.units)
        order by flows.active_at_end desc, 1
        limit 1
        """,
        [f.insats, f.period_type, f.period_label],
    )[0]
    app.selectbox(key="filter_municipality").set_value(municipality).run()
    show(app, "flode")
    assert any(f"Kommun {municipality}" in c.value for c in app.caption if "Urval" in c.value)
    table = app.dataframe[0].value
    assert table["Period"].iloc[0] == f.period_label
    active_label = figure_label(published, "active_at_end")
    assert digits(str(table[active_label].iloc[0])) == shown(perturbed(active, key))


def test_a_running_period_is_marked_preliminary(app: AppTest, published: Path) -> None:
    """The tertial still running at the last delivery is offered as preliminary, and the
    page says why; a closed tertial is not."""
    partial = query(
        published,
        "select period_label from marts.period_flows where insats = 'Alla insatser' "
        "and unit = 'Alla enheter' and period_type = 'tertial' and is_partial",
    )
    assert partial, "the demo ends inside a tertial"
    box = app.selectbox(key="filter_period")
    assert box.format_func(partial[0][0]).endswith("(preliminär)")
    box.set_value(partial[0][0]).run()
    assert any("Preliminär" in caption.value for caption in app.sidebar.caption)
    closed = [option for option in box.options if "preliminär" not in option]
    app.selectbox(key="filter_period").set_value(closed[0]).run()
    assert not any("Preliminär" in caption.value for caption in app.sidebar.caption)


def test_reconciliation_of_the_chosen_period_beside_all_time(app: AppTest, published: Path) -> None:
    """The page reconciles the chosen period (the mart row) and states all time beside it."""
    f = app.session_state["frame"].filters
    insats, period, period_key, all_time, all_time_key = query(
        published,
        "select periods.insats, periods.persons, periods.persons_cell_key, units.persons, "
        "units.persons_cell_key "
        "from marts.scb_reconciliation_periods as periods "
        "join marts.scb_reconciliation_by_unit as units using (insats, unit) "
        "where periods.unit = 'Alla enheter' and periods.period_type = ? "
        "and periods.period_label = ? order by 1 limit 1",
        [f.period_type, f.period_label],
    )[0]
    assert period < all_time
    app.selectbox(key="filter_insats").set_value(insats).run()
    show(app, "avstamning")
    table = next(t.value for t in app.dataframe if "Avser" in t.value.columns)
    column = table[figure_label(published, "reconciled_persons")]
    persons = dict(zip(table["Avser"], column, strict=True))
    assert digits(str(persons["Under perioden"])) == shown(perturbed(period, period_key))
    assert digits(str(persons["Sedan första leveransen"])) == shown(
        perturbed(all_time, all_time_key)
    )
