"""SQL expressions that type one delivered text value, and say what is wrong with it.

Swedish exports write `1 234,50` (space or no-break space as thousands separator, decimal
comma), dates as YYYY-MM-DD, YYYYMMDD or YYMMDD, and months (kind F) as YYYY-MM or YYYYMM.
Each typed column gets a value expression (null when unusable) and a problem expression
(a Swedish reason, or null).
"""

from __future__ import annotations

from dataclasses import dataclass

NUMERIC_TYPES = ("INTEGER", "DOUBLE", "DECIMAL(18,2)")
NUMBER_NOISE = ("' '", "chr(160)", "chr(8239)", "'%'")

# Excel's day 0 (with its 1900 leap-year bug folded in) and the serials taken as dates:
# 1954-10-03 to 2119-01-10, so a small count or amount is never read as a date.
EXCEL_EPOCH = "1899-12-30"
EXCEL_SERIAL_RANGE = (20000, 80000)

# Value type -> the problem of a value that cannot be read as one. MONTH is no SQL type:
# a DATE column whose mapping declares it (`value_types`), stored as the month's first day.
INVALID = {
    "DATE": "ogiltigt datum",
    "MONTH": "ogiltig månad (väntat ÅÅÅÅ-MM eller ÅÅÅÅMM)",
    "INTEGER": "ogiltigt heltal",
    "DOUBLE": "ogiltigt tal",
    "DECIMAL(18,2)": "ogiltigt belopp",
}


def text_sql(column: str) -> str:
    return f"nullif(trim({column}), '')"


def date_sql(column: str) -> str:
    """A date in any of the delivered forms (Excel timestamps keep their date part).

    Chosen by length, not by regular expression: strptime itself rejects anything else.
    A five-digit number (optionally with a time fraction, decimal point or comma) is an
    Excel serial date, as a date cell formatted "General" is exported (45107 = 2023-06-30;
    a sheet's number cell 45107.0 reaches here as "45107", see `readers._cell_text`); no
    YYYYMMDD or YYMMDD date has five digits, so the form is unambiguous in CSVs too.
    """
    value = text_sql(column)
    serial = f"try_cast(replace({value}, ',', '.') AS DOUBLE)"
    return f"""CASE
        WHEN regexp_full_match({value}, '\\d{{5}}([.,]\\d+)?')
            THEN CASE WHEN {serial} BETWEEN {EXCEL_SERIAL_RANGE[0]} AND {EXCEL_SERIAL_RANGE[1]}
                THEN DATE '{EXCEL_EPOCH}' + floor({serial})::INTEGER END
        ELSE CASE length({value})
            WHEN 10 THEN try_strptime({value}, '%Y-%m-%d')
            WHEN 8 THEN try_strptime({value}, '%Y%m%d')
            WHEN 6 THEN try_strptime({value}, '%y%m%d')
            ELSE CASE WHEN {value} SIMILAR TO '\\d{{4}}-\\d{{2}}-\\d{{2}}[ T].*'
                THEN try_strptime(left({value}, 10), '%Y-%m-%d') END
        END
    END::DATE"""


def month_sql(column: str) -> str:
    """A month, YYYY-MM or YYYYMM, as its first day. Never through `date_sql`: six digits
    there are YYMMDD, so 202403 would be unreadable and 201205 (May 2012) 5 December 2020."""
    value = text_sql(column)
    first_day = f"replace({value}, '-', '') || '01'"
    return (
        f"CASE WHEN regexp_full_match({value}, '\\d{{4}}-?\\d{{2}}') "
        f"THEN try_strptime({first_day}, '%Y%m%d') END::DATE"
    )


def number_text_sql(column: str) -> str:
    """A delivered number with thousands separators removed and a decimal point."""
    expression = text_sql(column)
    for noise in NUMBER_NOISE:
        expression = f"replace({expression}, {noise}, '')"
    return f"replace({expression}, ',', '.')"


def typed_value_sql(column: str, sql_type: str) -> str:
    """The typed value of a text column; null when empty or unparseable."""
    if sql_type == "DATE":
        return date_sql(column)
    if sql_type == "MONTH":
        return month_sql(column)
    if sql_type == "INTEGER":
        number = f"try_cast({number_text_sql(column)} AS DOUBLE)"
        # try_cast: a twelve-digit number typed into an integer field is unusable, not fatal.
        return f"CASE WHEN {number} = floor({number}) THEN try_cast({number} AS INTEGER) END"
    if sql_type in ("DOUBLE", "DECIMAL(18,2)"):
        return f"try_cast({number_text_sql(column)} AS {sql_type})"
    return text_sql(column)


@dataclass(frozen=True)
class Field:
    """One mapped column of a delivered table and the rules its values must meet.

    Typing is two-pass so each value is parsed once: `parse_sql` yields the trimmed text
    (`<name>__text`) and the parsed value (`<name>__value`); the checks then compare those.
    """

    name: str
    heading: str
    sql_type: str
    required: bool = False
    expected: bool = False  # a missing value is reported, but does not reject the row
    allow_negative: bool = False
    allowed: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return f'"{self.name}__text"'

    @property
    def value(self) -> str:
        return f'"{self.name}__value"'

    def parse_sql(self) -> list[str]:
        """First pass: the text and the parsed value, read from column `name`."""
        column = f'"{self.name}"'
        return [
            f"{text_sql(column)} AS {self.text}",
            f"{typed_value_sql(column, self.sql_type)} AS {self.value}",
        ]

    def problem_sql(self) -> str:
        """Why the value cannot be used (null when fine); unknown code labels excluded."""
        missing = "'värde saknas'" if self.required or self.expected else "NULL"
        cases = [f"WHEN {self.text} IS NULL THEN {missing}"]
        if self.sql_type in INVALID:
            cases.append(f"WHEN {self.value} IS NULL THEN '{INVALID[self.sql_type]}'")
        if self.sql_type in NUMERIC_TYPES and not self.allow_negative:
            cases.append(f"WHEN {self.value} < 0 THEN 'negativt värde'")
        if self.allowed:
            allowed = ", ".join(f"'{option.lower()}'" for option in self.allowed)
            listed = "/".join(self.allowed)
            cases.append(
                f"WHEN lower({self.value}::VARCHAR) NOT IN ({allowed}) "
                f"THEN 'okänt värde (tillåtet: {listed})'"
            )
        return f"CASE {' '.join(cases)} END"
