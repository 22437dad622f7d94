"""Demo landings for the benchmark sizes, generated once and reused between runs.

A landing is cached under `<cache>/landing_<N>_s<seed>_g<version>`, where the version is a
hash of the demo generator's source: a changed generator gives new data, an unchanged one
is never paid for twice (a million participants takes minutes to generate).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines.bench import PIPELINES_DIR

# The generator's source: its package and the project module it imports.
GENERATOR_SOURCES = (PIPELINES_DIR / "demo", PIPELINES_DIR / "personnummer.py")
COMPLETE_MARKER = "landing.json"


@dataclass(frozen=True)
class Landing:
    """A generated landing folder and the insats configuration written with it."""

    participants: int
    seed: int
    folder: Path
    config: Path
    facts: dict[str, object]


def generator_version() -> str:
    """Hash of the generator's source files."""
    digest = hashlib.sha256()
    for source in GENERATOR_SOURCES:
        files = sorted(source.rglob("*.py")) + sorted(source.rglob("*.yml"))
        for path in files if source.is_dir() else [source]:
            digest.update(path.relative_to(PIPELINES_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _folder_facts(folder: Path) -> dict[str, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}


def _generate(target: Path, participants: int, seed: int) -> dict[str, object]:
    """Generate into a `.partial` folder renamed when complete; older generators' go."""
    for stale in target.parent.glob(f"landing_{participants}_s{seed}_g*"):
        shutil.rmtree(stale)
    partial = target.with_name(target.name + ".partial")
    partial.mkdir(parents=True)
    command = [sys.executable, "-m", "pipelines.demo", "--participants", str(participants)]
    command += ["--seed", str(seed), "--out", str(partial / "landing")]
    command += ["--config-out", str(partial / "insatser.yml")]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    facts = {"generator_seconds": seconds, **_folder_facts(partial / "landing")}
    (partial / COMPLETE_MARKER).write_text(json.dumps(facts), encoding="utf-8")
    partial.rename(target)
    return facts


def demo_landing(cache: Path, participants: int, seed: int) -> Landing:
    """The cached landing for this size, seed and generator, generating it if missing."""
    version = generator_version()
    folder = cache / f"landing_{participants}_s{seed}_g{version}"
    marker = folder / COMPLETE_MARKER
    if marker.exists():
        facts = json.loads(marker.read_text(encoding="utf-8")) | {"cached": True}
    else:
        facts = _generate(folder, participants, seed) | {"cached": False}
    facts["generator_version"] = version
    return Landing(participants, seed, folder / "landing", folder / "insatser.yml", facts)


def link_copy(source: Path, target: Path) -> None:
    """A run's own landing: hard links, so a 1 000 000 landing costs no copy time or disk.

    The pipeline only reads landing files and moves bad ones to quarantine, never writes
    into them, so the cache cannot be changed through a link.
    """
    shutil.copytree(source, target, copy_function=os.link)
