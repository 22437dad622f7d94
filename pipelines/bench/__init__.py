"""Benchmarks of the whole pipeline at 1 000 to 1 000 000 participants (`make bench`).

Each measured run is a child process, so its wall time and peak memory are the run's own,
not the harness's; the results go to BENCHMARKS.md and BENCHMARKS.json.
"""

from pathlib import Path

PIPELINES_DIR = Path(__file__).resolve().parents[1]
PROJECT_DIR = PIPELINES_DIR.parent
