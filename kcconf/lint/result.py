"""What lint knows about one file once it is done with it."""

from __future__ import annotations

from ..diagnostics import Diagnostic
from ..records import record


@record(slots=True)
class FileResult:
    path: str
    component: str | None
    release: str | None
    diagnostics: list[Diagnostic]
    error: str | None = None
    """An input error (unreadable file, bad hint...): stderr, exit status 2."""
    fixed: int = 0
    """Fixes applied (or, with --diff, shown) by ``lint --fix``."""
    diff: str = ""
    """The fixes as a unified diff, secrets masked (``lint --fix --diff``)."""

    @property
    def placed(self) -> bool:
        return self.error is None and self.component is not None
