"""What an import reports: counts per kind of row, the changes a preview lists, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sessions.models import Term
from sessions.readme.parsed import FormatWarning, ParsedSchedule, ScheduleFormatError

KINDS = ("terms", "sessions", "talks", "people", "presenters", "papers")


class ScheduleImportError(ScheduleFormatError):
    """The file reads, but cannot be applied to this database (nothing was changed)."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def __str__(self) -> str:
        text = f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (f", {self.removed} removed" if self.removed else "")


@dataclass(frozen=True)
class Change:
    """One row the import creates, updates or removes: what a preview lists."""

    kind: str  # one of KINDS
    action: str  # "created", "updated", "removed"
    label: str
    line: int = 0
    fields: tuple[str, ...] = ()


@dataclass
class ImportResult:
    term: Term
    dry_run: bool
    schedule: ParsedSchedule
    counts: dict[str, Tally] = field(default_factory=lambda: {kind: Tally() for kind in KINDS})
    warnings: list[FormatWarning] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def created(self, kind: str) -> int:
        return self.counts[kind].created

    def updated(self, kind: str) -> int:
        return self.counts[kind].updated

    def unchanged(self, kind: str) -> int:
        return self.counts[kind].unchanged

    def summary(self) -> str:
        head = f"Term {self.term.name}" + (" (dry run: nothing saved)" if self.dry_run else "")
        lines = [head]
        for kind in KINDS[1:]:
            lines.append(f"  {kind:<11}{self.counts[kind]}")
        if self.schedule.repaired_lines:
            lines.append(f"  repaired {self.schedule.repaired_lines} mis-encoded line(s)")
        return "\n".join(lines)
