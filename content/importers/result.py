"""What an import did: per kind, how many items were added, skipped as duplicates, or invalid."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_PROBLEMS = 20
KIND_LABELS = {
    "tag": "Tags",
    "bookmark": "Bookmarks",
    "project": "Projects",
    "task": "Tasks",
    "note": "Notes",
    "file": "Files",
    "share_link": "Share links",
}


@dataclass
class ImportResult:
    added: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0

    def add(self, kind: str, count: int = 1) -> None:
        self.added[kind] += count

    def duplicate(self, kind: str) -> None:
        self.duplicates[kind] += 1

    def reject(self, kind: str, reason: str) -> None:
        """Count an invalid item and keep the first few reasons to show."""
        self.invalid[kind] += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(reason)
        else:
            self.more_problems += 1

    @property
    def total_added(self) -> int:
        return sum(self.added.values())

    @property
    def total_duplicates(self) -> int:
        return sum(self.duplicates.values())

    @property
    def total_invalid(self) -> int:
        return sum(self.invalid.values())

    def rows(self) -> list[tuple[str, int, int, int]]:
        """(label, added, duplicates, invalid) for each kind the import touched."""
        kinds = [k for k in KIND_LABELS if self.added[k] or self.duplicates[k] or self.invalid[k]]
        return [(KIND_LABELS[k], self.added[k], self.duplicates[k], self.invalid[k]) for k in kinds]
