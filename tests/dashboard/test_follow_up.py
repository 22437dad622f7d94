"""The Uppföljning page against the follow-up marts it reads: the protected figures of a
cohort, the months not yet mature (never drawn, never a number), and the filters.

The expected values are computed here from the marts' exact counts and cell keys with
`perturbed`, not read through `dashboards.data`, so a page that showed the exact counts, a
share on them, or a number for an immature month would fail.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from dashboards.components import fmt
from pipelines.disclosure import CELL_KEY_SUFFIX, IMMATURE, perturbed
from tests.dashboard.conftest import query
from tests.dashboard.test_pages import digits, figure_label, show

CURVES = "Andel självförsörjande per månad efter avslut, per kohort"


def mart_rows(path: Path, mart: str, counts: list[str], where: str, params: list) -> list[dict]:
    """A follow-up mart's rows with each count as published (perturbed by its cell key)."""
    [(names,)] = query(
        path,
        "select list(column_name order by ordinal_position) from information_schema.columns "
        "where table_schema = 'marts' and table_name = ?",
        [mart],
    )
    rows = [
        dict(zip(names, row, strict=True))
        for row in query(path, f"select * from marts.{mart} where {where}", params)
    ]
    return [
        {**row, **{c: perturbed(row[c], row[c + CELL_KEY_SUFFIX]) for c in counts}} for row in rows
    ]


def status_rows(path: Path, period_type: str, cohort: str, dimension: str = "all") -> list[dict]:
    return mart_rows(
        path,
        "follow_up_status",
        ["exits", "cohort", "covered", "self_supporting"],
        "insats = 'Alla insatser' and period_type = ? and period_label = ? and dimension = ? "
        "order by dimension_value, months_after",
        [period_type, cohort, dimension],
    )


def share_text(row: dict) -> str:
    """The share self-supporting as the page must write it: on the published counts, and
    only for a mature month."""
    if not row["is_mature"]:
        return IMMATURE
    return fmt(row["self_supporting"] / row["cohort"] if row["cohort"] else None, "share")


def count_text(row: dict, column: str, mature: bool = True) -> str:
    """A published count as `read` gives it back, or 'ej mogen kohort' for an immature figure."""
    return str(round(row[column])) if mature else IMMATURE


def read(cell: object) -> str:
    """A table cell or metric as the reader reads it: the count's digits, or its text."""
    text = str(cell)
    return text if text == IMMATURE else digits(text)


def page_table(app: AppTest, *headings: str) -> pd.DataFrame:
    """The page's first table with all these headings and no 'Grupp' (the breakdowns)."""
    return next(
        t.value
        for t in app.dataframe
        if set(headings) <= set(t.value.columns) and "Grupp" not in t.value.columns
    )


def chart_points(app: AppTest, title: str) -> pd.DataFrame:
    """The data a chart of the page draws, from the Vega-Lite element Streamlit sends."""
    for chart in app.get("vega_lite_chart"):
        if json.loads(chart.proto.spec)["title"]["text"] == title:
            return pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()
    raise AssertionError(f"no chart titled {title}")


@pytest.fixture(scope="module")
def cohort(published: Path) -> str:
    """A calendar-year exit cohort mature at month 6 and for payments but not at month 24,
    so the page shows figures and 'ej mogen kohort' side by side."""
    rows = query(
        published,
        """
        select status.period_label
        from marts.follow_up_status as status
        inner join marts.follow_up_payments as payments
            using (insats, period_type, period_label, dimension, dimension_value)
        where status.insats = 'Alla insatser' and status.period_type = 'calendar_year'
            and status.dimension = 'all' and payments.party = 'Alla parter'
            and payments.is_mature
        group by 1
        having bool_or(status.is_mature and status.months_after = 6)
            and not bool_or(status.is_mature and status.months_after = 24)
        order by 1 desc
        limit 1
        """,
    )
    assert rows, "the demo should have a cohort mature at 6 months but not at 24"
    return rows[0][0]


def open_cohort(app: AppTest, period_type: str, label: str) -> AppTest:
    app.selectbox(key="filter_period_type").set_value(period_type).run()
    app.selectbox(key="filter_period").set_value(label).run()
    return show(app, "uppfoljning")


def test_key_figures_and_curves_equal_the_protected_mart(
    app: AppTest, published: Path, cohort: str
) -> None:
    open_cohort(app, "calendar_year", cohort)
    rows = status_rows(published, "calendar_year", cohort)
    by_month = {row["months_after"]: row for row in rows}
    metrics = {m.label: m.value for m in app.metric}
    for figure, column in (("follow_up_exits", "exits"), ("follow_up_cohort", "cohort")):
        assert read(metrics[figure_label(published, figure)]) == count_text(rows[0], column)
    share = figure_label(published, "self_supporting_share")
    for months in (6, 12, 24):
        assert metrics[f"{share}, månad {months}"] == share_text(by_month[months])
    assert metrics[f"{share}, månad 24"] == IMMATURE

    table = page_table(app, "Period", "Månad efter avslut", share)
    table = table[table["Period"] == cohort].set_index("Månad efter avslut")
    assert sorted(table.index) == sorted(by_month)
    covered = figure_label(published, "follow_up_covered")
    self_supporting = figure_label(published, "self_supporting")
    for months, row in by_month.items():
        assert table.loc[months, share] == share_text(row)
        assert read(table.loc[months, covered]) == count_text(row, "covered")
        assert read(table.loc[months, self_supporting]) == count_text(
            row, "self_supporting", row["is_mature"]
        )


def test_immature_months_are_never_drawn(app: AppTest, published: Path) -> None:
    """The curves draw each mature month at its protected share and nothing for a month the
    extracts do not yet cover for the whole cohort; the page names those months."""
    show(app, "uppfoljning")
    f = app.session_state["frame"].filters
    chosen = app.multiselect(key=f"follow_up_cohorts_{f.period_type}_{f.period_label}").value
    expected = {
        (row["period_label"], row["months_after"]): row
        for cohort in chosen
        for row in status_rows(published, f.period_type, cohort)
    }
    immature = {key for key, row in expected.items() if not row["is_mature"]}
    assert immature, "the default cohorts should include months not yet mature"
    points = chart_points(app, CURVES)
    drawn = {
        (label, int(months)): share
        for label, months, share in points[["period_label", "months_after", "Andel"]].itertuples(
            index=False
        )
    }
    mature = {key for key, row in expected.items() if row["is_mature"] and row["cohort"]}
    assert set(drawn) == mature
    for key, share in drawn.items():
        row = expected[key]
        assert share == pytest.approx(row["self_supporting"] / row["cohort"])
    caption = next(c.value for c in app.caption if c.value.startswith("**Ej mogen kohort**"))
    for cohort in {cohort for cohort, _ in immature}:
        assert cohort in caption


def test_sources_returns_payments_and_extent_equal_the_protected_marts(
    app: AppTest, published: Path, cohort: str
) -> None:
    open_cohort(app, "calendar_year", cohort)
    where = (
        "insats = 'Alla insatser' and period_type = 'calendar_year' and period_label = ? "
        "and dimension = 'all'"
    )

    payments = page_table(app, "Utbetalare").set_index("Utbetalare")
    per_participant = figure_label(published, "payments_after_per_participant")
    participants = figure_label(published, "payment_participants")
    for row in mart_rows(published, "follow_up_payments", ["participants"], where, [cohort]):
        exact = query(
            published,
            f"select participants, after_per_participant from marts.follow_up_payments "
            f"where {where} and party = ?",
            [cohort, row["party"]],
        )[0]
        shown_row = payments.loc[row["party"]]
        assert read(shown_row[participants]) == count_text(row, "participants")
        kronor = float(exact[1]) * (exact[0] / row["participants"])
        assert shown_row[per_participant] == fmt(kronor, "kr")

    returns = page_table(app, "Period", figure_label(published, "return_base"))
    returns = returns.set_index("Period").loc[cohort]
    [row] = mart_rows(
        published,
        "follow_up_returns",
        ["base", "within_6", "months_7_12", "months_13_24"],
        where,
        [cohort],
    )
    assert read(returns[figure_label(published, "return_base")]) == count_text(row, "base")
    for column, figure, flag in (
        ("within_6", "returns_within_6", "is_mature_6"),
        ("months_7_12", "returns_7_12", "is_mature_12"),
        ("months_13_24", "returns_13_24", "is_mature_24"),
    ):
        assert read(returns[figure_label(published, figure)]) == count_text(row, column, row[flag])

    extent = page_table(app, figure_label(published, "extent_ended")).set_index(
        "Månad efter avslut"
    )
    for row in mart_rows(
        published,
        "follow_up_benefit_extent",
        ["base", "covered", "ended", "lowered", "unchanged"],
        where,
        [cohort],
    ):
        for column in ("ended", "lowered", "unchanged"):
            cell = extent.loc[row["months_after"], figure_label(published, f"extent_{column}")]
            assert read(cell) == count_text(row, column, row["is_mature"])

    sources = page_table(app, "Försörjningskälla")
    persons = figure_label(published, "follow_up_source_persons")
    shown_sources = {
        (months, source, extent): read(count)
        for months, source, extent, count in sources[
            ["Månad efter avslut", "Försörjningskälla", "Omfattning (%)", persons]
        ].itertuples(index=False)
    }
    expected = mart_rows(published, "follow_up_status_by_source", ["persons"], where, [cohort])
    assert shown_sources == {
        (r["months_after"], r["income_source"], fmt(r["extent"])): count_text(
            r, "persons", r["is_mature"]
        )
        for r in expected
    }


def test_a_person_filter_shows_its_group_and_says_what_it_cannot_filter(
    app: AppTest, published: Path, cohort: str
) -> None:
    app.selectbox(key="filter_gender").set_value("K").run()
    open_cohort(app, "calendar_year", cohort)
    rows = status_rows(published, "calendar_year", cohort, "gender")
    women = [row for row in rows if row["dimension_value"] == "K"]
    metrics = {m.label: m.value for m in app.metric}
    share = figure_label(published, "self_supporting_share")
    assert read(metrics[figure_label(published, "follow_up_cohort")]) == count_text(
        women[0], "cohort"
    )
    for row in women:
        assert metrics[f"{share}, månad {row['months_after']}"] == share_text(row)
    notes = [i.value for i in app.info]
    assert any("Kön (Kvinnor)" in n and "försörjningskällorna" in n for n in notes)
    assert not any("uppföljningen" in n for n in notes)


def test_a_unit_is_its_row_and_a_municipality_is_said_not_to_apply(
    app: AppTest, published: Path, cohort: str
) -> None:
    unit = query(
        published,
        "select dimension_value from marts.follow_up_status where insats = 'Alla insatser' "
        "and period_type = 'calendar_year' and period_label = ? and dimension = 'unit' "
        "and months_after = 6 and dimension_value in (select unit from marts.units) "
        "order by cohort desc limit 1",
        [cohort],
    )[0][0]
    app.selectbox(key="filter_unit").set_value(unit).run()
    open_cohort(app, "calendar_year", cohort)
    [row] = [
        r
        for r in status_rows(published, "calendar_year", cohort, "unit")
        if r["dimension_value"] == unit and r["months_after"] == 6
    ]
    metrics = {m.label: m.value for m in app.metric}
    assert read(metrics[figure_label(published, "follow_up_cohort")]) == count_text(row, "cohort")
    assert not any("uppföljningen" in i.value for i in app.info)

    app.selectbox(key="filter_unit").set_value("Alla enheter").run()
    municipality = app.selectbox(key="filter_municipality").options[1]
    app.selectbox(key="filter_municipality").set_value(municipality).run()
    show(app, "uppfoljning")
    assert any(
        f"Kommun ({municipality})" in i.value and "uppföljningen" in i.value for i in app.info
    )


def test_the_glossary_lists_the_follow_up_figures(app: AppTest, published: Path) -> None:
    show(app, "ordlista")
    text = " ".join(m.value for m in app.markdown)
    figures = query(
        published, "select label from marts.figure_catalog where mart like 'follow_up%'"
    )
    assert figures
    for (label,) in figures:
        assert f"**{label}**" in text
