"""Real pipeline runs in child processes, watched line by line and killed where a test says.

Each run is `python -m pipelines.run` in its own process group (dbt and all), exactly what
cron or `make pipeline` starts; a kill is `kill -9` of that group, as an out-of-memory
kill or a power cut would end it. A small parent reports the peak RSS of the run's
largest process, so a test can compare memory without timing anything.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

REPO = Path(__file__).resolve().parents[2]
RUN_TIMEOUT_SECONDS = 600
PEAK_MARKER = "PEAK_RSS_KB"
# Runs the pipeline as a child and reports the largest RSS of any process below it.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call([sys.executable, '-m', 'pipelines.run'])\n"
    f"print('{PEAK_MARKER}', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
    "flush=True)\n"
    "sys.exit(code)\n"
)


def child_environment(root: Path, key: str) -> dict[str, str]:
    """FINSAM_* and DAGSTER_HOME under root, as `make` would set them, TMPDIR watched."""
    dagster_home = root / "dagster_home"
    dagster_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "pipelines" / "dagster.yaml", dagster_home / "dagster.yaml")
    (root / "tmp").mkdir(exist_ok=True)
    venv_bin = str(Path(sys.executable).parent)
    return os.environ | {
        "PATH": f"{venv_bin}{os.pathsep}{os.environ.get('PATH', '')}",
        "FINSAM_LANDING": str(root / "landing"),
        "FINSAM_WAREHOUSE": str(root / "warehouse.duckdb"),
        "FINSAM_WORK_DB": str(root / "work" / "warehouse_work.duckdb"),
        "FINSAM_CONFIG": str(root / "config" / "insatser.yml"),
        "FINSAM_PSEUDONYM_KEY": key,
        "FINSAM_ENV": "demo",
        "FINSAM_SETTLE_SECONDS": "0",
        "DAGSTER_HOME": str(dagster_home),
        "TMPDIR": str(root / "tmp"),
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def dagster_instance(dagster_home: Path) -> Iterator[dg.DagsterInstance]:
    """The Dagster instance a run with this DAGSTER_HOME writes to: its dagster.yaml places
    the event log by DAGSTER_HOME, so the variable is set while the instance is created."""
    previous = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    try:
        instance = dg.DagsterInstance.get()
    finally:
        if previous is None:
            del os.environ["DAGSTER_HOME"]
        else:
            os.environ["DAGSTER_HOME"] = previous
    with instance:
        yield instance


@dataclass
class ChildRun:
    """What a child run printed, how it ended, and its peak memory."""

    lines: list[str] = field(default_factory=list)
    returncode: int | None = None
    killed: bool = False

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def peak_rss_kb(self) -> int:
        marked = [line for line in self.lines if line.startswith(PEAK_MARKER)]
        return int(marked[-1].split()[1])


def run_pipeline(
    env: dict[str, str],
    kill_when: Callable[[str], bool] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> ChildRun:
    """Run the pipeline to its end, or `kill -9` its process group at the first matching line.

    Times out (and fails the test) rather than hanging when a run never ends.
    """
    process = subprocess.Popen(
        [sys.executable, "-c", WRAPPER],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    run = ChildRun()
    timer = threading.Timer(RUN_TIMEOUT_SECONDS, os.killpg, (process.pid, signal.SIGKILL))
    timer.start()
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            run.lines.append(line)
            if on_line:
                on_line(line)
            if kill_when and not run.killed and kill_when(line):
                os.killpg(process.pid, signal.SIGKILL)
                run.killed = True
        run.returncode = process.wait()
    finally:
        timer.cancel()
        process.stdout.close()
    assert run.killed or run.returncode is not None
    assert run.killed == (kill_when is not None), f"the kill point never came:\n{run.output}"
    return run


def step_started(step_key: str) -> Callable[[str], bool]:
    """A kill point: the line Dagster logs when step `step_key` starts."""
    return lambda line: f'Started execution of step "{step_key}"' in line
