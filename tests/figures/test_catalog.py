"""The figure catalogue is the one copy of every label, definition and disclosure basis:
the warehouse publishes it, the README states it, and no view keeps its own."""

from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

from pipelines.figure_catalog import (
    GLOSSARY_END,
    GLOSSARY_START,
    README,
    glossary_markdown,
    read_catalog,
    read_glossary,
    seed_catalog,
    seed_glossary,
)

REPO = Path(__file__).resolve().parents[2]
LABELS = REPO / "dashboards" / "labels.yml"


def test_the_published_catalogue_is_the_seed_with_its_rules_filled(demo_warehouse: Path) -> None:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        assert read_catalog(con) == seed_catalog()
        assert read_glossary(con) == seed_glossary()


def test_the_readme_glossary_is_generated_from_the_catalogue() -> None:
    text = README.read_text(encoding="utf-8")
    block = text.split(GLOSSARY_START, 1)[1].split(GLOSSARY_END, 1)[0].strip()
    assert block == glossary_markdown(seed_catalog(), seed_glossary()), (
        "README.md is out of date: run python -m pipelines.figure_catalog --write"
    )


def test_no_view_keeps_its_own_figure_labels() -> None:
    """labels.yml names codes and non-figure columns only; the catalogue names figures."""
    labels = yaml.safe_load(LABELS.read_text(encoding="utf-8"))
    figure_columns = {figure.mart_column for figure in seed_catalog().values()}
    assert "figures" not in labels and "glossary" not in labels
    assert not figure_columns & set(labels["columns"])
