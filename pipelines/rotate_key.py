"""`python -m pipelines.rotate_key`: move every stored pseudonym from the old key to the new.

    python -m pipelines.rotate_key --old-key-file gammal.key
    FINSAM_OLD_PSEUDONYM_KEY=... python -m pipelines.rotate_key

The new key is the configured one (FINSAM_PSEUDONYM_KEY, or the demo key file). HMAC cannot
be inverted, so the retained deliveries (the landing folder keeps every loaded file;
`raw.file_registry` lists them) are read again and each personnummer's old and new
pseudonym computed side by side in DuckDB, with the ingest's own SQL. The old -> new pairs,
in a temp table only, then rewrite every person-level column of every table of the work
database (raw, snapshots, quality and the dbt tables) in one transaction, and the new key's
fingerprint is recorded. A delivery missing from the landing stops the command before
anything changes. The next `python -m pipelines.run` rebuilds dbt and publishes.
Output is counts and table names only, never a personnummer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.ingest.file_safety import content_hash
from pipelines.ingest.landing import FILE_PATTERNS, LandedFile
from pipelines.ingest.mappings import Mapping, source_mapping
from pipelines.ingest.personnummer_sql import (
    CASE_ID_PREFIX,
    create_text_macros,
    personnummer_select,
    pseudonymous_case_id_sql,
)
from pipelines.ingest.pseudonym import hmac_pads
from pipelines.ingest.readers import drop_stage, stage_csv, stage_sheet
from pipelines.ingest.table_load import quote
from pipelines.ingest.values_sql import typed_value_sql
from pipelines.pseudonym_key import fingerprint, record_fingerprint, stored_fingerprint
from pipelines.settings import SettingsError, duckdb_connection_config, load_settings
from pipelines.spilling import never_spilling

KEYED_KINDS = ("gwa", "register", "esf", "income_support")
# Columns holding a pseudonym or an id derived from one, wherever they appear.
VALUE_COLUMNS = ("person_id", "person_key", "case_id")
LIST_COLUMNS = ("case_ids",)
IDENTITY_INPUTS = ("personnummer", "protected_identity", "case_id")
STAGE = "rotation_stage"
PAIRS = "rotation_pairs"


class RotationError(RuntimeError):
    """The rotation cannot be done safely; nothing was changed. The message says why."""


@dataclass
class Rotation:
    """What a rotation did, in counts (never a value)."""

    deliveries: int = 0
    persons: int = 0
    case_ids: int = 0
    updated: dict[str, int] = field(default_factory=dict)


def _check_keys(con: duckdb.DuckDBPyConnection, old_key: bytes, new_key: bytes) -> bool:
    """False when the database already uses the new key; raises when `old_key` is wrong."""
    stored = stored_fingerprint(con)
    if stored == fingerprint(new_key):
        return False
    if stored is not None and stored != fingerprint(old_key):
        raise RotationError(
            "Den gamla nyckeln stämmer inte med arbetsdatabasens fingeravtryck: inget ändrat. "
            "/ The old key does not match the work database's fingerprint: nothing changed."
        )
    return True


@dataclass(frozen=True)
class Delivery:
    """A loaded delivery as the registry knows it, and where its content still lies."""

    path: Path
    source_kind: str
    organisation: str
    extraction_date: dt.date

    def read(self) -> LandedFile:
        """The file, read now: deliveries are held one at a time, never all at once."""
        return LandedFile(
            self.path,
            self.path.parent.name,
            self.source_kind,
            self.organisation,
            self.extraction_date,
            self.path.read_bytes(),
        )


def _landing_index(landing: Path) -> dict[str, Path]:
    """Content hash (the registry's file_id) -> path of every regular file (links and
    other entries never followed) in the landing folders of the keyed kinds."""
    index = {}
    for folder in sorted({FILE_PATTERNS[kind][0] for kind in KEYED_KINDS}):
        directory = landing / folder
        paths = sorted(directory.iterdir()) if directory.is_dir() else []
        for path in paths:
            digest = content_hash(path)
            if digest:
                index[digest] = path
    return index


def retained_deliveries(con: duckdb.DuckDBPyConnection, landing: Path) -> list[Delivery]:
    """Every loaded delivery with personnummer, found in the landing by content hash."""
    index = _landing_index(landing)
    registered = con.execute(
        "select file_id, file_name, source_kind, organisation, extraction_date "
        "from raw.file_registry where status = 'loaded' and source_kind in "
        f"({', '.join('?' for _ in KEYED_KINDS)}) order by loaded_at",
        list(KEYED_KINDS),
    ).fetchall()
    missing = [name for file_id, name, *_ in registered if file_id not in index]
    if missing:
        raise RotationError(
            f"{len(missing)} inläst(a) leverans(er) saknas i FINSAM_LANDING "
            f"({', '.join(missing)}): utan dem kan pseudonymerna inte räknas om. Lägg "
            "tillbaka filerna; inget ändrat. "
            f"/ {len(missing)} loaded deliveries are missing from the landing: nothing changed."
        )
    return [Delivery(index[file_id], *details) for file_id, _, *details in registered]


def _stage_identities(con: duckdb.DuckDBPyConnection, landed: LandedFile) -> Mapping:
    """Temp view `rotation_rows`: each row's personnummer, protected flag and case id."""
    mapping = source_mapping(landed.source_kind, landed.organisation)
    if mapping.sheet:
        headings = stage_sheet(con, landed.content, mapping.sheet, STAGE)
    else:
        headings = stage_csv(con, landed.content, STAGE, ";", mapping.trailer_prefix)
    resolved = mapping.resolve(headings)
    columns = ", ".join(
        f"{quote(resolved[name]) if name in resolved else 'NULL::VARCHAR'} AS {name}"
        for name in IDENTITY_INPUTS
    )
    con.execute(
        f"create or replace temp view rotation_rows as select row_number, {columns} from {STAGE}"
    )
    return mapping


def _pseudonyms(
    con: duckdb.DuckDBPyConnection, landed: LandedFile, mapping: Mapping, key: bytes, table: str
) -> None:
    """Temp table `table`: per row, the person_id and the stored case id under `key`."""
    derived = personnummer_select(
        "rotation_rows",
        landed.extraction_date,
        empty_means_protected=mapping.empty_personnummer == "protected",
    )
    case_id = pseudonymous_case_id_sql("case_id", landed.extraction_date)
    create_text_macros(con)
    con.execute(
        f"create or replace temp table {table} as select row_number, person_id, "
        f"{typed_value_sql(case_id, 'VARCHAR')} as case_id from ({derived})",
        hmac_pads(key),
    )


def _collect_pairs(
    con: duckdb.DuckDBPyConnection, deliveries: list[Delivery], old_key: bytes, new_key: bytes
) -> None:
    """Temp table of distinct (old_value, new_value, kind) over every delivery."""
    con.execute(
        f"create or replace temp table {PAIRS} (old_value varchar, new_value varchar, kind varchar)"
    )
    for delivery in deliveries:
        landed = delivery.read()
        mapping = _stage_identities(con, landed)
        _pseudonyms(con, landed, mapping, old_key, "rotation_old")
        _pseudonyms(con, landed, mapping, new_key, "rotation_new")
        con.execute(
            f"insert into {PAIRS} select old.person_id, new.person_id, 'person' "
            "from rotation_old as old join rotation_new as new using (row_number) "
            "where old.person_id is not null union "
            "select old.case_id, new.case_id, 'case' "
            "from rotation_old as old join rotation_new as new using (row_number) "
            "where old.case_id is distinct from new.case_id"
        )
        con.execute("drop view rotation_rows")
        drop_stage(con, STAGE)
    con.execute(f"create or replace temp table {PAIRS} as select distinct * from {PAIRS}")


def _identity_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, bool]]:
    """(schema, table, column, is_list) of every person-level column of a stored table."""
    return con.execute(
        "select c.schema_name, c.table_name, c.column_name, c.data_type = 'VARCHAR[]' "
        "from duckdb_columns() as c join duckdb_tables() as t using (database_name, "
        "schema_name, table_name) where c.database_name = current_database() "
        "and not t.temporary and ((c.column_name in ? and c.data_type = 'VARCHAR') "
        "or (c.column_name in ? and c.data_type = 'VARCHAR[]')) order by all",
        [list(VALUE_COLUMNS), list(LIST_COLUMNS)],
    ).fetchall()


def _update_sql(target: str, column: str, is_list: bool) -> str:
    if not is_list:
        return (
            f"update {target} as target set {column} = pair.new_value from {PAIRS} as pair "
            f"where target.{column} = pair.old_value"
        )
    # Element by element through a join: a list of case ids keeps its order.
    return f"""update {target} as target set {column} = fixed.ids from (
        select item.row_id, list(coalesce(pair.new_value, item.value) order by item.position) as ids
        from (select rowid as row_id, unnest({column}) as value,
            generate_subscripts({column}, 1) as position from {target}) as item
        left join {PAIRS} as pair on pair.old_value = item.value
        group by item.row_id having bool_or(pair.new_value is not null)
    ) as fixed where target.rowid = fixed.row_id"""


def _pseudonym_like(column: str) -> str:
    """A person_id (64 hex digits) or a case id with a pseudonymised personnummer in it."""
    return (
        f"(regexp_full_match({column}, '[0-9a-f]{{64}}') "
        f"OR regexp_matches({column}, '{CASE_ID_PREFIX}[0-9a-f]{{16}}'))"
    )


def _unmapped(con: duckdb.DuckDBPyConnection, target: str, column: str) -> int:
    """Pseudonyms left that no retained delivery explains (made with yet another key)."""
    return con.execute(
        f"select count(*) from {target} as target where {_pseudonym_like(column)} "
        f"and not exists (select 1 from {PAIRS} as pair where pair.new_value = target.{column})"
    ).fetchone()[0]


def _rewrite(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Apply the pairs to every identity column; raise when any pseudonym stays unmapped."""
    updated = {}
    for schema, table, name, is_list in _identity_columns(con):
        target, column = f"{quote(schema)}.{quote(table)}", quote(name)
        updated[f"{schema}.{table}.{name}"] = con.execute(
            _update_sql(target, column, is_list)
        ).fetchone()[0]
        if not is_list and (left := _unmapped(con, target, column)):
            raise RotationError(
                f"{left} värde(n) i {schema}.{table}.{name} är inte gjorda med den gamla "
                "nyckeln från någon kvarvarande leverans: inget ändrat. / values not made with "
                "the old key from any retained delivery: nothing changed."
            )
    return updated


def rotate(
    con: duckdb.DuckDBPyConnection, landing: Path, old_key: bytes, new_key: bytes
) -> Rotation | None:
    """Re-pseudonymise the work database from `old_key` to `new_key`, all or nothing.

    None when the database already uses `new_key`.
    """
    if not _check_keys(con, old_key, new_key):
        return None
    deliveries = retained_deliveries(con, landing)
    with never_spilling(con):
        _collect_pairs(con, deliveries, old_key, new_key)
    counts = dict(con.execute(f"select kind, count(*) from {PAIRS} group by kind").fetchall())
    con.execute("begin transaction")
    try:
        updated = _rewrite(con)
        record_fingerprint(con, new_key)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.execute(f"drop table if exists {PAIRS}")
    return Rotation(len(deliveries), counts.get("person", 0), counts.get("case", 0), updated)


def open_work_database(path: Path) -> duckdb.DuckDBPyConnection:
    """The work database under the run's configured memory limit and threads: the rewrite
    of a national database must not take the whole machine."""
    return duckdb.connect(str(path), config=duckdb_connection_config())


def _old_key(old_key_file: Path | None, from_environment: bytes | None) -> bytes:
    if old_key_file is not None:
        return old_key_file.read_text(encoding="utf-8").strip().encode("utf-8")
    if from_environment is None:
        raise RotationError(
            "Ange den gamla nyckeln: --old-key-file FIL eller FINSAM_OLD_PSEUDONYM_KEY. "
            "/ Give the old key: --old-key-file FILE or FINSAM_OLD_PSEUDONYM_KEY."
        )
    return from_environment


def _print(rotation: Rotation | None, new_key: bytes) -> None:
    if rotation is None:
        print("Arbetsdatabasen använder redan den nya nyckeln: inget att göra. / Already rotated.")
        return
    print(
        f"Nyckelbyte klart / key rotated: {rotation.deliveries} leveranser lästa på nytt, "
        f"{rotation.persons} personer och {rotation.case_ids} ärende-id fick nya pseudonymer."
    )
    for column, rows in rotation.updated.items():
        print(f"  {column}: {rows} rader uppdaterade")
    print(f"  Nytt fingeravtryck: {fingerprint(new_key)[:12]}")
    print("Kör nu `python -m pipelines.run`: dbt byggs om och lagret publiceras på nytt.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.rotate_key", description=__doc__)
    parser.add_argument("--old-key-file", type=Path, help="fil med den gamla nyckeln")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        old_key, new_key = (
            _old_key(args.old_key_file, settings.old_pseudonym_key()),
            settings.pseudonym_key(),
        )
        if not settings.work_db.exists():
            raise RotationError(f"Ingen arbetsdatabas i {settings.work_db}: inget att byta.")
        with open_work_database(settings.work_db) as con:
            rotation = rotate(con, settings.landing, old_key, new_key)
    except (RotationError, SettingsError, OSError, duckdb.IOException) as error:
        print(error, file=sys.stderr)
        return 2
    _print(rotation, new_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
