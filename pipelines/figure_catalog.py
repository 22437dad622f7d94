"""The figure catalogue (nyckeltalskatalogen): every figure's label, definition and basis.

Defined once, in the dbt seeds `figure_definitions` and `glossary_terms`, and published as
`marts.figure_catalog` and `marts.glossary`. The dashboard and the period report read the
published tables (`read_catalog`, `read_glossary`); the README glossary is rendered from
the seeds (`python -m pipelines.figure_catalog`), so no view keeps its own copy.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from pipelines.disclosure import Protection

DBT_PROJECT = Path(__file__).resolve().parents[1] / "dbt_project"
SEEDS = DBT_PROJECT / "seeds"
README = Path(__file__).resolve().parents[1] / "README.md"
GLOSSARY_START = "<!-- glossary:start (python -m pipelines.figure_catalog --write) -->"
GLOSSARY_END = "<!-- glossary:end -->"
UNITS = {
    "antal": "personer",
    "andel": "andel",
    "månader": "månader",
    "kronor": "kronor",
    "medeltal": "medeltal",
    "procent": "procent",
    "per_1000": "per 1 000 invånare",
}


@dataclass(frozen=True)
class Figure:
    """One figure: where it lives, what it is called and means, what protects it (for a
    follow-up figure also its cohort's maturity flag and person count)."""

    figure_id: str
    label: str
    definition: str
    unit: str
    disclosure_basis: tuple[str, ...]
    protection: str
    mart: str
    mart_column: str
    maturity_flag: str | None = None
    cohort_basis: str | None = None


Catalog = Mapping[str, Figure]


def _figures(rows: Iterable[Mapping[str, object]]) -> dict[str, Figure]:
    figures = {}
    for row in rows:
        basis = row["disclosure_basis"] or ()
        if isinstance(basis, str):
            basis = basis.split()
        figures[str(row["figure_id"])] = Figure(
            figure_id=str(row["figure_id"]),
            label=str(row["label"]),
            definition=str(row["definition"]),
            unit=str(row["unit"]),
            disclosure_basis=tuple(basis),
            protection=str(row["protection"]),
            mart=str(row["mart"]),
            mart_column=str(row["mart_column"]),
            maturity_flag=_column(row["maturity_flag"]),
            cohort_basis=_column(row["cohort_basis"]),
        )
    return figures


def _column(value: object) -> str | None:
    """An optional column name: empty in the seed, null in the warehouse."""
    return None if value is None else str(value).strip() or None


def read_catalog(con: duckdb.DuckDBPyConnection) -> dict[str, Figure]:
    """The published catalogue, in the seed's order."""
    cursor = con.execute("select * from marts.figure_catalog")
    names = [column[0] for column in cursor.description]
    return _figures(dict(zip(names, row, strict=True)) for row in cursor.fetchall())


def read_glossary(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The published terms that are not figures, term -> meaning."""
    return dict(con.execute("select term, meaning from marts.glossary").fetchall())


def _filled(definition: str, project_vars: Mapping[str, object]) -> str:
    """A seed definition with its {placeholders} filled as dbt's filled_definition does."""
    for name, values in project_vars.items():
        if isinstance(values, list):
            definition = definition.replace(f"{{{name}}}", " eller ".join(map(str, values)))
    return definition


def seed_catalog(seeds: Path = SEEDS) -> dict[str, Figure]:
    """The catalogue straight from its seed, for documentation built without a warehouse."""
    project = yaml.safe_load((seeds.parent / "dbt_project.yml").read_text(encoding="utf-8"))
    project_vars = project.get("vars", {})
    with (seeds / "figure_definitions.csv").open(encoding="utf-8", newline="") as handle:
        rows = [
            {**row, "definition": _filled(row["definition"], project_vars)}
            for row in csv.DictReader(handle)
        ]
    return _figures(rows)


def seed_glossary(seeds: Path = SEEDS) -> dict[str, str]:
    """The glossary terms straight from their seed."""
    with (seeds / "glossary_terms.csv").open(encoding="utf-8", newline="") as handle:
        return {row["term"]: row["meaning"] for row in csv.DictReader(handle)}


def protections(catalog: Catalog, mart: str) -> dict[str, Protection]:
    """Column -> how it is protected, for every figure a row of the mart shows.

    The mart's own figures first; a column holding a figure catalogued in another mart
    (served and goal_exits beside a cost, dropouts beside the exits) keeps that figure's
    protection, so a count is protected wherever it is shown.
    """

    def protection(figure: Figure) -> Protection:
        return Protection(
            figure.protection, figure.disclosure_basis, figure.maturity_flag, figure.cohort_basis
        )

    elsewhere = {figure.mart_column: protection(figure) for figure in catalog.values()}
    own = {
        figure.mart_column: protection(figure) for figure in catalog.values() if figure.mart == mart
    }
    return elsewhere | own


def maturity_flags(catalog: Catalog, mart: str) -> tuple[str, ...]:
    """The flags the mart's figures wait for (is_mature ...): a view selects them beside
    the figures, and the disclosure module reads and drops them."""
    flags = (figure.maturity_flag for figure in catalog.values() if figure.mart == mart)
    return tuple(dict.fromkeys(flag for flag in flags if flag))


def column_labels(catalog: Catalog) -> dict[str, str]:
    """Mart column -> the Swedish label of the first figure held in such a column."""
    labels: dict[str, str] = {}
    for figure in catalog.values():
        labels.setdefault(figure.mart_column, figure.label)
    return labels


def glossary_markdown(catalog: Catalog, glossary: Mapping[str, str]) -> str:
    """The README's glossary: the figures with unit and mart column, then the other terms."""
    lines = [
        "| Nyckeltal | Definition | Enhet | Var (mart.kolumn) |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {figure.label} | {figure.definition} | {UNITS[figure.unit]} | "
        f"`marts.{figure.mart}.{figure.mart_column}` |"
        for figure in catalog.values()
    ]
    lines += ["", "| Begrepp | Betydelse |", "|---|---|"]
    lines += [f"| {term} | {meaning} |" for term, meaning in glossary.items()]
    return "\n".join(lines)


def readme_with_glossary(readme: str, glossary: str) -> str:
    """The README text with its glossary block replaced by `glossary`."""
    head, rest = readme.split(GLOSSARY_START, 1)
    _, tail = rest.split(GLOSSARY_END, 1)
    return f"{head}{GLOSSARY_START}\n{glossary}\n{GLOSSARY_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Print the glossary, or (--write) put it into README.md between its markers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update README.md in place")
    args = parser.parse_args(argv)
    glossary = glossary_markdown(seed_catalog(), seed_glossary())
    if args.write:
        README.write_text(
            readme_with_glossary(README.read_text(encoding="utf-8"), glossary), encoding="utf-8"
        )
    else:
        print(glossary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
