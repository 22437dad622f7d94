"""`finsam-dbt`: the dbt command of this project, starting from the prepared manifest.

Plain `dbt build` parses the project again whenever the work database's path or the
`--vars` differ from the last parse (dbt-core's partial-parse state check hashes both), so
every test, benchmark and first night paid a full parse, about ten seconds. The project's
content has one manifest, prepared by `python -m pipelines.defs.dbt.project`; this command
hands it to dbt (`dbtRunner(manifest=...)`, dbt's documented way to reuse a manifest) and
lets dbt render the profile, the vars and the SQL as usual.

It parses like plain dbt when reuse would be wrong: a command that parses or needs no
manifest, a project whose content changed since the preparation, or a work database whose
name (the catalog every relation in the manifest names) differs from the prepared one.

`finsam-dbt --version` answers without importing dbt: dagster-dbt asks it before each
command, and importing dbt only to print the version cost four seconds a run.
"""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser, Namespace
from importlib import metadata
from typing import TYPE_CHECKING

from pipelines.defs.dbt.project import DBT_PROJECT_DIR, TARGET_DIR, manifest_is_stale

if TYPE_CHECKING:
    from dbt.contracts.graph.manifest import Manifest

# The commands that run on a manifest they would otherwise parse (`parse` itself parses).
REUSING_COMMANDS = frozenset(
    ["build", "run", "test", "seed", "snapshot", "compile", "show", "ls", "list"]
    + ["run-operation", "docs"]
)
PREPARED_MANIFEST = TARGET_DIR / "partial_parse.msgpack"


def main() -> int:
    """dbt's exit codes: 0 success, 1 a node failed, 2 dbt itself failed."""
    args = sys.argv[1:]
    if args == ["--version"]:
        print(f"Core:\n  - installed: {metadata.version('dbt-core')}")
        return 0
    from dbt.cli.main import dbtRunner

    command = next((arg for arg in args if not arg.startswith("-")), None)
    manifest = prepared_manifest(args) if command in REUSING_COMMANDS else None
    result = dbtRunner(manifest=manifest).invoke(args)
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def prepared_manifest(args: list[str]) -> Manifest | None:
    """The prepared manifest, when it describes this project and this work database."""
    if manifest_is_stale() or not PREPARED_MANIFEST.exists():
        return None
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    manifest = Manifest.from_msgpack(
        PREPARED_MANIFEST.read_bytes(), decoder=extended_mashumuro_decoder
    )
    if _catalog(manifest) != _profile_database(args):
        return None
    # What dbt does to a saved manifest when nothing changed (ManifestLoader.load and
    # get_full_manifest with partial parsing skipped).
    manifest.build_parent_and_child_maps()
    manifest.build_flat_graph()
    return manifest


def _catalog(manifest: Manifest) -> str | None:
    return next((node.database for node in manifest.nodes.values()), None)


def _profile_database(args: list[str]) -> str | None:
    """The database dbt's own profile rendering gives, with these `--vars` and environment."""
    from dbt.config.runtime import load_profile
    from dbt.config.utils import parse_cli_vars
    from dbt.flags import set_from_args
    from dbt_common.context import set_invocation_context

    parser = ArgumentParser(add_help=False)
    parser.add_argument("--vars", default="{}")
    known, _ = parser.parse_known_args(args)
    set_invocation_context(os.environ.copy())
    set_from_args(Namespace(profiles_dir=str(DBT_PROJECT_DIR)), None)
    profile = load_profile(str(DBT_PROJECT_DIR), parse_cli_vars(known.vars))
    return profile.credentials.database


if __name__ == "__main__":
    sys.exit(main())
