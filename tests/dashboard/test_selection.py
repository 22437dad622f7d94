"""AppTest of the selection: every filter reaches every figure or the page says it does not,
the person filters give one consistent panel, and the Översikt trend against the targets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.components import fmt, labels, runs
from pipelines.disclosure import MASK, perturbed
from pipelines.ingest.insats_config import read_config
from tests.conftest import DemoRun
from tests.dashboard.conftest import PAGES, query
from tests.dashboard.test_pages import digits, figure_label, flow_row, show, shown


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def notices(app: AppTest) -> str:
    return " ".join(i.value for i in app.info)


def charts(app: AppTest) -> list[dict]:
    """The Vega-Lite specs of the page's charts."""
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def chart_data(app: AppTest, index: int) -> pd.DataFrame:
    """The rows a chart draws (its Arrow dataset)."""
    dataset = app.get("vega_lite_chart")[index].proto.datasets[0].data.data
    return pa.ipc.open_stream(io.BytesIO(dataset)).read_all().to_pandas()


def largest_municipality(published: Path, mart: str, column: str, f) -> str:
    """The real municipality (one in marts.units) with the most persons in `column`."""
    return query(
        published,
        f"select municipality_name from marts.{mart} "
        "where insats = ? and period_type = ? and period_label = ? "
        "and municipality_name in (select municipality_name from marts.units) "
        f"order by {column} desc, 1 limit 1",
        [f.insats, f.period_type, f.period_label],
    )[0][0]


def test_municipality_shows_its_own_throughput_and_says_cost_is_per_insats(
    app: AppTest, published: Path
) -> None:
    f = app.session_state["frame"].filters
    municipality = largest_municipality(
        published, "municipality_throughput_times", "throughput_exits", f
    )
    [(exits, mean)] = query(
        published,
        "select throughput_exits, mean_months from marts.municipality_throughput_times "
        "where insats = ? and municipality_name = ? and period_type = ? and period_label = ?",
        [f.insats, municipality, f.period_type, f.period_label],
    )
    assert exits >= 5
    app.selectbox(key="filter_municipality").set_value(municipality).run()
    shown_metrics = metrics(app)
    assert shown_metrics[figure_label(published, "mean_months")] == fmt(mean, "months")
    assert shown_metrics[figure_label(published, "cost_per_served")] == "–"
    assert figure_label(published, "cost_per_served") in notices(app)


def test_gender_and_age_band_together_give_one_panel_for_everyone(
    app: AppTest, published: Path
) -> None:
    """The marts have no figure for a gender and an age band together: every figure of the
    panel is for everyone in the place, the page says so, and the caption names both."""
    f = app.session_state["frame"].filters
    everyone = metrics(app)
    age_band = app.selectbox(key="filter_age_band").options[1]
    app.selectbox(key="filter_gender").set_value("K")
    app.selectbox(key="filter_age_band").set_value(age_band).run()
    panel = metrics(app)
    expected = flow_row(published, f.insats, f.unit, f.period_type, f.period_label)
    assert digits(panel[figure_label(published, "active_at_end")]) == shown(
        expected["active_at_end"]
    )
    for figure in ("goal_share", "mean_months", "cost_per_served"):
        label = figure_label(published, figure)
        assert panel[label] == everyone[label], label
    assert "Kön (Kvinnor)" in notices(app) and f"Åldersgrupp ({age_band})" in notices(app)
    assert "kön och åldersgrupp tillsammans" in notices(app)
    [urval] = [c.value for c in app.caption if c.value.startswith("Urval")]
    assert "Kvinnor" in urval and f"Åldersgrupp {age_band}" in urval

    show(app, "resultat")
    (exits, key) = query(
        published,
        "select exits, exits_cell_key from marts.outcomes where insats = ? and unit = ? "
        "and period_type = ? and period_label = ? and dimension = 'total'",
        [f.insats, f.unit, f.period_type, f.period_label],
    )[0]
    assert digits(metrics(app)[figure_label(published, "exits")]) == shown(perturbed(exits, key))
    assert "Kön (Kvinnor)" in notices(app) and f"Åldersgrupp ({age_band})" in notices(app)


def test_municipality_and_gender_show_the_municipality_and_name_the_gender(
    app: AppTest, published: Path
) -> None:
    """Outcomes per gender exist within a unit, not within a municipality: the results are
    the municipality's, for everyone, and the page says the gender does not apply."""
    f = app.session_state["frame"].filters
    municipality = largest_municipality(published, "municipality_flows", "exited", f)
    app.selectbox(key="filter_municipality").set_value(municipality)
    app.selectbox(key="filter_gender").set_value("K").run()
    show(app, "resultat")
    (exits, key) = query(
        published,
        "select exits, exits_cell_key from marts.outcomes where insats = ? "
        "and unit = 'Alla enheter' and period_type = ? and period_label = ? "
        "and dimension = 'municipality_name' and dimension_value = ?",
        [f.insats, f.period_type, f.period_label, municipality],
    )[0]
    assert digits(metrics(app)[figure_label(published, "exits")]) == shown(perturbed(exits, key))
    assert "Kön (Kvinnor)" in notices(app)


def test_reach_follows_the_chosen_insats(app: AppTest, published: Path) -> None:
    [(insats,)] = query(
        published,
        "select insats from marts.reach where insats <> 'Alla insatser' "
        "group by insats order by count(distinct municipality_name), 1 limit 1",
    )
    app.selectbox(key="filter_insats").set_value(insats).run()
    show(app, "flode")
    reach = next(t.value for t in app.dataframe if "År" in t.value.columns)
    expected = query(
        published, "select municipality_name, year from marts.reach where insats = ?", [insats]
    )
    assert sorted(zip(reach["Kommun"], reach["År"], strict=True)) == sorted(expected)


def test_overview_trend_has_each_insats_latest_tertial_first_against_its_target(
    app: AppTest, published: Path
) -> None:
    f = app.session_state["frame"].filters
    assert f.insats == "Alla insatser" and f.period_type == "tertial"
    tertials = [
        label
        for label, _ in query(
            published,
            "select distinct period_label, period_start from marts.period_flows "
            "where period_type = 'tertial' and period_end <= (select max(period_end) "
            "from marts.period_flows where period_type = 'tertial' and period_label = ?) "
            "order by period_start desc limit 6",
            [f.period_label],
        )
    ]
    table = next(t.value for t in app.dataframe if "Insats" in t.value.columns)
    assert list(dict.fromkeys(table["Period"])) == tertials
    assert "Alla insatser" not in set(table["Insats"])
    rows = query(
        published,
        "select insats, period_label, exits, exits_cell_key from marts.outcomes "
        "where insats <> 'Alla insatser' and unit = 'Alla enheter' and period_type = 'tertial' "
        "and dimension = 'total'",
    )
    exits = {(insats, label): perturbed(count, key) for insats, label, count, key in rows}
    exits_label = figure_label(published, "exits")
    for _, row in table.iterrows():
        assert digits(str(row[exits_label])) == shown(exits[(row["Insats"], row["Period"])])
    targets = dict(
        query(
            published,
            "select insats, target from marts.insats_targets "
            "where figure_id = 'work_or_studies_share'",
        )
    )
    [target_column] = [c for c in table.columns if c.startswith("Mål")]
    for _, row in table.iterrows():
        assert row[target_column] == fmt(targets.get(row["Insats"]), "share")
    [chart] = [c for c in charts(app) if "per insats" in c["title"]["text"]]
    assert chart["layer"][1]["mark"]["type"] == "tick", "the target beside the bars"


def test_targets_are_the_configurations(demo_run: DemoRun, published: Path) -> None:
    configured = read_config(demo_run.settings.config)["insats_targets"]
    assert configured, "the demo configuration sets targets"
    published_targets = query(
        published, "select insats, figure_id, target from marts.insats_targets"
    )
    assert sorted(published_targets) == sorted(configured)


def test_unit_list_offers_only_real_units(app: AppTest, published: Path) -> None:
    assert query(published, "select 1 from marts.period_flows where unit = 'Flera enheter'")
    units = query(published, "select unit from marts.units where insats = 'Alla insatser'")
    options = app.selectbox(key="filter_unit").options
    assert "Flera enheter" not in options
    assert sorted(options) == sorted(["Alla enheter", *(unit for (unit,) in units)])


@pytest.mark.parametrize("page", [p for p in PAGES if p != "ordlista"])
def test_every_chart_has_a_swedish_title_and_description(app: AppTest, page: str) -> None:
    show(app, page)
    for spec in charts(app):
        assert spec["title"]["text"] and spec["title"]["subtitle"], spec["title"]
        assert spec["description"].startswith(spec["title"]["text"])


def test_rolling_window_labels_are_not_cut(app: AppTest) -> None:
    app.selectbox(key="filter_period_type").set_value("rolling_12m").run()
    show(app, "tid_till_utfall")
    [throughput, *_] = charts(app)
    assert throughput["encoding"]["x"]["axis"]["labelLimit"] == 0


def test_masked_values_are_gaps_in_the_line_never_zeros(app: AppTest, published: Path) -> None:
    """A throughput period on fewer than 5 exits is not drawn, and the line breaks there."""
    insats, unit = query(
        published,
        "select insats, unit from marts.throughput_times where period_type = 'tertial' "
        "and unit in (select unit from marts.units) group by insats, unit "
        "having count(*) filter (where throughput_exits < 5) > 0 "
        "and count(*) filter (where throughput_exits >= 5) > 1 order by 1, 2 limit 1",
    )[0]
    app.selectbox(key="filter_insats").set_value(insats).run()
    app.selectbox(key="filter_unit").set_value(unit).run()
    show(app, "tid_till_utfall")
    table = app.dataframe[0].value
    masked = set(table.loc[table[figure_label(published, "mean_months")] == MASK, "Period"])
    drawn = chart_data(app, 0)
    assert masked and not masked & set(drawn["period_label"])
    assert (drawn["Värde"] > 0).all()
    assert charts(app)[0]["encoding"]["detail"]["field"] == "Sträcka"


def test_a_run_of_values_breaks_at_each_unknown() -> None:
    long = pd.DataFrame(
        {"Serie": ["a"] * 5 + ["b"] * 2, "Värde": [1.0, 2.0, None, 3.0, 4.0, None, 5.0]}
    )
    drawn = runs(long)
    assert drawn["Värde"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert drawn["Sträcka"].tolist() == [0, 0, 1, 1, 1]


def test_a_matching_reconciliation_is_green_not_red(app: AppTest, published: Path) -> None:
    show(app, "avstamning")
    [spec] = [c for c in charts(app) if "ESF-projekt" in c["title"]["text"]]
    scale = spec["encoding"]["color"]["scale"]
    colours = labels()["reconciliation_colours"]
    match = scale["range"][scale["domain"].index(figure_label(published, "both_sources"))]
    assert match == colours["both_sources"] == "#3a8a4f"


def test_overview_states_the_chosen_insats_targets_beside_its_result(
    app: AppTest, published: Path
) -> None:
    insats, figure, target, label = query(
        published,
        "select insats, figure_id, target, figure_label from marts.insats_targets "
        "order by insats, figure_id limit 1",
    )[0]
    app.selectbox(key="filter_insats").set_value(insats).run()
    [caption] = [c.value for c in app.caption if c.value.startswith(f"**Mål för {insats}**")]
    assert f"{label} {fmt(target, 'share')}, utfall" in caption
