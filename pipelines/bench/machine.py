"""The facts about the machine that a benchmark figure means nothing without."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import duckdb

from pipelines.settings import dbt_threads, duckdb_memory_limit, duckdb_threads


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "okänd"


def _memory_bytes() -> int:
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) * 1024
    return 0


def machine_facts() -> dict[str, object]:
    """Cores, memory, CPU model, the versions and the DuckDB settings that shape the figures."""
    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "load_average_at_start": list(os.getloadavg()),
        "duckdb_memory_limit": duckdb_memory_limit(),
        "duckdb_threads": duckdb_threads(),
        "dbt_threads": dbt_threads(),
    }
