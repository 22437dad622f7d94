"""Reference case 3, follow-up after exit (issue 16): the figures of Steget vidare's exit
cohorts computed by hand, month by month, from the files build_follow_up.py delivers, and
read back from the published warehouse.

The persons (case export gwa_tyringe_20250701.csv; the extracts cover months to 2025-06):

case      person  enrolled    exit        exit reason               at enrolment           consent
TYR-0001  Hans    2022-01-10  2023-04-28  Avbrott                   Försörjningsstöd       J
TYR-0002  Anna    2022-03-15  2023-02-20  Arbete                    Försörjningsstöd       J
TYR-0003  Bo      2022-05-10  2023-03-31  Medicinsk rehabilitering  Sjukpenning 100 %      J
TYR-0004  Cia     2022-09-01  2023-10-15  Studier                   Aktivitetsersättning   J
TYR-0005  Gun     2024-03-01  2025-02-28  Arbete                    Försörjningsstöd       J
TYR-0006  Dan     2022-02-01  2023-01-31  Arbete                    Försörjningsstöd       N
TYR-0007  Eva     2022-11-01  2023-06-30  Flytt                     Arbetslöshetsers.      (empty)
-         Filip   in no case system; FK's extract names him (sjukpenning 2021)

Exit cohorts: 2023 T1 = Dan, Anna, Bo, Hans (4 exits, cohort 3 with consent); calendar
year 2023 = those and Eva, Cia (6 exits, cohort 4); July-June 2022/23 = T1 and Eva (5
exits, cohort 3); 2025 = Gun (1 exit, cohort 1).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.reference import build_follow_up as case
from tests.reference.pipeline import BuiltCase

pytestmark = pytest.mark.slow

INSATS = case.INSATS
COHORT = "insats = $1 and period_type = $2 and period_label = $3 and dimension = 'all'"
YEAR_2023 = ("calendar_year", "2023")
T1_2023 = ("tertial", "2023 T1")
JULY_JUNE_2022 = ("july_june", "2022/23")
YEAR_2025 = ("calendar_year", "2025")

# Each cohort member in month k after the exit month (the exit month is month 0), read off
# the extracts: S self-supporting (covered, no public support; wages are not support),
# P public support paid, - not covered (the extracts end at 2025-06).
TIMELINES = """
     exit       k: 123456789012345678901234
Hans 2023-04       PPPPPPPPPPPPPPPPPPPPPPPP  bistånd every month to 2025-04
Anna 2023-02       SSSSSSSPPSSSSSSSSSSSSSSS  wages; bistånd again 2023-10, 2023-11 (k 8, 9)
Bo   2023-03       PPPPPPPPPPPPPPPSSSSSSSSS  sjukpenning 100 % to k 8, 50 % k 9-15, then wages
Cia  2023-10       SSSSSSSSSSSSSSSSSSSS----  aktivitetsersättning ended; 2025-06 is k 20
Gun  2025-02       SPSS--------------------  wages; bistånd 2025-04 (k 2); 2025-06 is k 4
"""
# Exits of linkable persons (with or without consent) and the cohort members, per period.
COHORTS = {
    YEAR_2023: (6, ("Hans", "Anna", "Bo", "Cia")),
    T1_2023: (4, ("Hans", "Anna", "Bo")),
    JULY_JUNE_2022: (5, ("Hans", "Anna", "Bo")),
    YEAR_2025: (1, ("Gun",)),
}


def _timelines() -> dict[str, str]:
    lines = TIMELINES.strip().splitlines()[1:]
    return {line.split()[0]: line.split()[2] for line in lines}


def _expected_status(period: tuple[str, str], k: int) -> tuple:
    """(exits, cohort, covered, self_supporting, is_mature, share) counted off TIMELINES."""
    exits, members = COHORTS[period]
    statuses = [_timelines()[name][k - 1] for name in members]
    covered = sum(status != "-" for status in statuses)
    self_supporting = statuses.count("S")
    mature = covered == len(members)
    return (
        exits,
        len(members),
        covered,
        self_supporting,
        mature,
        (self_supporting / len(members) if mature else None),
    )


def _status(follow_up: BuiltCase, period: tuple[str, str], dimension: str = "all") -> dict:
    rows = follow_up.query(
        "select dimension_value, months_after, exits, cohort, covered, self_supporting, "
        "is_mature, self_supporting_share from marts.follow_up_status "
        "where insats = $1 and period_type = $2 and period_label = $3 and dimension = $4",
        INSATS,
        *period,
        dimension,
    )
    return {(row[0], row[1]): row[2:] for row in rows}


def test_pipeline_run_succeeds(follow_up: BuiltCase) -> None:
    assert follow_up.returncode == 0, follow_up.output[-4000:]


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # k: (exits, cohort, covered, self_supporting, is_mature, self_supporting_share)
        (
            YEAR_2023,
            {
                6: (6, 4, 4, 2, True, 0.5),  # Anna, Cia
                12: (6, 4, 4, 2, True, 0.5),  # Anna, Cia (Bo 50 %, Hans on support)
                24: (6, 4, 3, 2, False, None),  # Anna, Bo; Cia's 2025-10 not yet covered
            },
        ),
        (
            T1_2023,
            {
                6: (4, 3, 3, 1, True, 1 / 3),  # Anna
                12: (4, 3, 3, 1, True, 1 / 3),  # Anna
                24: (4, 3, 3, 2, True, 2 / 3),  # Anna, Bo: mature, Hans still on support
            },
        ),
        (YEAR_2025, {6: (1, 1, 0, 0, False, None), 12: (1, 1, 0, 0, False, None)}),
    ],
)
def test_status_at_6_12_24(follow_up: BuiltCase, period: tuple, expected: dict) -> None:
    status = _status(follow_up, period)
    assert {k: status[("Alla", k)] for k in expected} == expected


@pytest.mark.parametrize("period", list(COHORTS))
def test_status_month_by_month(follow_up: BuiltCase, period: tuple[str, str]) -> None:
    """The curve k = 1..24: Anna's return shows in months 8-9, Bo's end of sjukpenning
    from month 16, Cia's missing months 21-24 make the 2023 cohort immature there."""
    status = _status(follow_up, period)
    assert {k: status[("Alla", k)] for k in range(1, 25)} == {
        k: _expected_status(period, k) for k in range(1, 25)
    }


def test_status_by_gender_and_exit_reason(follow_up: BuiltCase) -> None:
    """Month 24 of 2023: exits K = Anna, Cia, Eva; M = Hans, Bo, Dan."""
    gender = _status(follow_up, YEAR_2023, "gender")
    assert gender[("K", 24)] == (3, 2, 1, 1, False, None)  # Cia not covered
    assert gender[("M", 24)] == (3, 2, 2, 1, True, 0.5)  # Bo self-supporting, Hans not
    reason = _status(follow_up, YEAR_2023, "exit_reason")
    assert reason[("Arbete", 12)] == (2, 1, 1, 1, True, 1.0)  # Anna (Dan without consent)
    assert reason[("Flytt", 12)] == (1, 0, 0, 0, False, None)  # Eva without consent


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (
            YEAR_2023,
            {
                # k: {(income source, extent): persons} over the covered members
                6: {
                    ("Självförsörjande", None): 2,  # Anna, Cia
                    ("Sjukpenning", 100): 1,  # Bo, 2023-09
                    ("Försörjningsstöd", None): 1,  # Hans
                },
                12: {
                    ("Självförsörjande", None): 2,  # Anna, Cia
                    ("Sjukpenning", 50): 1,  # Bo, 2024-03
                    ("Sjukpenning", 25): 1,  # Hans 2024-04: 4 517,80 > bistånd 2 103,17
                },
                24: {("Självförsörjande", None): 2, ("Försörjningsstöd", None): 1},  # no Cia
            },
        ),
        (
            T1_2023,
            {
                6: {
                    ("Självförsörjande", None): 1,
                    ("Sjukpenning", 100): 1,
                    ("Försörjningsstöd", None): 1,
                },
                12: {
                    ("Självförsörjande", None): 1,
                    ("Sjukpenning", 50): 1,
                    ("Sjukpenning", 25): 1,
                },
                24: {("Självförsörjande", None): 2, ("Försörjningsstöd", None): 1},
            },
        ),
    ],
)
def test_status_by_income_source(follow_up: BuiltCase, period: tuple, expected: dict) -> None:
    rows = follow_up.query(
        "select months_after, income_source, extent, persons, is_mature "
        f"from marts.follow_up_status_by_source where {COHORT}",
        INSATS,
        *period,
    )
    by_month: dict[int, dict] = {}
    for k, source, extent, persons, _ in rows:
        by_month.setdefault(k, {})[(source, extent)] = persons
    assert by_month == expected
    maturity = {k: mature for k, *_, mature in rows}
    assert maturity == {k: _expected_status(period, k)[4] for k in (6, 12, 24)}


def test_no_income_source_before_a_month_is_covered(follow_up: BuiltCase) -> None:
    rows = follow_up.query(
        f"select * from marts.follow_up_status_by_source where {COHORT}", INSATS, *YEAR_2025
    )
    assert rows == []


def test_returns_to_support(follow_up: BuiltCase) -> None:
    """Base: members who exited to work or studies. Anna (Arbete 2023-02) is back on
    bistånd in month 8; Cia (Studier 2023-10) never, covered to month 20 only; Gun (Arbete
    2025-02) in month 2, covered to month 4. Dan left for work without consent."""
    rows = follow_up.query(
        "select period_label, base, within_6, months_7_12, months_13_24, is_mature_6, "
        "is_mature_12, is_mature_24 from marts.follow_up_returns where insats = $1 "
        "and dimension = 'all' and (period_type, period_label) in "
        "(('calendar_year', '2023'), ('tertial', '2023 T1'), ('calendar_year', '2025'))",
        INSATS,
    )
    assert {row[0]: row[1:] for row in rows} == {
        "2023": (2, 0, 1, 0, True, True, False),  # Anna, Cia
        "2023 T1": (1, 0, 1, 0, True, True, True),  # Anna
        "2025": (1, 1, 0, 0, False, False, False),  # Gun: a return, but not yet mature
    }


def test_each_members_first_return_and_coverage(follow_up: BuiltCase) -> None:
    rows = follow_up.query(
        "select rows.case_id, followed.first_return_month, followed.covered_through_month "
        "from intermediate.int_exits_followed_up as followed "
        "join intermediate.int_case_rows_mapped as rows "
        "on followed.enrolment_id = rows.case_row_id "
        "where followed.insats = $1 and followed.is_cohort_member",
        INSATS,
    )
    assert {case_id: (first, through) for case_id, first, through in rows} == {
        "TYR-0001": (1, 24),  # Hans
        "TYR-0002": (8, 24),  # Anna
        "TYR-0003": (1, 24),  # Bo
        "TYR-0004": (None, 20),  # Cia
        "TYR-0005": (2, 4),  # Gun
    }


# Kronor per member and party: before = months -12..-1 from the enrolment month, after =
# months 1..12 after the exit month.
#
# Hans  Kommunen  before 2021-01..2021-12   12 × 6 412,40               =  76 948,80
#                 after  2023-05..2024-03   11 × 6 412,40 = 70 536,40
#                        2024-04                 2 103,17               =  72 639,57
#       FK        before 0; after 2024-04 sjukpenning 25 %                 =   4 517,80
# Anna  Kommunen  before 2021-03..2021-11    9 × 8 750,50 = 78 754,50
#                        2021-12..2022-02    3 × 9 012,75 = 27 038,25   = 105 792,75
#                 after  2023-10, 2023-11    2 × 4 200,25               =   8 400,50
# Bo    FK        before 2021-09..2022-04    8 × 14 086,00              = 112 688,00
#                 after  2023-04..2023-11    8 × 14 086,00 = 112 688,00
#                        2023-12..2024-03    4 ×  7 043,00 =  28 172,00 = 140 860,00
# Cia   FK        before 2022-01..2022-08    8 × 11 237,00              =  89 896,00
#                 after  0 (aktivitetsersättning ended at the exit)
# Wages (Skatteverket) are not public support and no party's payments.
#
# 2023 (Hans, Anna, Bo, Cia; 4 participants), per participant rounded to the öre:
#   Kommunen     before 76 948,80 + 105 792,75 = 182 741,55 (45 685,39)
#                after  72 639,57 +   8 400,50 =  81 040,07 (20 260,02)
#   FK           before 112 688,00 + 89 896,00 = 202 584,00 (50 646,00)
#                after  4 517,80 + 140 860,00  = 145 377,80 (36 344,45)
#   Alla parter  before 385 325,55 (96 331,39), after 226 417,87 (56 604,47)
# 2023 T1 (Hans, Anna, Bo; 3): as 2023 without Cia's 89 896,00 before.
PAYMENTS = {
    # (period, party): (participants, before, after, change, and each per participant)
    (YEAR_2023, "Kommunen"): (
        4,
        ("182741.55", "81040.07", "-101701.48"),
        ("45685.39", "20260.02", "-25425.37"),
    ),
    (YEAR_2023, "Försäkringskassan"): (
        4,
        ("202584.00", "145377.80", "-57206.20"),
        ("50646.00", "36344.45", "-14301.55"),
    ),
    (YEAR_2023, "Alla parter"): (
        4,
        ("385325.55", "226417.87", "-158907.68"),
        ("96331.39", "56604.47", "-39726.92"),
    ),
    (T1_2023, "Kommunen"): (
        3,
        ("182741.55", "81040.07", "-101701.48"),
        ("60913.85", "27013.36", "-33900.49"),
    ),
    (T1_2023, "Försäkringskassan"): (
        3,
        ("112688.00", "145377.80", "32689.80"),
        ("37562.67", "48459.27", "10896.60"),
    ),
    (T1_2023, "Alla parter"): (
        3,
        ("295429.55", "226417.87", "-69011.68"),
        ("98476.52", "75472.62", "-23003.89"),
    ),
}


@pytest.mark.parametrize(("key", "expected"), PAYMENTS.items(), ids=str)
def test_payments_before_and_after(follow_up: BuiltCase, key: tuple, expected: tuple) -> None:
    period, party = key
    participants, totals, per_participant = expected
    rows = follow_up.query(
        "select participants, is_mature, before_total, after_total, change_total, "
        "before_per_participant, after_per_participant, change_per_participant "
        f"from marts.follow_up_payments where {COHORT} and party = $4",
        INSATS,
        *period,
        party,
    )
    assert rows == [(participants, True, *map(Decimal, totals), *map(Decimal, per_participant))]


def test_payments_of_an_immature_cohort_are_not_shown(follow_up: BuiltCase) -> None:
    """Gun's months 1..12 after 2025-02 reach 2026-02: no kronor, for any party."""
    rows = follow_up.query(
        "select party, participants, is_mature, before_total, after_per_participant "
        f"from marts.follow_up_payments where {COHORT}",
        INSATS,
        *YEAR_2025,
    )
    assert sorted(rows) == [
        ("Alla parter", 1, False, None, None),
        ("Försäkringskassan", 1, False, None, None),
        ("Kommunen", 1, False, None, None),
    ]


def test_benefit_extent_after_exit(follow_up: BuiltCase) -> None:
    """Base: Bo (sjukpenning 100 % per the case export; 100 % in 2023-09, k 6; 50 % in
    2024-03, k 12) and Cia (aktivitetsersättning, Omfattning empty: 100 % per FK in the
    enrolment month 2022-09; nothing paid after the exit)."""
    rows = follow_up.query(
        "select period_label, months_after, base, covered, is_mature, ended, lowered, "
        "unchanged from marts.follow_up_benefit_extent where insats = $1 "
        "and dimension = 'all' and (period_type, period_label) in "
        "(('calendar_year', '2023'), ('tertial', '2023 T1'))",
        INSATS,
    )
    assert {row[:2]: row[2:] for row in rows} == {
        ("2023", 6): (2, 2, True, 1, 0, 1),  # Cia ended, Bo unchanged
        ("2023", 12): (2, 2, True, 1, 1, 0),  # Cia ended, Bo lowered 100 -> 50
        ("2023 T1", 6): (1, 1, True, 0, 0, 1),
        ("2023 T1", 12): (1, 1, True, 0, 1, 0),
    }
    members = follow_up.query(
        "select rows.case_id, followed.baseline_extent, followed.benefit_extent_6, "
        "followed.benefit_extent_12 from intermediate.int_exits_followed_up as followed "
        "join intermediate.int_case_rows_mapped as rows "
        "on followed.enrolment_id = rows.case_row_id "
        "where followed.insats = $1 and followed.extent_benefit is not null",
        INSATS,
    )
    assert sorted(members) == [("TYR-0003", 100, 100, 50), ("TYR-0004", 100, None, None)]


# Months with public support among the 24 before the enrolment month, against År i
# offentlig försörjning (12 months a year, at most 24):
#
# case      person  24 months before    on support                        measured  År  stated
# TYR-0001  Hans    2020-01..2021-12    bistånd 2021-01..2021-12                12    2    24
# TYR-0002  Anna    2020-03..2022-02    bistånd 2020-09..2022-02                18    2    24
# TYR-0003  Bo      2020-05..2022-04    sjukpenning 2021-09..2022-04             8    1    12
# TYR-0004  Cia     2020-09..2022-08    aktivitetsersättning 2022-01..2022-08    8    3    24
# TYR-0005  Gun     2022-03..2024-02    bistånd 2023-03..2024-02                12    1    12
#
# Only Cia's 16 is more than 12 apart (Hans's 12 is not): one finding.
def test_support_before_enrolment_measured(follow_up: BuiltCase) -> None:
    rows = follow_up.query(
        "select case_id, measured_months_on_public_support, years_on_public_support, "
        "stated_months_on_public_support, covered_months, is_fully_covered "
        "from intermediate.int_support_before_enrolment_measured where insats = $1",
        INSATS,
    )
    assert sorted(rows) == [
        ("TYR-0001", 12, 2, 24, 24, True),
        ("TYR-0002", 18, 2, 24, 24, True),
        ("TYR-0003", 8, 1, 12, 24, True),
        ("TYR-0004", 8, 3, 24, 24, True),
        ("TYR-0005", 12, 1, 12, 24, True),
    ]


def test_support_history_disagreement_is_a_finding(follow_up: BuiltCase) -> None:
    rows = follow_up.query(
        "select case_id, priority, problem from quality.quality_findings "
        "where insats = $1 and field = 'years_on_public_support' "
        "and run_at = (select max(run_at) from quality.quality_findings)",
        INSATS,
    )
    assert rows == [
        (
            "TYR-0004",
            2,
            "År i offentlig försörjning 3 (24 av de 24 månaderna före inskrivningen) men "
            "försörjningsregistren visar 8 månader med offentlig försörjning",
        )
    ]


def test_extracts_count_what_they_do_not_store(follow_up: BuiltCase) -> None:
    """Months per person: Hans 2020-01..2025-04 (64), Anna 2020-03..2025-02 (60), Bo
    2020-05..2025-03 (59), Cia 2020-09..2025-06 (58), Gun 2022-03..2025-06 (40), Dan
    2020-02..2025-01 (60, consent withdrawn), Filip 2021-01..2022-12 (24, no case)."""
    rows = follow_up.query(
        "select extracts.organisation, first_month::varchar, last_month::varchar, "
        "unknown_persons, persons_without_consent, rows_without_consent, "
        "persons_not_in_case_system, rows_not_in_case_system "
        "from raw.income_support_extracts as extracts "
        "join raw.file_registry as files using (file_id) where files.is_current"
    )
    assert sorted(rows) == [
        ("fk", "2020-01-01", "2025-06-01", 3, 0, 0, 1, 24),  # unknown: Anna, Gun, Dan
        ("hassleholm", "2020-01-01", "2025-06-01", 3, 1, 60, 0, 0),  # unknown: Bo, Cia, Filip
        # Unknown: Hans, Filip; Dan's 60 rows dropped (his first month 2020-02 still counts).
        ("skv", "2020-02-01", "2025-06-01", 2, 1, 60, 0, 0),
    ]
    stored = follow_up.query(
        "select organisation, count(*) from raw.income_support_months group by organisation"
    )
    assert dict(stored) == {
        "hassleholm": 64 + 60 + 40,  # Hans, Anna, Gun
        "fk": 64 + 59 + 58,  # Hans, Bo, Cia
        "skv": 60 + 59 + 58 + 40,  # Anna, Bo, Cia, Gun
    }


def test_only_persons_with_consent_are_stored(follow_up: BuiltCase) -> None:
    consented = (
        "select person_id from raw.case_enrolments join raw.file_registry using (file_id) "
        "where is_current and follow_up_consent = 'J'"
    )
    rows = follow_up.query(
        "select count(distinct person_id), "
        f"count(distinct person_id) filter (where person_id not in ({consented})) "
        "from raw.income_support_months"
    )
    assert rows == [(5, 0)]  # Hans, Anna, Bo, Cia, Gun
    dan = follow_up.query(
        "select count(*) from raw.income_support_months where person_id in "
        "(select person_id from raw.case_enrolments where case_id = 'TYR-0006')"
    )
    assert dan == [(0,)]
