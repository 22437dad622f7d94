"""Small synthetic deliveries in the agencies' formats, written by the tests themselves.

Every personnummer here is a synthetic samordningsnummer (day + 60) with a valid check digit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter


def luhn_digit(nine_digits: str) -> str:
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 - index % 2)
        total += product // 10 + product % 10
    return str((10 - total % 10) % 10)


def samordningsnummer(born: dt.date, serial: int, male: bool) -> str:
    """Twelve digits YYYYMMDDNNNN with day + 60 and a correct check digit."""
    serial = serial * 2 + (1 if male else 0)  # second-to-last digit odd for men
    nine = f"{born:%y%m}{born.day + 60:02d}{serial % 1000:03d}"
    return f"{born.year}{nine[2:]}{luhn_digit(nine)}"


def forms(pnr12: str) -> list[str]:
    """Every normalised form a personnummer could leak in."""
    return [
        pnr12,
        pnr12[2:],
        f"{pnr12[:8]}-{pnr12[8:]}",
        f"{pnr12[2:8]}-{pnr12[8:]}",
        f"{pnr12[2:8]}+{pnr12[8:]}",
    ]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "cp1252", delimiter: str = ";"):
    """A delimited export as Swedish systems write it (cp1252, or UTF-8 with BOM)."""
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    workbook.close()
    return path


GWA_HEADER = [
    "ÄrendeID",
    "Personnummer",
    "Skyddad identitet",
    "Insats",
    "Enhet",
    "Handläggare",
    "Remitterande aktör",
    "Remissdatum",
    "Inskrivningsdatum",
    "Avslutsdatum",
    "Avslutsorsak",
    "Försörjning vid inskrivning",
    "Omfattning försörjning vid inskrivning",
    "Försörjning vid avslut",
    "Sysselsättning vid avslut",
    "Omfattning sysselsättning vid avslut",
    "Kartläggningsdatum",
    "Utbildningsnivå",
    "Födelseregion",
    "Arbetslivserfarenhet",
    "År i offentlig försörjning",
    "Fysisk ohälsa",
    "Psykisk ohälsa",
    "Behov av språkstöd",
    "Arbetsförmåga",
    "Närvarotimmar",
]


def gwa_row(case_id: str, pnr: str, **values: str) -> list[str]:
    """One kind A row; unspecified columns get plausible values."""
    row = dict(
        zip(
            GWA_HEADER,
            [
                case_id,
                pnr,
                "N",
                "Samverkansteam Avesta",
                "Hässleholm",
                "ANLA01",
                "Försäkringskassan",
                "2024-01-10",
                "2024-02-01",
                "",
                "",
                "Sjukpenning",
                "100",
                "",
                "",
                "",
                "2024-02-15",
                "Gymnasial",
                "Sverige",
                "2-5 år",
                "3",
                "Ja",
                "Nej",
                "Nej",
                "Delvis",
                "1 234,5",
            ],
            strict=True,
        )
    )
    row.update(values)
    return [row[h] for h in GWA_HEADER]


PERSONS = {
    "anna": samordningsnummer(dt.date(1985, 3, 4), 12, male=False),
    "bo": samordningsnummer(dt.date(1990, 12, 30), 5, male=True),
    "cia": samordningsnummer(dt.date(1960, 7, 1), 7, male=False),
    "dan": samordningsnummer(dt.date(2001, 1, 15), 9, male=True),
    "eva": samordningsnummer(dt.date(1923, 5, 6), 3, male=False),
}

CONFIG = """
forbund: Samordningsförbundet Test
units:
  Hässleholm: {municipality_code: "1293", municipality_name: Hässleholm}
  Osby: {municipality_code: "1273", municipality_name: Osby}
defaults:
  trial_days: 0
insatser:
  Samverkansteam Hässleholm:
    goal_reasons: [Arbete, Studier, Annan arbetslivsinriktad rehabilitering]
    trial_days: 60
    esf_project: {"2019-3010123": Hässleholm}
    projekt: "4711"
  Samverkansteam Osby:
    esf_project: "2019-3010124"
    projekt: 4712
stated_figures:
  - {insats: Samverkansteam Hässleholm, unit: null, figure: cost_per_participant,
     period_from: 2023-01-01, period_to: 2023-12-31, stated_value: 17227, source: "Rapport"}
"""


def gwa_rows(extra: list[list[str]] | None = None) -> list[list[str]]:
    """A clean kind A delivery: every personnummer form, a protected identity."""
    anna, bo, cia, eva = PERSONS["anna"], PERSONS["bo"], PERSONS["cia"], PERSONS["eva"]
    return [
        GWA_HEADER,
        gwa_row("H-1", f"{anna[:8]}-{anna[8:]}", Insats="Samverkansteam Hässleholm"),
        gwa_row(
            "H-2",
            f"{bo[2:8]}-{bo[8:]}",
            Avslutsdatum="2024-05-01",
            Avslutsorsak="Arbete",
            **{"Försörjning vid inskrivning": " förs.stöd "},
        ),
        gwa_row("H-3", cia, **{"Remitterande aktör": "AF", "Remissdatum": "20240105"}),
        gwa_row("H-4", "", **{"Skyddad identitet": "J"}),
        gwa_row("H-5", f"{eva[2:8]}+{eva[8:]}", Inskrivningsdatum="", Kartläggningsdatum=""),
        *(extra or []),
    ]


def osby_register() -> list[list[object]]:
    anna, dan = PERSONS["anna"], PERSONS["dan"]
    header = [
        "Pnr",
        "Kön",
        "Skyddad identitet",
        "Insats",
        "Enhet",
        "Handläggare",
        "Remittent",
        "Remissdatum",
        "Start",
        "Slut",
        "Orsak avslut",
        "Försörjning start",
        "Försörjning slut",
        "Kartlagd",
        "Språkstöd",
        "Närvarotimmar",
    ]
    return [
        header,
        [
            f"{dan[:8]}-{dan[8:]}",
            "M",
            "N",
            "Samverkansteam Osby",
            "Osby",
            "OSBY01",
            "AF",
            dt.date(2024, 1, 8),
            dt.date(2024, 1, 20),
            dt.date(2024, 4, 30),
            "Annan arbetslivsinriktad rehab",
            "A-kassa",
            "Ingen",
            dt.date(2024, 2, 1),
            "Nej",
            12.5,
        ],
        [
            None,
            "K",
            "J",
            "Samverkansteam Osby",
            "Osby",
            "OSBY01",
            "Soc",
            "2024-02-01",
            "2024-02-10",
            None,
            None,
            "Ekonomiskt bistånd",
            None,
            None,
            "Ej bedömd",
            3,
        ],
        [
            int(anna),
            "K",
            "N",
            "Samverkansteam Osby",
            "Osby",
            "OSBY02",
            "FK",
            "20240301",
            None,
            None,
            None,
            "Sjukpenning",
            None,
            None,
            None,
            None,
        ],
    ]


def bromolla_register() -> list[list[object]]:
    """A second team with its own headings and no Insats or protected-identity column."""
    bo = PERSONS["bo"]
    header = [
        "Löpnummer",
        "Pnr",
        "Kön",
        "Ort",
        "Coach",
        "Remitterad från",
        "Remiss",
        "Startdatum",
        "Slutdatum",
        "Avslutsorsak",
        "Timmar",
    ]
    return [
        header,
        [
            "B7",
            bo[2:],
            "M",
            "Bromölla",
            "BRO1",
            "Egen",
            "2024-03-01",
            "2024-03-05",
            "2024-06-01",
            "Avhopp",
            "1 234,5",
        ],
        ["B8", "", "K", "Bromölla", "BRO1", "FK", "2024-03-02", None, None, None, None],
    ]


def esf_rows() -> list[list[str]]:
    bo, cia = PERSONS["bo"], PERSONS["cia"]
    return [
        [
            "Projektnummer",
            "Personnummer",
            "Kon",
            "Startdatum",
            "Slutdatum",
            "Status_start",
            "Utbildning",
            "Avslutningsorsak",
            "Avslutningsorsak2",
            "Deltagartimmar",
        ],
        [
            "2019-3010123",
            f"{bo[2:8]}-{bo[8:]}",
            "1",
            "20240201",
            "20240501",
            "3",
            "2",
            "1",
            "",
            "120,5",
        ],
        ["2019-3010123", f"{cia[2:8]}-{cia[8:]}", "2", "240115", "", "5", "9", "", "", "40"],
        ["2019-3010123", "", "2", "20240301", "", "2", "1", "", "", "0"],
    ]


def population_rows() -> list[list[str]]:
    rows = [['"region"', '"ålder"', '"kön"', '"2023"', '"2024"']]
    for band in ("16-19 år", "20-24 år"):
        for sex, count in (("män", "812"), ("kvinnor", "790")):
            rows.append(['"1293 Hässleholm"', f'"{band}"', f'"{sex}"', count, str(int(count) + 3)])
    return rows


def ledger_rows(extra: list[list[str]] | None = None) -> list[list[str]]:
    anna = PERSONS["anna"]
    return [
        ["Verifikation", "Bokföringsdatum", "Konto", "Ansvar", "Projekt", "Belopp", "Text"],
        ["V1", "2024-01-31", "5010", "610", "4711", "45\u00a0000,00", "Löner januari"],
        ["V2", "2024-02-01", "6110", "610", "4711", "12 500,50", "Hyra lokal"],
        ["V3", "2024-02-15", "6990", "610", "4711", "-1 200,00", "Kreditering"],
        [
            "V4",
            "2024-03-01",
            "7010",
            "610",
            "4711",
            "350,00",
            f"Resa deltagare {anna[2:8]}-{anna[8:]} till Kristianstad",
        ],
        *(extra or []),
    ]


def write_landing(landing: Path, config: Path, encoding: str = "cp1252") -> None:
    """One clean delivery of every source kind, text files in `encoding`."""
    write_csv(landing / "arende" / "gwa_hassleholm_20240601.csv", gwa_rows(), encoding)
    write_xlsx(landing / "arende" / "register_osby_20240601.xlsx", {"Deltagare": osby_register()})
    write_xlsx(
        landing / "arende" / "register_bromolla_20240601.xlsx", {"Deltagare": bromolla_register()}
    )
    write_csv(landing / "scb" / "esf_2019-3010123_20240601.txt", esf_rows(), encoding)
    write_csv(landing / "scb" / "befolkning_20240301.csv", population_rows(), encoding, ",")
    write_csv(landing / "ekonomi" / "huvudbok_hassleholm_20240331.csv", ledger_rows(), encoding)
    write_xlsx(
        landing / "ekonomi" / "budget_2024.xlsx",
        {
            "Budget": [
                ["Insats", "Projekt", "Kostnadsslag", "Budget"],
                ["Samverkansteam Hässleholm", "4711", "Personal", 600000],
                ["Samverkansteam Hässleholm", "4711", "Övriga kostnader", 50000.5],
            ],
            "Finansiering": [
                ["Insats", "Part", "Andel"],
                ["Samverkansteam Hässleholm", "Försäkringskassan", 50],
                ["Samverkansteam Hässleholm", "Region Skåne", 25],
                ["Samverkansteam Hässleholm", "Hässleholm", 25],
            ],
        },
    )
    for made, forecast in (("20240430", "610 000"), ("20240831", "620 000")):
        write_xlsx(
            landing / "ekonomi" / f"prognos_{made}.xlsx",
            {
                "Prognos": [
                    ["Insats", "Projekt", "Kostnadsslag", "Helårsprognos"],
                    ["Samverkansteam Hässleholm", "4711", "Personal", forecast],
                ]
            },
        )
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG, encoding="utf-8")
