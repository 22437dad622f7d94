"""One generated landing (1 000 participants) shared by the demo tests of a session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PARTICIPANTS = 1000
SEED = 20241115


@pytest.fixture(scope="session")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate through the command line exactly as `make demo` does: no --config-out, so
    the configuration goes to FINSAM_CONFIG."""
    root = tmp_path_factory.mktemp("demo")
    config = root / "config" / "insatser.yml"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pipelines.demo",
            "--participants",
            str(PARTICIPANTS),
            "--seed",
            str(SEED),
            "--out",
            str(root / "landing"),
        ],
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "FINSAM_CONFIG": str(config)},
    )
    return root


@pytest.fixture(scope="session")
def landing(demo_root: Path) -> Path:
    return demo_root / "landing"
