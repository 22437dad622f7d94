"""Ingest assets: one per raw table family, each loading its source kinds from the landing.

Kinds A and B (case system and Excel registers) feed one table, `raw.case_enrolments`,
so they share one asset; its checks still name each quarantined file and its kind.
Every asset reports quarantined files as a failed error-severity check and rejected rows
as a warning; neither blocks other assets, since every other file still loaded.
Income-support extracts (kind F) wait for the case enrolments: consent is read there.
"""

from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import duckdb

from pipelines.defs.resources import InsatsConfigFile, Landing, PseudonymKey, WorkDatabase
from pipelines.ingest.consent import purge_withdrawn
from pipelines.ingest.engine import IngestReport, ingest
from pipelines.ingest.insats_config import (
    ConfigError,
    missing_config_warning,
    read_config,
    replace_config_tables,
)
from pipelines.ingest.landing import FILE_PATTERNS
from pipelines.ingest.schema import CONFIG_TABLES, ensure_raw_schema
from pipelines.pseudonym_key import require_matching_key

FILES_CHECK = "files_readable"
ROWS_CHECK = "rows_valid"


@dataclass(frozen=True)
class IngestSpec:
    """Which source kinds an asset loads, into which raw tables."""

    name: str
    tables: tuple[str, ...]
    kinds: tuple[str, ...]
    description: str
    unknown_folders: tuple[str, ...] = ()
    after: tuple[str, ...] = ()  # raw tables read while loading, so loaded first
    # Run on every run before the files (even when none landed); counts go to the metadata.
    upkeep: Callable[[duckdb.DuckDBPyConnection], dict[str, int]] | None = None


INGEST_SPECS = (
    IngestSpec(
        "case_enrolments",
        ("case_enrolments",),
        ("gwa", "register"),
        "Inskrivningar från ärendesystem (typ A, gwa_*.csv) och Excel-register (typ B, "
        "register_*.xlsx), pseudonymiserade; historik per leverans.",
        unknown_folders=("arende",),
    ),
    IngestSpec(
        "esf_participants",
        ("esf_participants",),
        ("esf",),
        "ESF-deltagarrapporter till SCB (esf_<projektnummer>_<datum>.txt), pseudonymiserade.",
        unknown_folders=("scb",),
    ),
    IngestSpec(
        "population",
        ("population",),
        ("population",),
        "SCB:s befolkningstabell (PX-Web) per kommun, åldersgrupp, kön och år.",
    ),
    IngestSpec(
        "ledger_transactions",
        ("ledger_transactions",),
        ("ledger",),
        "Huvudbokstransaktioner; personnummerliknande text i Text är borttagen.",
        unknown_folders=("ekonomi",),
    ),
    IngestSpec(
        "budget",
        ("budget_lines", "funding_shares"),
        ("budget",),
        "Budget per insats och kostnadsslag samt finansieringsandelar per part.",
    ),
    IngestSpec(
        "forecast_lines",
        ("forecast_lines",),
        ("forecast",),
        "Helårsprognoser per insats och kostnadsslag, en per prognosdatum.",
    ),
    IngestSpec(
        "income_support",
        ("income_support_months", "income_support_extracts"),
        ("income_support",),
        "Månatliga försörjningsuttag (typ F, forsorjning_<källa>_<datum>.csv), "
        "pseudonymiserade; bara rader för deltagare med samtycke till uppföljning lagras, "
        "övriga räknas per uttag. Återkallat samtycke raderar det lagrade.",
        unknown_folders=("register",),
        after=("case_enrolments",),
        upkeep=purge_withdrawn,
    ),
)


def landing_key(kind: str) -> dg.AssetKey:
    return dg.AssetKey(["landing", kind])


def landing_spec(kind: str) -> dg.AssetSpec:
    """The delivered files of one kind, as an asset the pipeline reads but never writes: the
    lineage starts at the landing folder."""
    folder, pattern = FILE_PATTERNS[kind]
    return dg.AssetSpec(
        landing_key(kind),
        group_name="landing",
        kinds={"file"},
        description=f"Levererade filer i {folder}/ (FINSAM_LANDING) med namn som "
        f"`{pattern.pattern}`; de som inte kan läsas flyttas till quarantine/{folder}/.",
    )


landing_files = [landing_spec(kind) for kind in FILE_PATTERNS]


def raw_spec(table: str, description: str, deps: list[dg.AssetKey] | None = None) -> dg.AssetSpec:
    """The spec of a raw table: key `raw/<table>`, group ingest, stored in DuckDB."""
    return dg.AssetSpec(
        dg.AssetKey(["raw", table]),
        group_name="ingest",
        kinds={"duckdb"},
        description=description,
        deps=deps or [],
    )


def _materializations(
    spec: IngestSpec, report: IngestReport, upkept: dict[str, int]
) -> list[dg.MaterializeResult]:
    rows = report.rows
    metadata = {
        **upkept,
        "files_loaded": len(report.having("loaded")),
        "files_already_loaded": len(report.having("duplicate")),
        "files_quarantined": len(report.having("quarantined")),
        "files_waiting": len(report.having("waiting")),
        "rows_read": rows.read,
        "rows_loaded": rows.loaded,
        "rows_rejected": rows.rejected,
        "rows_dropped": rows.dropped,  # usable, not to be stored (no follow-up consent)
        "fields_nulled": report.fields_nulled,
        "fields_redacted": report.fields_redacted,
    }
    return [
        dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata=metadata)
        for table in spec.tables
    ]


def _check_results(spec: IngestSpec, report: IngestReport) -> list[dg.AssetCheckResult]:
    key = dg.AssetKey(["raw", spec.tables[0]])
    quarantined = report.having("quarantined")
    rows = report.rows
    return [
        dg.AssetCheckResult(
            asset_key=key,
            check_name=FILES_CHECK,
            passed=not quarantined,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"{len(quarantined)} fil(er) i karantän / quarantined file(s)"
                if quarantined
                else "Alla filer kunde läsas / every file was readable"
            ),
            metadata={
                "files_quarantined": len(quarantined),
                "quarantined": dg.MetadataValue.json(
                    {outcome.file_name: outcome.reason for outcome in quarantined}
                ),
            },
        ),
        dg.AssetCheckResult(
            asset_key=key,
            check_name=ROWS_CHECK,
            passed=rows.rejected == 0 and report.fields_nulled == report.fields_redacted == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "rows_rejected": rows.rejected,
                "fields_nulled": report.fields_nulled,
                "fields_redacted": report.fields_redacted,
            },
        ),
    ]


def build_ingest_asset(spec: IngestSpec) -> dg.AssetsDefinition:
    """A Dagster asset loading `spec`'s kinds; details of every problem are in raw.rejects."""
    checked = dg.AssetKey(["raw", spec.tables[0]])
    check_specs = [
        dg.AssetCheckSpec(
            FILES_CHECK,
            asset=checked,
            blocking=False,
            description="Alla levererade filer kunde läsas (annars: karantän med orsaksfil).",
        ),
        dg.AssetCheckSpec(
            ROWS_CHECK,
            asset=checked,
            blocking=False,
            description="Inga rader avvisade, inga fält nollställda och inga personnummer "
            "borttagna ur andra fält (se raw.rejects).",
        ),
    ]

    @dg.multi_asset(
        name=f"ingest_{spec.name}",
        specs=[
            raw_spec(
                table,
                spec.description,
                [
                    *(landing_key(kind) for kind in spec.kinds),
                    *(dg.AssetKey(["raw", t]) for t in spec.after),
                ],
            )
            for table in spec.tables
        ],
        check_specs=check_specs,
    )
    def _ingest(
        context: dg.AssetExecutionContext,
        work_db: WorkDatabase,
        landing: Landing,
        config_file: InsatsConfigFile,
        pseudonym_key: PseudonymKey,
    ):
        key = pseudonym_key.value()
        with work_db.connect(holds_personnummer=True) as con:
            require_matching_key(con, key)  # before any file: a changed key loads nothing
            ensure_raw_schema(con)
            upkept = spec.upkeep(con) if spec.upkeep else {}
            report = ingest(
                con,
                landing.folder,
                key,
                spec.kinds,
                spec.unknown_folders,
                limits=config_file.limits(),
                settle_seconds=landing.settle_seconds,
                run_id=context.run.run_id,
            )
        for outcome in report.outcomes:
            context.log.info(f"{outcome.file_name}: {outcome.status} ({outcome.counts})")
        yield from _materializations(spec, report, upkept)
        yield from _check_results(spec, report)

    return _ingest


ingest_assets = [build_ingest_asset(spec) for spec in INGEST_SPECS]


@dg.multi_asset(
    name="ingest_insats_config",
    specs=[
        raw_spec(table, "Insatskonfigurationen (FINSAM_CONFIG) med standardvärden ifyllda.")
        for table in CONFIG_TABLES
    ],
)
def insats_config(
    context: dg.AssetExecutionContext, work_db: WorkDatabase, config_file: InsatsConfigFile
):
    """Load the insats configuration; a bad file fails with the offending key named, a missing
    one loads the built-in defaults with a warning (kept as `warning` for the run summary)."""
    try:
        rows = read_config(config_file.file)
    except ConfigError as error:
        raise dg.Failure(description=str(error)) from None
    warning = missing_config_warning(config_file.file)
    if warning:
        context.log.warning(warning)
    with work_db.connect() as con:
        ensure_raw_schema(con)
        replace_config_tables(con, rows)
    for table, table_rows in rows.items():
        metadata = {"rows": len(table_rows), **({"warning": warning} if warning else {})}
        yield dg.MaterializeResult(asset_key=dg.AssetKey(["raw", table]), metadata=metadata)


@dg.multi_asset(
    name="ingest_registry",
    specs=[
        raw_spec(
            table, description, [spec.key for assets in ingest_assets for spec in assets.specs]
        )
        for table, description in (
            ("file_registry", "Filregistret: varje levererad fil, status, aktuell eller ersatt."),
            ("delivery_log", "Leveransloggen: vad varje körning gjorde med varje fil, och varför."),
            ("rejects", "Avvisade rader och nollställda fält med fil, rad, fält och orsak."),
        )
    ],
)
def ingest_registry(context: dg.AssetExecutionContext, work_db: WorkDatabase):
    """The registry, the delivery log and rejects as every ingest asset left them, in counts.

    Written by each ingest asset file by file; this asset gives them their own lineage so
    dbt models of the registry and rejects wait for every source kind.
    """
    with work_db.connect() as con:
        ensure_raw_schema(con)
        registry = con.execute(
            "SELECT count(*), count(*) FILTER (is_current), "
            "count(*) FILTER (status = 'quarantined') FROM raw.file_registry"
        ).fetchall()[0]
        rejects = con.execute(
            "SELECT count(*) FILTER (action = 'row_rejected'), "
            "count(*) FILTER (action = 'field_nulled') FROM raw.rejects"
        ).fetchall()[0]
        handled = dict(
            con.execute(
                "SELECT outcome, count(*) FROM raw.delivery_log WHERE run_id = ? GROUP BY ALL",
                [context.run.run_id],
            ).fetchall()
        )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "file_registry"]),
        metadata={
            "files": registry[0],
            "files_current": registry[1],
            "files_quarantined": registry[2],
        },
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "delivery_log"]),
        metadata={f"files_{outcome}_this_run": count for outcome, count in handled.items()},
    )
    yield dg.MaterializeResult(
        asset_key=dg.AssetKey(["raw", "rejects"]),
        metadata={"rows_rejected": rejects[0], "fields_nulled": rejects[1]},
    )
