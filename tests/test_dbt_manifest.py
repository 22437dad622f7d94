"""The dbt manifest is prepared once per project content (pipelines/defs/dbt/project.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipelines.defs.dbt.project import (
    DBT_PROJECT_DIR,
    FINGERPRINT_FILE,
    manifest_is_stale,
    prepare_manifest,
    project_fingerprint,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A dbt project of a few files, enough for the fingerprint."""
    root = tmp_path / "dbt_project"
    (root / "models").mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: finsam\n")
    (root / "models" / "a.sql").write_text("select 1 as a\n")
    return root


def test_the_fingerprint_follows_content_not_modification_times(project: Path) -> None:
    before = project_fingerprint(project)
    model = project / "models" / "a.sql"
    os.utime(model, (1, 1))
    assert project_fingerprint(project) == before  # a checkout or a copy: same project
    model.write_text("select 2 as a\n")
    assert project_fingerprint(project) != before


def test_a_renamed_or_added_file_changes_the_fingerprint(project: Path) -> None:
    before = project_fingerprint(project)
    (project / "models" / "a.sql").rename(project / "models" / "b.sql")
    renamed = project_fingerprint(project)
    assert renamed != before
    (project / "models" / "c.sql").write_text("select 3 as c\n")
    assert project_fingerprint(project) != renamed


def test_the_manifest_is_stale_until_parsed_from_this_content(project: Path) -> None:
    target = project / "target"
    target.mkdir()
    assert manifest_is_stale(project, target)  # nothing parsed yet
    (target / "manifest.json").write_text("{}")
    assert manifest_is_stale(project, target)  # a manifest of unknown content
    (target / FINGERPRINT_FILE).write_text(project_fingerprint(project) + "\n")
    assert not manifest_is_stale(project, target)
    (project / "models" / "a.sql").write_text("select 2 as a\n")
    assert manifest_is_stale(project, target)


def test_a_killed_preparers_scratch_folder_is_removed(project: Path) -> None:
    target = project / "target"
    (target / ".parse-4242").mkdir(parents=True)  # a parse killed midway
    (target / "manifest.json").write_text("{}")
    (target / FINGERPRINT_FILE).write_text(project_fingerprint(project) + "\n")
    assert not prepare_manifest(project, target)  # current: nothing to parse
    assert not list(target.glob(".parse-*"))


def test_a_parse_of_changed_content_happens_once(tmp_path: Path) -> None:
    """A copy of the real project parses once, then every later call finds it current."""
    copy = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, copy, ignore=shutil.ignore_patterns("target", "logs"))
    target = copy / "target"
    assert prepare_manifest(copy, target)
    assert (target / "manifest.json").exists()
    assert not list(target.glob(".parse-*"))  # the scratch folder is gone
    assert not prepare_manifest(copy, target)
