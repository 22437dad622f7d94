"""The incremental case's next-day delivery looks like a real one to ingest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.bench.delivery import deliver_next_day
from pipelines.ingest.landing import classify
from pipelines.ingest.readers import decode


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("delivery")
    command = [sys.executable, "-m", "pipelines.demo", "--participants", "300", "--seed", "7"]
    command += ["--out", str(root / "landing"), "--config-out", str(root / "insatser.yml")]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, timeout=300)
    return root / "landing"


def test_next_day_adds_a_case_snapshot_and_a_ledger(landing: Path) -> None:
    before = {path.name for path in landing.rglob("*") if path.is_file()}
    delivered = deliver_next_day(landing)
    after = {path.name for path in landing.rglob("*") if path.is_file()}
    assert after - before == set(delivered["files"])
    kinds = {}
    for name in delivered["files"]:
        path = next(landing.rglob(name))
        kind, organisation, day = classify(path)
        kinds[kind] = day
        source = max(
            (p for p in path.parent.glob(f"{name.split('_')[0]}_{organisation}_*") if p != path),
            key=lambda p: p.name,
        )
        new_text, old_text = decode(path.read_bytes()), decode(source.read_bytes())
        assert path.read_bytes()[:3] == source.read_bytes()[:3]  # same encoding (BOM or not)
        assert new_text.splitlines()[0] == old_text.splitlines()[0]
        assert new_text != old_text
    assert set(kinds) == {"gwa", "ledger"}
    assert len(set(kinds.values())) == 1
