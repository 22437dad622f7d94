"""The README's report and worklist commands, run as written on the shared demo warehouse.

The commands are read from the README itself (its first `sh` block under "Period report
and worklist"), so the documentation cannot drift from what works.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DemoRun

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## Period report and worklist"


def readme_commands() -> list[list[str]]:
    """The section's shell commands, continuation lines joined, as argument lists."""
    section = README.read_text(encoding="utf-8").split(SECTION, 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    joined = block.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.strip()]


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: " ".join(c[2:5]))
def test_the_readme_command_works_as_written(
    command: list[str], demo_run: DemoRun, tmp_path: Path
) -> None:
    assert command[0] == ".venv/bin/python"
    out = Path(command[command.index("--out") + 1])
    env = {
        **os.environ,
        "FINSAM_WAREHOUSE": str(demo_run.settings.warehouse),
        "FINSAM_CONFIG": str(demo_run.settings.config),
    }
    done = subprocess.run(
        [sys.executable, *command[1:]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / out).stat().st_size > 0
