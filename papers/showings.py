"""A paper's session dates: what papers.presented finds and the catalogue's pages show.

Apart from papers.presented so that Paper can declare the `showings` attach_showings sets.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class Showings:
    """A paper's session dates, oldest first."""

    presented: list[datetime.date] = field(default_factory=list)
    scheduled: list[datetime.date] = field(default_factory=list)

    @property
    def last_presented(self) -> datetime.date | None:
        return self.presented[-1] if self.presented else None

    @property
    def taken(self) -> bool:
        """Presented already or scheduled in an upcoming session: not one to pick again."""
        return bool(self.presented or self.scheduled)
