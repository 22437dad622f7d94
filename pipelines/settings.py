"""The one place that reads the environment, so every part agrees on where data lives."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path("data")
# The demo key lives with the project, not beside FINSAM_WAREHOUSE: moving the warehouse
# must never silently create a new key (every pseudonym would change).
DEMO_KEY_FILE = Path(__file__).resolve().parents[1] / "data" / "pseudonym.key"
ENVIRONMENTS = ("demo", "production")
DEFAULT_SETTLE_SECONDS = 60.0
# DuckDB in the nightly run (FINSAM_DUCKDB_MEMORY_LIMIT, FINSAM_DUCKDB_THREADS): DuckDB's own
# memory default, and two threads, so the run leaves cores to the dashboard and analysts.
DEFAULT_DUCKDB_MEMORY_LIMIT = "80%"
DEFAULT_DUCKDB_THREADS = 2
# Models dbt builds at once (FINSAM_DBT_THREADS): they share one DuckDB and its memory limit,
# so a national installation under a tight limit builds one at a time.
DEFAULT_DBT_THREADS = 2
# What each path variable means when unset (FINSAM_WORK_DB: see configured_path).
PATH_DEFAULTS = {
    "FINSAM_LANDING": DATA_DIR / "landing",
    "FINSAM_WAREHOUSE": DATA_DIR / "warehouse.duckdb",
    "FINSAM_CONFIG": DATA_DIR / "config" / "insatser.yml",
    "FINSAM_PSEUDONYM_KEY_FILE": DEMO_KEY_FILE,
}


class SettingsError(RuntimeError):
    """A configuration the pipeline must not start with; the message says what to fix."""


class MissingPseudonymKeyError(SettingsError):
    """Raised in production when no pseudonymisation key is configured."""


class UnknownEnvironmentError(SettingsError):
    """FINSAM_ENV is neither `demo` nor `production` (a typo would otherwise mean demo)."""


@dataclass(frozen=True)
class Settings:
    """Paths and secrets of one installation, resolved from FINSAM_* variables."""

    landing: Path
    warehouse: Path
    work_db: Path
    config: Path
    environment: str
    key_file: Path  # the demo key, used only when FINSAM_PSEUDONYM_KEY is unset
    settle_seconds: float = DEFAULT_SETTLE_SECONDS  # younger landed files may still be written

    @property
    def quarantine(self) -> Path:
        return self.landing / "quarantine"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def pseudonym_key(self) -> bytes:
        """The HMAC key: from FINSAM_PSEUDONYM_KEY, else (outside production) `key_file`."""
        return pseudonym_key(
            os.environ.get("FINSAM_PSEUDONYM_KEY"), self.environment, self.key_file
        )

    def old_pseudonym_key(self) -> bytes | None:
        """The key being replaced, for `python -m pipelines.rotate_key` (None when unset)."""
        key = os.environ.get("FINSAM_OLD_PSEUDONYM_KEY")
        return key.encode("utf-8") if key else None


def pseudonym_key(secret: str | None, environment: str, key_file: Path) -> bytes:
    """The HMAC key: `secret` when given, else (outside production) the demo key file.

    The key file is created once and reused so pseudonyms stay stable between demo runs.
    """
    if secret:
        return secret.encode("utf-8")
    if checked_environment(environment) == "production":
        raise MissingPseudonymKeyError(
            "FINSAM_PSEUDONYM_KEY är inte satt: i produktion startar pipelinen inte utan "
            "nyckel för pseudonymisering (FINSAM_ENV=production)."
        )
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip().encode("utf-8")


def checked_environment(environment: str) -> str:
    """`environment` if it is one of ENVIRONMENTS: a typo must not silently mean demo."""
    if environment not in ENVIRONMENTS:
        accepted = ", ".join(ENVIRONMENTS)
        raise UnknownEnvironmentError(
            f"FINSAM_ENV={environment!r} är okänt; tillåtna värden: {accepted} / "
            f"unknown FINSAM_ENV {environment!r}; accepted values: {accepted}"
        )
    return environment


def is_set(variable: str) -> bool:
    """Whether a FINSAM_* variable has a value (an empty one counts as unset)."""
    return bool(os.environ.get(variable))


def configured_path(variable: str) -> Path:
    """The path a FINSAM_* path variable names, or its default when it is unset.

    The work database defaults to `<dir of the warehouse>/work/warehouse_work.duckdb`.
    """
    if is_set(variable):
        return Path(os.environ[variable])
    if variable == "FINSAM_WORK_DB":
        return configured_path("FINSAM_WAREHOUSE").parent / "work" / "warehouse_work.duckdb"
    return PATH_DEFAULTS[variable]


def environment() -> str:
    """FINSAM_ENV, `demo` when unset; an unknown value raises UnknownEnvironmentError."""
    return checked_environment(os.environ.get("FINSAM_ENV") or "demo")


def settle_seconds() -> float:
    """FINSAM_SETTLE_SECONDS: a landed file younger than this may still be uploading."""
    return float(os.environ.get("FINSAM_SETTLE_SECONDS") or DEFAULT_SETTLE_SECONDS)


def duckdb_memory_limit() -> str:
    """FINSAM_DUCKDB_MEMORY_LIMIT: what the run's DuckDB may hold (`2GB`, `50%`)."""
    return os.environ.get("FINSAM_DUCKDB_MEMORY_LIMIT") or DEFAULT_DUCKDB_MEMORY_LIMIT


def duckdb_threads() -> int:
    """FINSAM_DUCKDB_THREADS: how many threads the run's DuckDB uses."""
    return int(os.environ.get("FINSAM_DUCKDB_THREADS") or DEFAULT_DUCKDB_THREADS)


def duckdb_connection_config() -> dict[str, str | int]:
    """The two settings above as a DuckDB connection's config, for the processes that open
    the work database outside Dagster (the key rotation, the benchmark's floor)."""
    return {"memory_limit": duckdb_memory_limit(), "threads": duckdb_threads()}


def dbt_threads() -> int:
    """FINSAM_DBT_THREADS: how many models the run's dbt builds at once."""
    return int(os.environ.get("FINSAM_DBT_THREADS") or DEFAULT_DBT_THREADS)


def load_settings() -> Settings:
    """Resolve settings now (not at import), so tests can point each run elsewhere.

    For readers outside Dagster (dashboard, report command, key rotation, the benchmark);
    Dagster steps get the same values through the resources of `pipelines/defs/resources.py`.
    """
    return Settings(
        landing=configured_path("FINSAM_LANDING"),
        warehouse=configured_path("FINSAM_WAREHOUSE"),
        work_db=configured_path("FINSAM_WORK_DB"),
        config=configured_path("FINSAM_CONFIG"),
        environment=environment(),
        key_file=configured_path("FINSAM_PSEUDONYM_KEY_FILE"),
        settle_seconds=settle_seconds(),
    )
