"""What the report reads beside the warehouse, from the configuration folder: the
förbund's name and the insats's own comment for the period.

The comment is a Markdown file the insats writes for the styrgrupp, kept with the
configuration (`FINSAM_CONFIG`) because it belongs to the installation, not to the data:
`<configuration folder>/kommentarer/<insats>/<year>-T<n>.md` for a tertial,
`.../<insats>/<from>--<to>.md` for another period, `Alla insatser` for the whole förbund.
A unit's report carries its insats's comment.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.ingest.pseudonym import redact_text
from pipelines.report.periods import Period, comment_name

COMMENT_FOLDER = "kommentarer"


def comment_file(config: Path, insats: str, period: Period) -> Path:
    """Where the comment of `insats` for `period` is kept."""
    return config.parent / COMMENT_FOLDER / insats / f"{comment_name(period)}.md"


def comment_for(config: Path | None, insats: str, period: Period) -> dict | None:
    """The comment's file (relative to the configuration folder, so the report says where
    to write one) and its text, null when there is none; None without a configuration.

    Staff write it by hand, so anything shaped like a personnummer is blanked before it
    reaches a report.
    """
    if config is None:
        return None
    path = comment_file(config, insats, period)
    text = redact_text(path.read_text(encoding="utf-8")).strip() if path.is_file() else None
    return {"file": path.relative_to(config.parent).as_posix(), "text": text or None}


def forbund_name(config: Path | None) -> str | None:
    """The förbund's name (`forbund:` of the configuration), None without one."""
    if config is None or not config.is_file():
        return None
    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    name = data.get("forbund") if isinstance(data, dict) else None
    return str(name) if name else None
