"""A reader with a calculator: every number a view shows, the relations between them the
view states or implies, and what they reveal of the cells describing 1-4 persons.

A view is a list of `Relation`s over named cells (`Cell`: the true count and what the view
shows). The attacker recovers a small cell when the view shows its true value, or when a
relation whose every other cell is shown makes it the only unknown (a masked "<5" or ".."
is unknown; a shown number is taken at its word, since the reader cannot tell a perturbed
number from an exact one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

NUMBER = re.compile(r"^-?[\d\u00a0 ]+(,\d+)?$")
THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    """One person count of a view: its name, the true count and what the view shows."""

    name: str
    true: int
    shown: object

    @property
    def is_small(self) -> bool:
        return 0 < self.true < THRESHOLD

    @property
    def known(self) -> int | None:
        """The number the reader takes the cell to be, or None when it is not shown."""
        return self.shown if isinstance(self.shown, int) else None


@dataclass(frozen=True)
class Relation:
    """sum(coefficient * cell) = 0 between cells of one view (a total, the flow identity)."""

    terms: tuple[tuple[int, Cell], ...]

    def implied(self, target: Cell) -> int | None:
        """The target's value solved from the other cells as shown, if all are shown."""
        coefficient = next(c for c, cell in self.terms if cell is target)
        rest = 0
        for c, cell in self.terms:
            if cell is target:
                continue
            if cell.known is None:
                return None
            rest += c * cell.known
        value = -rest / coefficient
        return int(value) if value == int(value) else None


@dataclass
class Attack:
    """What the reader learns from a set of views.

    `guessed`: small cells for which some relation gives a plausible value (1 to
    threshold-1) from the other cells as shown; `recovered`: those where it is the true
    value. A reader who cannot tell which guesses are right has learnt `precision` at best.
    """

    small: int = 0
    shown_exactly: list[str] = field(default_factory=list)
    guessed: int = 0
    recovered: list[str] = field(default_factory=list)

    def add(self, view: str, cells: Iterable[Cell], relations: Iterable[Relation]) -> None:
        relations = list(relations)
        for cell in cells:
            if not cell.is_small:
                continue
            self.small += 1
            if cell.known == cell.true:
                self.shown_exactly.append(f"{view}: {cell.name}")
                continue
            guesses = {
                relation.implied(cell)
                for relation in relations
                if any(member is cell for _, member in relation.terms)
            }
            guesses = {guess for guess in guesses if guess is not None and 0 < guess < THRESHOLD}
            if guesses:
                self.guessed += 1
            if guesses == {cell.true}:
                self.recovered.append(f"{view}: {cell.name}")

    @property
    def precision(self) -> float:
        """The share of the reader's guesses that are right."""
        return len(self.recovered) / self.guessed if self.guessed else 0.0


def shown_value(text: str) -> object:
    """A Markdown cell as the reader reads it: an integer, or the text itself."""
    text = text.strip()
    if NUMBER.match(text) and "," not in text:
        return int(text.replace("\u00a0", "").replace(" ", ""))
    return text


def total(parts: Iterable[Cell], whole: Cell) -> Relation:
    return Relation(tuple((1, cell) for cell in parts) + ((-1, whole),))


def assert_only_guesses(attack: Attack, max_precision: float) -> None:
    """The method held: the reader's guesses from relations are right too rarely to trust."""
    assert attack.guessed > 0, "no relation to attack: the test would prove nothing"
    assert attack.precision < max_precision, (attack.precision, attack.guessed, attack.small)


def assert_certain_recovery(attack: Attack) -> None:
    """Without the safeguard the same attack recovers cells, and every guess is right."""
    assert attack.recovered, "the attack found nothing to recover"
    assert attack.precision == 1.0, (attack.precision, attack.guessed, attack.small)
