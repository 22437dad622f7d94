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
    settle_seconds: float = 60.0  # a landed file younger than this may still be written

    @property
    def quarantine(self) -> Path:
        return self.landing / "quarantine"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def pseudonym_key(self) -> bytes:
        """The HMAC key: from FINSAM_PSEUDONYM_KEY, else (outside production) `key_file`.

        The key file is created once and reused so pseudonyms stay stable between demo runs.
        """
        key = os.environ.get("FINSAM_PSEUDONYM_KEY")
        if key:
            return key.encode("utf-8")
        if self.is_production:
            raise MissingPseudonymKeyError(
                "FINSAM_PSEUDONYM_KEY är inte satt: i produktion startar pipelinen inte utan "
                "nyckel för pseudonymisering (FINSAM_ENV=production)."
            )
        key_file = self.key_file
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip().encode("utf-8")

    def old_pseudonym_key(self) -> bytes | None:
        """The key being replaced, for `python -m pipelines.rotate_key` (None when unset)."""
        key = os.environ.get("FINSAM_OLD_PSEUDONYM_KEY")
        return key.encode("utf-8") if key else None


def _environment() -> str:
    environment = os.environ.get("FINSAM_ENV") or "demo"
    if environment not in ENVIRONMENTS:
        accepted = ", ".join(ENVIRONMENTS)
        raise UnknownEnvironmentError(
            f"FINSAM_ENV={environment!r} är okänt; tillåtna värden: {accepted} / "
            f"unknown FINSAM_ENV {environment!r}; accepted values: {accepted}"
        )
    return environment


def load_settings() -> Settings:
    """Resolve settings now (not at import), so tests can point each run elsewhere."""
    warehouse = Path(os.environ.get("FINSAM_WAREHOUSE", DATA_DIR / "warehouse.duckdb"))
    work_db = Path(
        os.environ.get("FINSAM_WORK_DB", warehouse.parent / "work" / "warehouse_work.duckdb")
    )
    return Settings(
        landing=Path(os.environ.get("FINSAM_LANDING", DATA_DIR / "landing")),
        warehouse=warehouse,
        work_db=work_db,
        config=Path(os.environ.get("FINSAM_CONFIG", DATA_DIR / "config" / "insatser.yml")),
        environment=_environment(),
        key_file=Path(os.environ.get("FINSAM_PSEUDONYM_KEY_FILE", DEMO_KEY_FILE)),
        settle_seconds=float(os.environ.get("FINSAM_SETTLE_SECONDS", "60")),
    )
