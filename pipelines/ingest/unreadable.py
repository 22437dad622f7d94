"""The error of a delivery that cannot be loaded at all: it is quarantined with its reason."""

from __future__ import annotations


class UnreadableFileError(Exception):
    """A file that cannot be loaded at all; the message is the user-facing reason.

    The message must never contain file content (it could hold a personnummer). `action`
    (Swedish, English) replaces the usual "fix the file and deliver it again".
    """

    def __init__(self, swedish: str, english: str, action: tuple[str, str] | None = None) -> None:
        super().__init__(f"{swedish} / {english}")
        self.swedish = swedish
        self.english = english
        self.action = action
