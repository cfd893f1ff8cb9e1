"""What became of one document: its result, or the reason it has none."""
from __future__ import annotations

from dataclasses import dataclass, field

from extractor.api import __version__
from extractor.load import shown_path

# Failures a re-run may not repeat; resuming a batch retries these documents.
TRANSIENT = frozenset({"timeout", "too_slow", "crashed", "backend_error", "internal_error"})


@dataclass(slots=True)
class Outcome:
    key: str
    path: str
    sha256: str | None = None
    result_json: str | None = None  # the Result (output contract); None once saved or on failure
    text: str | None = None  # the normalised text its spans index into
    reason: str | None = None  # why there is no result (docs/batch.md lists the reasons)
    message: str | None = None
    saved: bool = False  # already written to the results folder (by a worker process)
    seconds: dict[str, float] = field(default_factory=dict)  # wall-clock per stage
    cpu_seconds: float = 0.0  # CPU time of the worker process for this document
    worker_maxrss_kb: int = 0

    @property
    def ok(self) -> bool:
        return self.reason is None

    def error_record(self) -> dict:
        return {"key": self.key, "path": shown_path(self.path), "sha256": self.sha256, "reason": self.reason,
                "message": self.message, "nianbao": __version__}
