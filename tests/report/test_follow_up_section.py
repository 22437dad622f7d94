"""Uppföljning efter avslut in the period report, on the shared demo run (kind F extracts):
each follow-up time is reported for its own cohort window (the exits whose month k after
exit lies in the report's period), as the sum of the follow-up marts' month rows of that
window, computed here independently; immature windows are marked, and Markdown and Excel
show the protected counts only."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from pipelines.disclosure import IMMATURE, is_small, load_rules, perturbed
from pipelines.report.figures import ALL_UNITS, report_from
from pipelines.report.render_markdown import render_markdown
from pipelines.report.render_xlsx import render_xlsx
from pipelines.report.sections import STATUS_TITLE, window_heading

Report = tuple[str, str, date, date, dict]


def month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def window(start: date, end: date, months_back: int) -> tuple[date, date]:
    """Exit months shifted back: the first day of the first, the last day of the last."""
    return month_start(start, months_back), month_start(end, months_back - 1) - timedelta(1)


class Marts:
    """The follow-up marts' month rows of one insats and unit, summed as an analyst would."""

    def __init__(self, con: duckdb.DuckDBPyConnection, insats: str, unit: str) -> None:
        self.con = con
        dimension = ("all", "Alla") if unit == ALL_UNITS else ("unit", unit)
        self.scope = [insats, *dimension]
        self.key_range = load_rules().key_range

    def rows(self, mart: str, columns: str, first: date, last: date, extra: str = "") -> list:
        return self.con.execute(
            f"select {columns} from marts.{mart} where insats = ? and period_type = 'month' "
            f"and dimension = ? and dimension_value = ? and period_start between ? and ? "
            f"{extra}",
            [*self.scope, first, last],
        ).fetchall()

    def total(self, mart: str, counts: list[str], first: date, last: date, extra: str = ""):
        """Each count's sum and its cell key (the sum of the months' keys modulo the range)."""
        sums = ", ".join(f"coalesce(sum({c}), 0), coalesce(sum({c}_cell_key), 0)" for c in counts)
        [row] = self.rows(mart, sums, first, last, extra)
        values = {c: int(row[2 * i]) for i, c in enumerate(counts)}
        keys = {c: int(row[2 * i + 1]) % self.key_range for i, c in enumerate(counts)}
        return values, keys


def expected_status(marts: Marts, start: date, end: date, months: int) -> tuple[dict, dict]:
    """Status k months after exit of the exits k months back, and the cell keys."""
    first, last = window(start, end, months)
    extra = f"and months_after = {months}"
    counts = ["exits", "cohort", "covered", "self_supporting"]
    values, keys = marts.total("follow_up_status", counts, first, last, extra)
    # Every month with followed-up exits is mature (a month of exits without consent has
    # no one to cover).
    [(all_mature,)] = marts.rows(
        "follow_up_status", "bool_and(is_mature or cohort = 0)", first, last, extra
    )
    mature = bool(all_mature) and values["cohort"] > 0
    sources = marts.rows(
        "follow_up_status_by_source",
        "income_source, sum(persons), sum(persons_cell_key)",
        first,
        last,
        f"{extra} group by income_source",
    )
    shown_sources = mature
    entry = {
        "exits_from": str(first),
        "exits_to": str(last),
        "mature": mature,
        **values,
        "self_supporting": values["self_supporting"] if mature else None,
        "self_supporting_share": values["self_supporting"] / values["cohort"] if mature else None,
        "by_income_source": {s: int(n) for s, n, _ in sources} if shown_sources else None,
    }
    keys["self_supporting"] = keys["self_supporting"] if mature else None
    keys["by_income_source"] = {s: int(k) % marts.key_range for s, _, k in sources if shown_sources}
    return entry, keys


def expected_returns(marts: Marts, start: date, end: date) -> dict:
    first, last = window(start, end, 24)
    bands = {"within_6": "within_6", "7_12": "months_7_12", "13_24": "months_13_24"}
    values, _ = marts.total("follow_up_returns", ["base", *bands.values()], first, last)
    flags = "bool_and(is_mature_6), bool_and(is_mature_12), bool_and(is_mature_24)"
    [row] = marts.rows("follow_up_returns", flags, first, last)
    mature = {
        f"mature_{k}": bool(flag) and values["base"] > 0
        for k, flag in zip((6, 12, 24), row, strict=True)
    }
    flag_of = {"within_6": "mature_6", "7_12": "mature_12", "13_24": "mature_24"}
    return {
        "exits_from": str(first),
        "exits_to": str(last),
        "base": values["base"],
        **{key: values[column] if mature[flag_of[key]] else None for key, column in bands.items()},
        **mature,
    }


def per_participant(total: Decimal, participants: int) -> Decimal:
    """Kronor per participant to the öre, half away from zero (as SQL rounds a decimal)."""
    return (total / participants).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected_payments(marts: Marts, start: date, end: date) -> dict:
    first, last = window(start, end, 12)
    rows = marts.rows(
        "follow_up_payments",
        "party, sum(participants), bool_and(is_mature), sum(before_total), sum(after_total)",
        first,
        last,
        "group by party",
    )
    parties = marts.con.execute("select distinct party from marts.follow_up_payments").fetchall()
    seen = {row[0] for row in rows}
    rows += [(party, 0, False, None, None) for (party,) in parties if party not in seen]
    payments = {}
    for party, participants, all_mature, before, after in rows:
        mature = bool(all_mature) and participants > 0
        totals = {"before": before, "after": after, "change": after - before} if mature else {}
        payments[party] = {
            "exits_from": str(first),
            "exits_to": str(last),
            "participants": int(participants),
            "mature": mature,
            **{
                measure: {
                    "per_participant": float(per_participant(totals[measure], participants))
                    if mature
                    else None,
                    "total": float(totals[measure]) if mature else None,
                }
                for measure in ("before", "after", "change")
            },
        }
    return payments


def expected_extent(marts: Marts, start: date, end: date, months: int) -> dict:
    first, last = window(start, end, months)
    extra = f"and months_after = {months}"
    counts = ["base", "covered", "ended", "lowered", "unchanged"]
    values, _ = marts.total("follow_up_benefit_extent", counts, first, last, extra)
    [(all_mature,)] = marts.rows(
        "follow_up_benefit_extent", "bool_and(is_mature)", first, last, extra
    )
    mature = bool(all_mature) and values["base"] > 0
    return {
        "months_after": months,
        "exits_from": str(first),
        "exits_to": str(last),
        **{c: values[c] if mature or c in ("base", "covered") else None for c in counts},
        "mature": mature,
    }


@pytest.fixture(scope="module")
def reports(demo_warehouse: Path) -> list[Report]:
    """Every tertial's report of the insats with the most followed-up exits, for all its
    units and for its largest unit."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        [(insats,)] = con.execute(
            "select insats from marts.follow_up_status where period_type = 'calendar_year' "
            "and dimension = 'all' and months_after = 12 and insats <> 'Alla insatser' "
            "group by insats order by sum(cohort) desc, insats limit 1"
        ).fetchall()
        [(unit,)] = con.execute(
            "select dimension_value from marts.follow_up_status where insats = ? "
            "and period_type = 'calendar_year' and dimension = 'unit' and months_after = 12 "
            "group by all order by sum(cohort) desc, 1 limit 1",
            [insats],
        ).fetchall()
        tertials = con.execute(
            "select distinct period_start, period_end from marts.period_flows "
            "where insats = ? and period_type = 'tertial' order by 1",
            [insats],
        ).fetchall()
        return [
            (insats, scope, start, end, report_from(con, insats, scope, start, end))
            for scope in (ALL_UNITS, unit)
            for start, end in tertials
        ]


@pytest.fixture(scope="module")
def marts(demo_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        yield con


def test_the_follow_up_is_the_sum_of_the_marts_month_rows(
    reports: list[Report], marts: duckdb.DuckDBPyConnection
) -> None:
    for insats, unit, start, end, report in reports:
        where = (insats, unit, str(start))
        summed = Marts(marts, insats, unit)
        follow_up, keys = report["follow_up"], report["cell_keys"]["follow_up"]
        for months in ("6", "12", "24"):
            entry, entry_keys = expected_status(summed, start, end, int(months))
            shown = follow_up["months_after"][months]
            assert shown["self_supporting_share"] == pytest.approx(entry["self_supporting_share"])
            assert shown | {"self_supporting_share": 0} == entry | {"self_supporting_share": 0}
            assert keys["months_after"][months] == entry_keys, (where, months)
        assert follow_up["returns"] == expected_returns(summed, start, end), where
        assert follow_up["payments"] == expected_payments(summed, start, end), where
        assert follow_up["benefit_extent"] == expected_extent(summed, start, end, 12), where
        assert follow_up["benefit_extent_month_6"] == expected_extent(summed, start, end, 6)


def test_the_demo_has_mature_and_immature_windows(reports: list[Report]) -> None:
    """Early tertials' windows lie before the extracts, the latest ones' after: both kinds,
    and mature windows with people in them, so the tests above compare real figures."""
    horizons = [r[4]["follow_up"]["months_after"][m] for r in reports for m in ("6", "12", "24")]
    assert any(entry["mature"] and entry["self_supporting"] for entry in horizons)
    assert any(not entry["mature"] and entry["cohort"] > 0 for entry in horizons)
    assert any(r[4]["follow_up"]["payments"]["Alla parter"]["mature"] for r in reports)
    assert any(r[4]["follow_up"]["returns"]["mature_24"] for r in reports)


def status_rows(text: str) -> dict[str, list[str]]:
    """The Markdown table of the status at 6, 12 and 24 months: label -> cells."""
    part = text.split(f"### {STATUS_TITLE}")[1].split("###")[0]
    rows = [line.strip("|").split("|") for line in part.splitlines() if line.startswith("| ")]
    return {cells[0].strip(): [cell.strip() for cell in cells[1:]] for cells in rows}


def test_markdown_and_excel_show_each_window_protected(reports: list[Report]) -> None:
    small_seen = 0
    for _, _, _, _, report in reports:
        horizons = report["follow_up"]["months_after"]
        keys = report["cell_keys"]["follow_up"]["months_after"]
        text = render_markdown(report)
        rows = status_rows(text)
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(render_xlsx(report)))
        cells = sheet.get_sheet_by_name("Uppföljning").to_python()
        excel = {row[0]: row[1:4] for row in reversed(cells) if row and row[0]}
        for index, (months, entry) in enumerate(horizons.items()):
            assert window_heading(entry, months) in rows["Mått"][index]
            cohort = perturbed(entry["cohort"], keys[months]["cohort"])
            assert rows["Uppföljda i kohorten"][index] == str(cohort)
            assert excel["Uppföljda i kohorten"][index] == cohort
            small_seen += is_small(entry["cohort"])
            if is_small(entry["cohort"]):
                assert cohort != entry["cohort"]
            if cohort and not entry["mature"]:
                assert rows["Självförsörjande"][index] == IMMATURE
                assert rows["Andel självförsörjande"][index] == IMMATURE
    assert small_seen, "the unit's reports must have small cohorts for this test to mean anything"
