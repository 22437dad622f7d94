"""The renderers as pure functions of the report dict: every count protected by its cell
key, Swedish number formatting and the workbook's sheets, without a pipeline run."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pipelines.disclosure import IMMATURE, MASK, perturbed
from pipelines.figure_catalog import seed_catalog, seed_glossary
from pipelines.report import render_pdf
from pipelines.report.figures import EXIT_COUNT_KEYS, FLOW_KEYS, report_definitions, small_cells
from pipelines.report.render_markdown import render_markdown
from pipelines.report.render_xlsx import render_xlsx
from pipelines.report.sections import TREND_TITLE, months_in_words, sections, swedish_number
from tests.report.expected import SHEETS
from tests.spreadsheet_payloads import PAYLOADS, inert, workbook_texts


@pytest.fixture
def report() -> dict:
    """A tertial with small and large cells, shaped as figures.period_report returns it."""
    report = {
        "insats": "Samverkansteam Avesta",
        "unit": "Alla enheter",
        "scope": "insats",
        "forbund": "Samordningsförbundet Demo",
        "period_from": "2024-01-01",
        "period_to": "2024-04-30",
        "period_name": "Tertial 1 2024",
        "tertial": "2024-T1",
        "published_at": "2024-05-03T00:14:00+00:00",
        "active_at_start": 120,
        "enrolled": 41,
        "exited": 37,
        "dropouts": 3,
        "active_at_end": 124,
        "served": 161,
        "queue_at_end": 0,
        "exits_by_reason": {"Arbete": 15, "Studier": 9, "Avbrott": 3, "Flytt": 1, "Annat": 9},
        "exits": 37,
        "exits_excluding_dropouts": 34,
        "goal_share_base": 34,
        "goal_exits": 24,
        "goal_share": 24 / 34,
        "goal_exits_including_dropouts": 25,
        "goal_share_including_dropouts": 25 / 37,
        "goal_exits_excluding_dropouts": 24,
        "goal_share_excluding_dropouts": 24 / 34,
        "work_or_studies_exits": 24,
        "work_or_studies_share": 24 / 37,
        "goal_definition": "Arbete eller Studier av avslut utom tidiga avhopp.",
        "throughput_window_start": "2023-05-01",
        "throughput_exits": 80,
        "mean_months": 7.25,
        "median_months": 6.5,
        "cost": 1_234_567.5,
        "cost_per_served": 7668.12,
        "cost_per_goal": 51440.31,
        "gender": {
            "enrolled": {"K": 22, "M": 19},
            "active_at_end": {"K": 70, "M": 52, "okänt": 2},
            "served": {"K": 90, "M": 69, "okänt": 2},
        },
        "breakdowns": {
            "age_band": {
                "enrolled": {"-24": 20, "25-34": 21},
                "active_at_end": {"-24": 60, "25-34": 62, "55-": 2},
                "served": {"-24": 80, "25-34": 79, "55-": 2},
            },
            "referrer": {
                "enrolled": {"Arbetsförmedlingen": 40, "Region": 1},
                "active_at_end": {"Arbetsförmedlingen": 120, "Region": 4},
                "served": {"Arbetsförmedlingen": 156, "Region": 5},
            },
            "income_source_at_enrolment": {
                "enrolled": {"Sjukpenning": 41},
                "active_at_end": {"Sjukpenning": 124},
                "served": {"Sjukpenning": 161},
            },
        },
        "comparisons": {
            "previous": comparison("2023-09-01", "2023-12-31", "Tertial 3 2023", 110),
            "a_year_earlier": comparison("2023-01-01", "2023-04-30", "Tertial 1 2023", 3),
        },
        "trend": {
            name: {
                "period_name": name,
                "enrolled": enrolled,
                "exited": 30,
                "active_at_end": 99,
                "goal_exits": 12,
            }
            if enrolled is not None
            else {
                "period_name": name,
                "enrolled": None,
                "exited": None,
                "active_at_end": None,
                "goal_exits": None,
            }
            for name, enrolled in [
                ("T2 2022", None),
                ("T3 2022", None),
                ("T1 2023", 3),
                ("T2 2023", 20),
                ("T3 2023", 25),
                ("T1 2024", 41),
            ]
        },  # fmt: skip
        "comment": {"file": "kommentarer/Samverkansteam Avesta/2024-T1.md", "text": COMMENT},
        "scb_reconciliation": {"both_sources": 0, "only_case_system": 0, "only_scb": 0},
        "scb_reconciliation_all_time": {"both_sources": 0, "only_case_system": 0, "only_scb": 0},
        "budget_year": 2024,
        "budget_as_of": "2024-04-30",
        "forecast_date": "2024-03-31",
        "budget": [
            {
                "cost_line": "Personal",
                "budget": 900000.0,
                "actual_to_date": 301234.5,
                "difference": 598765.5,
                "full_year_forecast": 920000.0,
                "forecast_result": -20000.0,
            },
            {
                "cost_line": "Totalt",
                "budget": 900000.0,
                "actual_to_date": 301234.5,
                "difference": 598765.5,
                "full_year_forecast": 920000.0,
                "forecast_result": -20000.0,
            },
        ],
        "follow_up": follow_up(),
    }
    report["figures"], report["glossary"] = report_definitions(seed_catalog(), seed_glossary())
    report["cell_keys"] = cell_keys(report)
    report["small_cells"] = small_cells(report)
    return report


COMMENT = "# Läget\n\nStabil bemanning, fler remisser från Region än väntat.\n\n- Ny handledare"


def comparison(period_from: str, period_to: str, name: str, served: int) -> dict:
    """The key figures of an earlier period, shaped as figures._comparisons gives them."""
    return {
        "period_from": period_from,
        "period_to": period_to,
        "period_name": name,
        "is_partial": False,
        "active_at_start": served - min(served, 10),
        "enrolled": min(served, 10),
        "exited": 3,
        "active_at_end": served - 3,
        "served": served,
        "goal_share_base": 3,
        "goal_exits": 2,
        "goal_share": 2 / 3,
        "throughput_exits": 3,
        "mean_months": 6.0,
        "median_months": 5.0,
        "cost": 300_000.0,
        "cost_per_served": 300_000.0 / served,
    }


def window(exits_from: str, exits_to: str) -> dict:
    return {"exits_from": exits_from, "exits_to": exits_to}


def payment(participants: int, before: float, after: float, mature: bool = True) -> dict:
    """One paying party's entry, kronor as the macro computes them (null unless mature)."""
    totals = {"before": before, "after": after, "change": after - before}
    return {
        **window("2023-01-01", "2023-04-30"),
        "participants": participants,
        "mature": mature,
        **{
            measure: {
                "per_participant": round(total / participants, 2) if mature else None,
                "total": total if mature else None,
            }
            for measure, total in totals.items()
        },
    }


def follow_up() -> dict:
    """Uppföljning efter avslut: a window not yet mature at 6 months, a mature one at 12 and
    a mature one of two persons at 24; returns mature through month 12 only."""
    return {
        "months_after": {
            "6": {
                **window("2023-07-01", "2023-10-31"),
                "mature": False,
                "exits": 30,
                "cohort": 25,
                "covered": 20,
                "self_supporting": None,
                "self_supporting_share": None,
                "by_income_source": None,
            },
            "12": {
                **window("2023-01-01", "2023-04-30"),
                "mature": True,
                "exits": 30,
                "cohort": 24,
                "covered": 24,
                "self_supporting": 10,
                "self_supporting_share": 10 / 24,
                "by_income_source": {
                    "Självförsörjande": 10,
                    "Försörjningsstöd": 12,
                    "Sjukersättning": 2,
                },
            },
            "24": {
                **window("2022-01-01", "2022-04-30"),
                "mature": True,
                "exits": 3,
                "cohort": 2,
                "covered": 2,
                "self_supporting": 1,
                "self_supporting_share": 0.5,
                "by_income_source": {"Självförsörjande": 1, "Sjukersättning": 1},
            },
        },
        "returns": {
            **window("2022-01-01", "2022-04-30"),
            "base": 12,
            "within_6": 3,
            "7_12": 2,
            "13_24": None,
            "mature_6": True,
            "mature_12": True,
            "mature_24": False,
        },
        "payments": {
            "Kommunen": payment(24, 240_000.0, 120_000.4),
            "CSN": payment(3, 30_000.0, 0.0),
            "Alla parter": payment(24, 300_000.0, 150_000.0),
        },
        "benefit_extent": {
            "months_after": 12,
            **window("2023-01-01", "2023-04-30"),
            "base": 6,
            "covered": 6,
            "ended": 3,
            "lowered": 2,
            "unchanged": 1,
            "mature": True,
        },
        "benefit_extent_month_6": {
            "months_after": 6,
            **window("2023-07-01", "2023-10-31"),
            "base": 6,
            "covered": 4,
            "ended": None,
            "lowered": None,
            "unchanged": None,
            "mature": False,
        },
    }


def follow_up_keys(follow_up: dict) -> dict:
    """A cell key for every person count of the follow-up section, by its path."""
    counts = {"exits", "cohort", "covered", "self_supporting", "base", "within_6", "7_12"}
    counts |= {"13_24", "participants", "ended", "lowered", "unchanged"}

    def keys(entry: dict, path: str) -> dict:
        found = {n: key(path + n) for n, v in entry.items() if n in counts and v is not None}
        return found | {
            n: keys(v, f"{path}{n}.")
            for n, v in entry.items()
            if isinstance(v, dict) and n != "by_income_source"
        }

    result = keys(follow_up, "")
    for months, entry in follow_up["months_after"].items():
        sources = entry["by_income_source"] or {}
        result["months_after"][months]["by_income_source"] = {
            source: key(f"{months}{source}") for source in sources
        }
    return result


def key(name: str) -> int:
    """A fixed cell key per cell, as dbt would give the same persons."""
    return sum(map(ord, name)) * 37 % 256


def nested_keys(values: dict, path: str) -> dict:
    """A cell key for every count of a nested figure dict (a breakdown, an earlier period)."""
    return {
        name: nested_keys(value, f"{path}{name}.") if isinstance(value, dict) else key(path + name)
        for name, value in values.items()
        if isinstance(value, dict) or (isinstance(value, int) and not isinstance(value, bool))
    }


def cell_keys(report: dict) -> dict:
    return {
        **{name: key(name) for name in FLOW_KEYS + EXIT_COUNT_KEYS},
        **{name: nested_keys(report[name], name) for name in ("breakdowns", "comparisons")},
        "trend": nested_keys(report["trend"], "trend"),
        "exits_by_reason": {reason: key(reason) for reason in report["exits_by_reason"]},
        "gender": {
            group: {code: key(group + code) for code in ("K", "M", "okänt")}
            for group in report["gender"]
        },
        "scb_reconciliation": {name: 0 for name in report["scb_reconciliation"]},
        "scb_reconciliation_all_time": {name: 0 for name in report["scb_reconciliation"]},
        "follow_up": follow_up_keys(report["follow_up"]),
    }


def shown(report: dict, name: str) -> str:
    """A count as the Markdown shows it: perturbed by its cell key."""
    return str(perturbed(report[name], key(name)))


def test_small_cells_names_counts_of_one_to_four(report: dict) -> None:
    few = ("exited", "goal_share_base", "goal_exits", "throughput_exits")
    assert set(report["small_cells"]) == {
        "dropouts",
        "exits_by_reason.Avbrott",
        "exits_by_reason.Flytt",
        "gender.active_at_end.okänt",
        "gender.served.okänt",
        *(f"follow_up.months_after.24.{n}" for n in ("exits", "cohort", "covered")),
        "follow_up.months_after.24.self_supporting",
        "follow_up.months_after.12.by_income_source.Sjukersättning",
        "follow_up.months_after.24.by_income_source.Självförsörjande",
        "follow_up.months_after.24.by_income_source.Sjukersättning",
        "follow_up.returns.within_6",
        "follow_up.returns.7_12",
        "follow_up.payments.CSN.participants",
        *(f"follow_up.benefit_extent.{n}" for n in ("ended", "lowered", "unchanged")),
        "follow_up.benefit_extent_month_6.covered",
        "breakdowns.age_band.active_at_end.55-",
        "breakdowns.age_band.served.55-",
        "breakdowns.referrer.enrolled.Region",
        "breakdowns.referrer.active_at_end.Region",
        *(f"comparisons.{name}.{n}" for name in ("previous", "a_year_earlier") for n in few),
        *(f"comparisons.a_year_earlier.{n}" for n in ("served", "enrolled")),
        "trend.T1 2023.enrolled",
    }


def test_markdown_perturbs_every_count_and_keeps_zero(report: dict) -> None:
    text = render_markdown(report)
    flytt = perturbed(1, key("Flytt"))
    assert flytt in (0, 5) and f"| Flytt | {flytt} |" in text
    assert f"| Arbete | {perturbed(15, key('Arbete'))} |" in text
    assert f"| Tidiga avhopp | {shown(report, 'dropouts')} |" in text
    assert "| I kö vid periodens slut | 0 |" in text
    women, men = perturbed(70, key("active_at_endK")), perturbed(52, key("active_at_endM"))
    unknown = perturbed(2, key("active_at_endokänt"))
    assert f"| Aktiva vid periodens slut | {women} | {men} | {unknown} |" in text
    assert "summor och samband stämmer inte alltid exakt" in text


def test_shares_are_computed_on_the_perturbed_counts(report: dict) -> None:
    report["goal_exits"], report["goal_share"] = 4, 4 / 34
    goal, base = perturbed(4, key("goal_exits")), perturbed(34, key("goal_share_base"))
    share = f"{goal / base * 100:.1f}".replace(".", ",")
    assert f"| Andel i mål | {share}\u00a0% |" in render_markdown(report)


def test_goal_share_rests_on_its_own_base(report: dict) -> None:
    """With dropouts in the goal base, the share is the perturbed goal exits over the
    perturbed base (the catalogue's basis, not a hand-written one)."""
    report["goal_share_base"] = 30
    goal, base = perturbed(24, key("goal_exits")), perturbed(30, key("goal_share_base"))
    share = f"{goal / base * 100:.1f}".replace(".", ",")
    assert f"| Andel i mål | {share}\u00a0% |" in render_markdown(report)


def test_means_on_few_persons_are_not_shown(report: dict) -> None:
    report["throughput_exits"] = 3
    text = render_markdown(report)
    assert f"| Genomströmningstid, medel (månader) | {MASK} |" in text or (
        f"| {report['figures']['mean_months']['label']} | {MASK} |" in text
    )


def test_labels_and_definitions_come_from_the_catalogue(report: dict) -> None:
    report["figures"]["served"]["label"] = "Betjänade (ändrad i katalogen)"
    report["figures"]["served"]["definition"] = "En ändrad definition."
    text = render_markdown(report)
    assert f"| Betjänade (ändrad i katalogen) | {shown(report, 'served')} |" in text
    assert "- Betjänade (ändrad i katalogen): En ändrad definition." in text


def test_markdown_states_period_definition_and_budget(report: dict) -> None:
    text = render_markdown(report)
    assert "**Period:** Tertial 1 2024, 2024-01-01 – 2024-04-30" in text
    assert "**Data publicerade:** 2024-05-03 02:14" in text  # Swedish summer time, not UTC
    assert "Måldefinition: Arbete eller Studier av avslut utom tidiga avhopp." in text
    nb = "\u00a0"
    assert f"| Personal | 900{nb}000 | 301{nb}235 | 598{nb}766 | 920{nb}000 | -20{nb}000 |" in text
    assert "## Definitioner" in text


def test_swedish_number_formats() -> None:
    assert swedish_number(1234567) == "1\u00a0234\u00a0567"
    assert swedish_number(7.75) == "7,8"
    assert swedish_number(None) == "–"
    assert swedish_number(0.5, share=True) == "50,0\u00a0%"


def test_workbook_sheets_and_protected_cells(report: dict, tmp_path: Path) -> None:
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(render_xlsx(report))
    workbook = CalamineWorkbook.from_path(str(path))
    assert workbook.sheet_names == SHEETS
    reasons = {
        row[0]: row[1] for row in workbook.get_sheet_by_name("Avslutsorsaker").to_python()[3:]
    }
    assert reasons["Flytt"] == perturbed(1, key("Flytt"))
    assert reasons["Arbete"] == perturbed(15, key("Arbete"))
    cover = workbook.get_sheet_by_name("Rapport").to_python()
    assert ["Period", "Tertial 1 2024, 2024-01-01 – 2024-04-30"] in [row[:2] for row in cover]


def test_markdown_says_what_is_missing_instead_of_empty_tables(report: dict) -> None:
    """No ESF reports: the SCB section says so instead of a table of zeros."""
    text = render_markdown(report)
    assert "Insatsen har inga deltagare i aktuella ESF-rapporter till SCB." in text
    assert "| I både ärendesystem och SCB-rapport |" not in text


def test_workbook_text_from_the_data_never_becomes_a_formula(report: dict) -> None:
    """Insats, unit (cover sheet), exit reasons and cost lines come from agencies' data."""
    report["insats"], report["unit"] = PAYLOADS[0], PAYLOADS[1]
    report["exits_by_reason"] = {payload: 15 for payload in PAYLOADS}
    report["cell_keys"] = cell_keys(report)
    report["budget"][0]["cost_line"] = PAYLOADS[2]
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx(report)))
    texts = workbook_texts(workbook)
    assert {inert(payload) for payload in PAYLOADS} <= texts
    cover = {row[0]: row[1] for row in workbook["Rapport"].iter_rows(values_only=True)}
    assert cover["Insats"] == inert(PAYLOADS[0])
    budget = workbook["Ekonomi"]
    forecast_result = [row for row in budget.iter_rows() if row[0].value == inert(PAYLOADS[2])]
    assert forecast_result[0][-1].data_type == "n"
    assert forecast_result[0][-1].value == -20000  # a negative number stays a number


def test_months_in_words() -> None:
    assert months_in_words("2023-01-01", "2023-04-30") == "jan–apr 2023"
    assert months_in_words("2022-11-01", "2023-02-28") == "nov 2022–feb 2023"
    assert months_in_words("2023-05-01", "2023-05-31") == "maj 2023"


def follow_up_count(report: dict, *path: str) -> object:
    """A follow-up count as the views show it: perturbed by its cell key."""
    value, keys = report["follow_up"], report["cell_keys"]["follow_up"]
    for part in path:
        value, keys = value[part], keys[part]
    return perturbed(value, keys)


def test_follow_up_states_each_window_and_marks_immature_cohorts(report: dict) -> None:
    text = render_markdown(report)
    assert "## Uppföljning efter avslut" in text
    columns = [
        "Avslut jul–okt 2023, 6 månader efter avslut",
        "Avslut jan–apr 2023, 12 månader efter avslut",
        "Avslut jan–apr 2022, 24 månader efter avslut",
    ]
    assert "| Mått | " + " | ".join(columns) + " |" in text
    cohort = [follow_up_count(report, "months_after", k, "cohort") for k in ("6", "12", "24")]
    assert f"| Uppföljda i kohorten | {cohort[0]} | {cohort[1]} | {cohort[2]} |" in text
    self_supporting = follow_up_count(report, "months_after", "12", "self_supporting")
    share = f"{self_supporting / cohort[1] * 100:.1f}".replace(".", ",")
    assert f"| Andel självförsörjande | {IMMATURE} | {share}\u00a0% | " in text
    assert f"| Självförsörjande | {IMMATURE} | {self_supporting} |" in text
    # Returns are mature through month 12 only: the 13-24 band is not shown yet.
    assert f"| Återgång efter 13–24 månader | {IMMATURE} |" in text
    assert f"| Omfattningen sänkt | {IMMATURE} | " in text
    assert "Avslut jan–apr 2023: utbetalningar under de 12 månaderna" in text
    assert "SCB:s cellnyckelmetod" in text.split("## Uppföljning efter avslut")[1]


def test_a_window_shown_as_empty_shows_no_figures(report: dict) -> None:
    """A cohort of 1-4 persons published as 0 shows no share and no sources, as a cohort
    that is truly empty (which is never mature) would: the view does not tell them apart."""
    entry = report["follow_up"]["months_after"]["24"]
    keys = report["cell_keys"]["follow_up"]["months_after"]["24"]
    keys["cohort"] = next(k for k in range(256) if perturbed(entry["cohort"], k) == 0)
    lines = render_markdown(report).splitlines()
    for label in ("Självförsörjande", "Andel självförsörjande", "Sjukersättning"):
        row = next(line for line in lines if line.startswith(f"| {label} |"))
        assert row.endswith("| – |"), row


def test_follow_up_kronor_are_whole_and_per_perturbed_participant(report: dict) -> None:
    text = render_markdown(report)
    nb = "\u00a0"
    participants = follow_up_count(report, "payments", "Kommunen", "participants")
    before = round(240_000 / participants)
    after = round(120_000.4 / participants)
    assert f"| Kommunen | {participants} | {before:,} | {after:,} |".replace(",", nb) in text
    assert f"| 240{nb}000 | 120{nb}000 | -120{nb}000 |" in text
    # Three participants: neither their sums nor kronor per participant are shown (times
    # the published participants, a mean would give the sum back).
    csn = next(line for line in text.splitlines() if line.startswith("| CSN |"))
    shown_csn = follow_up_count(report, "payments", "CSN", "participants")
    hidden = MASK if shown_csn else "–"  # a window shown as empty shows no kronor at all
    assert csn == f"| CSN | {shown_csn} |" + f" {hidden} |" * 6


def test_follow_up_sources_are_protected(report: dict) -> None:
    text = render_markdown(report)
    sick = [
        follow_up_count(report, "months_after", k, "by_income_source", "Sjukersättning")
        for k in ("12", "24")
    ]
    assert all(value in (0, 5) for value in sick)
    cohort_24 = follow_up_count(report, "months_after", "24", "cohort")
    last = sick[1] if cohort_24 else "–"
    assert f"| Sjukersättning | {IMMATURE} | {sick[0]} | {last} |" in text


def test_workbook_has_the_follow_up_sheet_with_protected_counts(
    report: dict, tmp_path: Path
) -> None:
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(render_xlsx(report))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Uppföljning").to_python()
    labelled: dict[str, list] = {}
    for row in rows:
        labelled.setdefault(row[0], row[1:])  # the status table's row, before the sources'
    assert labelled["Självförsörjande"][:2] == [
        IMMATURE,
        follow_up_count(report, "months_after", "12", "self_supporting"),
    ]
    assert labelled["Ersättningen upphört"][1] == follow_up_count(report, "benefit_extent", "ended")
    assert labelled["Ersättningen upphört"][1] != 3


def markdown_row(text: str, label: str, section: str = "") -> str:
    """The first table row labelled `label` (after the heading `section`, if given)."""
    lines = text.split(f"## {section}\n", 1)[1] if section else text
    return next(line for line in lines.splitlines() if line.startswith(f"| {label} |"))


def test_comparison_columns_show_each_period_protected(report: dict) -> None:
    """Each column is the period's own published figures: its counts by its cell keys, its
    share on its perturbed counts, its mean hidden on few persons."""
    text = render_markdown(report)
    assert "| Mått | Tertial 1 2024 | Föregående tertial | Samma tertial i fjol |" in text
    served = [perturbed(report["served"], key("served"))] + [
        perturbed(report["comparisons"][name]["served"], key(f"comparisons{name}.served"))
        for name in ("previous", "a_year_earlier")
    ]
    assert (
        markdown_row(text, "Deltagare i perioden")
        == "| Deltagare i perioden | " + " | ".join(map(str, served)) + " |"
    )
    # Three exits in the throughput a year earlier: its mean is not shown.
    assert markdown_row(text, "Genomströmningstid, medel (månader)").endswith(f"| {MASK} |")
    assert "Föregående tertial: Tertial 3 2023, 2023-09-01 – 2023-12-31." in text


def test_breakdowns_are_tables_of_perturbed_counts(report: dict) -> None:
    text = render_markdown(report)
    assert "## Remitterande aktör" in text and "## Försörjning vid inskrivning" in text
    region = [
        perturbed(count, key(f"breakdownsreferrer.{figure}.Region"))
        for figure, count in (("enrolled", 1), ("active_at_end", 4), ("served", 5))
    ]
    assert markdown_row(text, "Region") == f"| Region | {region[0]} | {region[1]} | {region[2]} |"
    assert region[0] in (0, 5) and region[1] in (0, 5)


def test_tertials_without_figures_are_gaps_never_zeros(report: dict, tmp_path: Path) -> None:
    """The trend's first two tertials have no figures: a dash in Markdown, a blank cell in
    Excel (its chart shows blanks as gaps) and no bar in the PDF's chart."""
    row = markdown_row(render_markdown(report), "Inskrivna under perioden", TREND_TITLE)
    assert row.startswith("| Inskrivna under perioden | – | – | ")
    path = tmp_path / "rapport.xlsx"
    path.write_bytes(render_xlsx(report))
    trend = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sex tertial").to_python()
    enrolled = next(row for row in trend if row[0] == "Inskrivna under perioden")
    assert enrolled[1:3] == ["", ""] and enrolled[3] == perturbed(3, key("trendT1 2023.enrolled"))
    section = next(s for s in sections(report) if s.title == TREND_TITLE)
    [drawing] = render_pdf.CHARTS[section.chart](section, {})
    chart = drawing.contents[0]
    assert chart.data[0][:2] == [None, None] and chart.data[0][2] is not None


def test_the_comment_opens_the_report_and_its_absence_is_stated(report: dict) -> None:
    text = render_markdown(report)
    assert text.index("## Kommentar") < text.index("## Deltagarflöde")
    assert "### Läget" in text and "- Ny handledare" in text
    report["comment"] = {"file": "kommentarer/Samverkansteam Avesta/2024-T1.md", "text": None}
    text = render_markdown(report)
    assert (
        "Ingen kommentar för perioden (filen kommentarer/Samverkansteam Avesta/2024-T1.md)" in text
    )


def test_the_pdf_embeds_its_font(report: dict) -> None:
    """The text is set in an embedded TrueType font, so å, ä, ö need no fonts where the PDF
    is opened (tests/report/test_styrgrupp_report.py reads the text back)."""
    content = render_pdf.render_pdf(report)
    assert content.startswith(b"%PDF-") and b"/FontFile2" in content


def test_the_workbook_charts_the_trend_and_the_breakdowns(report: dict) -> None:
    """Native Excel charts: the six tertials, kön and the three breakdowns."""
    with zipfile.ZipFile(io.BytesIO(render_xlsx(report))) as workbook:
        charts = [name for name in workbook.namelist() if name.startswith("xl/charts/chart")]
        drawn = " ".join(workbook.read(name).decode("utf-8") for name in charts)
    assert len(charts) == 5
    for sheet in ("Sex tertial", "Kön", "Åldersgrupp", "Remitterande aktör"):
        assert f"'{sheet}'!" in drawn or f"{sheet}!" in drawn
    assert 'dispBlanksAs val="zero"' not in drawn  # blanks are gaps, Excel's default
