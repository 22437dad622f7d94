"""Wall time and peak memory of one child process and everything it starts.

Peak memory is taken two ways: the kernel's maximum resident set of the largest single
process in the tree (`wait4`, the same figure as `/usr/bin/time -v`), and the sum over the
whole tree sampled while it runs, because dbt runs as a process of its own beside Dagster.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.2
ORPHAN_TIMEOUT_SECONDS = 600
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measurement:
    """What one child process cost."""

    started_at: float
    wall_seconds: float
    exit_code: int
    peak_rss_bytes: int
    peak_tree_rss_bytes: int


def _parent_map() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8")
        except OSError:
            continue
        # The command name may contain spaces and parentheses: split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def _tree(root: int) -> list[int]:
    """`root` and all its descendants right now."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parent_map().items():
        children.setdefault(parent, []).append(pid)
    tree, pending = [], [root]
    while pending:
        pid = pending.pop()
        tree.append(pid)
        pending.extend(children.get(pid, []))
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
    except (OSError, IndexError, ValueError):
        return 0


class _TreeSampler(threading.Thread):
    """Samples the process tree's resident memory until told to stop, and remembers every
    process seen in it."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak = 0
        self.seen: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            tree = _tree(self.root)
            self.seen.update(tree)
            self.peak = max(self.peak, sum(_rss_bytes(pid) for pid in tree))


def _wait_for_orphans(pids: set[int], timeout: float = ORPHAN_TIMEOUT_SECONDS) -> None:
    """Wait until processes the child started and left behind (e.g. a dbt process still
    holding the database when its parent failed) have ended, so the next run can start."""
    deadline = time.monotonic() + timeout
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(SAMPLE_SECONDS)


def run_measured(
    argv: Sequence[str], env: Mapping[str, str], log_path: Path, cwd: Path | None = None
) -> Measurement:
    """Run `argv` to completion with its output in `log_path`, and measure it."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        started_at = time.time()
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=dict(env), cwd=cwd, stdout=log, stderr=log)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        # wait4 reports the child's own rusage merged with its reaped descendants'.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        _wait_for_orphans(sampler.seen - {process.pid})
        process.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        started_at=started_at,
        wall_seconds=wall,
        exit_code=process.returncode,
        peak_rss_bytes=usage.ru_maxrss * 1024,
        peak_tree_rss_bytes=max(sampler.peak, usage.ru_maxrss * 1024),
    )
