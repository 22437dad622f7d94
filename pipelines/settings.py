"""The one place that reads the environment, so every part agrees on where data lives."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path("data")


class MissingPseudonymKeyError(RuntimeError):
    """Raised in production when no pseudonymisation key is configured."""


@dataclass(frozen=True)
class Settings:
    """Paths and secrets of one installation, resolved from FINSAM_* variables."""

    landing: Path
    warehouse: Path
    work_db: Path
    config: Path
    environment: str

    @property
    def quarantine(self) -> Path:
        return self.landing / "quarantine"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    def pseudonym_key(self) -> bytes:
        """The HMAC key: from FINSAM_PSEUDONYM_KEY, else (outside production) a local key file.

        A key file is created once and reused so pseudonyms stay stable between demo runs.
        """
        key = os.environ.get("FINSAM_PSEUDONYM_KEY")
        if key:
            return key.encode("utf-8")
        if self.is_production:
            raise MissingPseudonymKeyError(
                "FINSAM_PSEUDONYM_KEY är inte satt: i produktion startar pipelinen inte utan "
                "nyckel för pseudonymisering (FINSAM_ENV=production)."
            )
        key_file = self.warehouse.parent / "pseudonym.key"
        if not key_file.exists():
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_hex(32), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip().encode("utf-8")


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
        environment=os.environ.get("FINSAM_ENV", "demo"),
    )
