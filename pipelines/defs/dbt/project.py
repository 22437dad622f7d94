"""The one dbt project of the code location, its manifest prepared once per project content.

`python -m pipelines.defs.dbt.project` (run by `make setup`'s callers before any job or test)
parses the project when its content changed since the last parse, and does nothing
otherwise. Every definitions load (runs, the daemon, test processes) reuses that manifest,
so a nightly run never pays a `dbt parse` for an unchanged project; the dashboard reads
only the warehouse and never loads dbt at all.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
TARGET_DIR = DBT_PROJECT_DIR / "target"
SOURCE_FOLDERS = ("models", "macros", "seeds", "snapshots", "tests")
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "selectors.yml")
FINGERPRINT_FILE = "manifest.fingerprint"
PARSED_FILES = ("manifest.json", "partial_parse.msgpack")

# The dbt of the interpreter running Dagster, so runs work without the venv on PATH: our
# command, which starts from the prepared manifest (runner.py).
DBT_EXECUTABLE = Path(sys.executable).parent / "finsam-dbt"


def _project_files(project_dir: Path) -> Iterator[Path]:
    for name in PROJECT_FILES:
        if (project_dir / name).is_file():
            yield project_dir / name
    for folder in SOURCE_FOLDERS:
        yield from sorted(path for path in (project_dir / folder).rglob("*") if path.is_file())


def project_fingerprint(project_dir: Path = DBT_PROJECT_DIR) -> str:
    """SHA-256 over every project file's path and content: what a parse depends on.

    Content, not modification times: a fresh clone, a `git checkout` or a copied tree has
    new times and the same project, and an edit that keeps the time still counts.
    """
    digest = hashlib.sha256()
    for path in _project_files(project_dir):
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def manifest_is_stale(project_dir: Path = DBT_PROJECT_DIR, target: Path = TARGET_DIR) -> bool:
    """Whether the manifest is missing or was parsed from other project content."""
    stamp = target / FINGERPRINT_FILE
    if not (target / "manifest.json").exists() or not stamp.exists():
        return True
    return stamp.read_text().strip() != project_fingerprint(project_dir)


@contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """One preparing process at a time (test workers, the daemon and a run may start
    together); the others wait and then find the manifest current."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare_manifest(project_dir: Path = DBT_PROJECT_DIR, target: Path = TARGET_DIR) -> bool:
    """Parse the project if its content changed; True when it parsed.

    Parsed in full into a folder of its own and moved into `target/` file by file with
    `os.replace`, the fingerprint last, so a reader never sees half a manifest and a parse
    killed midway leaves the old fingerprint (the next process parses again). In full, not
    from the kept partial parse: dbt's partial parsing misses some changes (a seed's
    `column_types` in its properties file kept the old columns), and the parse it leaves
    is what every later build starts from.
    """
    with exclusive(target / ".prepare.lock"):
        # A scratch folder seen under the lock is a killed preparer's: nothing is left behind.
        for scratch in target.glob(".parse-*"):
            shutil.rmtree(scratch, ignore_errors=True)
        if not manifest_is_stale(project_dir, target):
            return False
        fingerprint = project_fingerprint(project_dir)
        scratch = target / f".parse-{os.getpid()}"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        try:
            _parse(project_dir, scratch)
            if not (scratch / "manifest.json").exists():
                raise RuntimeError(f"dbt parse wrote no manifest into {scratch}")
            for name in PARSED_FILES:
                if (scratch / name).exists():
                    os.replace(scratch / name, target / name)
            stamp = scratch / FINGERPRINT_FILE
            stamp.write_text(fingerprint + "\n")
            os.replace(stamp, target / FINGERPRINT_FILE)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return True


def _parse(project_dir: Path, target: Path) -> None:
    # Imported here: checking the fingerprint (every `make` call) need not load dagster_dbt.
    from dagster_dbt import DbtCliResource

    # Not DbtProject.preparer: it runs the `dbt` on PATH, which a plain `python -m` lacks.
    dbt = DbtCliResource(
        project_dir=str(project_dir),
        profiles_dir=str(project_dir),
        dbt_executable=str(DBT_EXECUTABLE),
    )
    dbt.cli(["parse", "--quiet"], target_path=target).wait()


@cache
def finsam_dbt_project() -> DbtProject:
    """The dbt project with a manifest of its current content.

    Normally prepared already (`make` runs this module first); a clean clone started some
    other way, or an edited project under `dagster dev`, parses here once (about ten
    seconds) rather than fail or describe models that no longer exist.
    """
    from dagster_dbt import DbtProject

    prepare_manifest()
    return DbtProject(
        project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=TARGET_DIR
    )


if __name__ == "__main__":
    print("dbt manifest " + ("prepared" if prepare_manifest() else "current"))
