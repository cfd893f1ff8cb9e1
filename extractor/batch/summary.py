"""Counting a results folder into ``summary.json``: documents, templates, rules, cells, usage, review.

Each input file gets one status that says what happened to it (``STATUSES``): ``read`` (every
cell of its template has a value), ``partly_read`` (some have), ``empty`` (no value found, or
an empty file), ``not_a_report``, ``unsupported`` (a type nianbao does not read, or a scan
without text) or ``error`` (unreadable, timeout, crash, endpoint or internal error).
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Container, Iterator

from extractor.batch import crossyear

HARD_RULES = ("H1", "H2", "H3", "H4", "H5", "H6")
STATUSES = ("read", "partly_read", "empty", "not_a_report", "unsupported", "error")
_STATUS_OF_REASON = {"empty": "empty", "not_a_report": "not_a_report", "unsupported": "unsupported",
                     "no_text_layer": "unsupported"}  # any other reason: error
REVIEW_ACTIONS = ("accept", "repair", "correct", "missing")


def status_of_result(result: dict) -> str:
    """``read``, ``partly_read`` or ``empty`` by how many of the document's cells have a value."""
    values = [c.get("value") is not None for c in result["cells"].values()]
    return "read" if values and all(values) else "partly_read" if any(values) else "empty"


def status_of_error(reason: str | None) -> str:
    return _STATUS_OF_REASON.get(reason or "", "error")


def rule_status(findings: list[dict], rule: str) -> str:
    """"broken" if a finding breaks the rule; "not_checkable" if one says cells it needs are
    missing; else "holding" (the validator reports broken and blocked rules, not holding ones)."""
    mine = [f for f in findings if f.get("rule") == rule]
    if any(not f.get("blocked_by") and f.get("severity") in ("error", "warning") for f in mine):
        return "broken"
    return "not_checkable" if any(f.get("blocked_by") for f in mine) else "holding"


_USAGE = ("llm_calls", "prompt_tokens", "completion_tokens", "cache_hits", "cached_tokens", "seconds")


def _per_document(usage: Counter, documents: int) -> dict[str, float]:
    """Tokens spent and seconds waited for the model, per document read."""
    n = max(documents, 1)
    return {"tokens_per_document": round((usage["prompt_tokens"] + usage["completion_tokens"]) / n, 1),
            "model_seconds_per_document": round(usage["seconds"] / n, 3)}


class SortedKeys:
    """Sorted keys (``ResultsFolder.result_keys``) as one string when all have the same length:
    16 bytes a 16-character key instead of ~73 in a list of strings (3.6 MiB at 50,000). Indexing
    and iteration give the keys; ``bisect`` works on it."""

    def __init__(self, keys: list[str]):
        self._n = len(keys)
        self._width = len(keys[0]) if keys else 0
        self._list: list[str] | None = None
        self._blob = ""
        if all(len(k) == self._width for k in keys):
            self._blob = "".join(keys)
        else:  # keys of several lengths (not nianbao's own): kept as they are
            self._list = keys

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> str:
        if self._list is not None:
            return self._list[i]
        if not -self._n <= i < self._n:
            raise IndexError(i)
        start = (i % self._n) * self._width
        return self._blob[start:start + self._width]

    def slice(self, start: int, stop: int) -> list[str]:
        """``keys[start:stop]`` as a list."""
        if self._list is not None:
            return self._list[start:stop]
        stop = min(stop, self._n)
        w = self._width
        return [self._blob[i * w:(i + 1) * w] for i in range(start, stop)]

    def __iter__(self) -> Iterator[str]:
        for start in range(0, self._n, 4096):
            yield from self.slice(start, start + 4096)


class KeyStatuses:
    """``{result key: read / partly_read / empty}`` for the sorted keys of a results folder, a byte
    a report (a dict of them took ~100 bytes a report: 5 MiB at 50,000). Filled in key order."""

    _CODES = ("read", "partly_read", "empty")

    def __init__(self, keys: list[str] | SortedKeys):
        self.keys, self.codes = keys, bytearray()

    def __setitem__(self, key: str, status: str) -> None:
        if len(self.codes) >= len(self.keys) or self.keys[len(self.codes)] != key:
            raise ValueError(f"{key}: statuses must come in the order of the keys")
        self.codes.append(self._CODES.index(status))

    def update(self, statuses: dict[str, str] | KeyStatuses) -> None:
        for key, status in statuses.items():
            self[key] = status

    def items(self) -> Iterator[tuple[str, str]]:
        return ((key, self._CODES[code]) for key, code in zip(self.keys, self.codes))

    def _index(self, key: str) -> int | None:
        i = bisect_left(self.keys, key)
        return i if i < len(self.codes) and self.keys[i] == key else None

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._index(key) is not None

    def __getitem__(self, key: str) -> str:
        i = self._index(key)
        if i is None:
            raise KeyError(key)
        return self._CODES[self.codes[i]]


class SortedInputs:
    """``{path: key}`` of every input as two Arrow string arrays sorted by path: about 60 bytes an
    input (a dict of Python strings took ~190 bytes: 9 MiB at 50,000 inputs)."""

    STEP = 4096  # inputs turned back into Python strings at a time

    def __init__(self, inputs: dict[str, str]):
        import pyarrow as pa  # the batch's export has it loaded already

        paths = sorted(inputs)
        self.paths = pa.array(paths, pa.string())
        self.keys = pa.array([inputs[p] for p in paths], pa.string())

    def __len__(self) -> int:
        return len(self.paths)

    def items(self) -> Iterator[tuple[str, str]]:
        """``(path, key)`` by path."""
        for i in range(0, len(self.paths), self.STEP):
            yield from zip(self.paths.slice(i, self.STEP).to_pylist(), self.keys.slice(i, self.STEP).to_pylist())

    def distinct_keys(self) -> Iterator[str]:
        import pyarrow.compute as pc

        unique = pc.unique(self.keys)
        for i in range(0, len(unique), self.STEP):
            yield from unique.slice(i, self.STEP).to_pylist()


class Either:
    """Membership in any of some containers (result keys or error keys) without a set of them all."""

    def __init__(self, *containers: Container[str]):
        self.containers = containers

    def __contains__(self, key: object) -> bool:
        return any(key in c for c in self.containers)


class Tally:
    def __init__(self) -> None:
        self.templates: Counter[str] = Counter()
        self.cells: Counter[str] = Counter()
        self.hard: dict[str, Counter[str]] = {r: Counter() for r in HARD_RULES}
        self.findings: dict[str, Counter[str]] = defaultdict(Counter)
        self.cross_year: dict[str, Counter[str]] = {r: Counter() for r in crossyear.RULES}
        self.pairs = 0
        self.several_per_issuer_year = 0
        self.usage: Counter[str] = Counter()
        self.cost: float | None = None
        self.failed: Counter[str] = Counter()
        self.status_of_key: dict[str, str] | KeyStatuses = {}  # result key → read / partly_read / empty
        self.review: Counter[str] = Counter()  # decisions in force by action; "documents"
        self.review_last_event = 0

    def add_result(self, result: dict, key: str | None = None) -> None:
        if key is not None:
            self.status_of_key[key] = status_of_result(result)
        template = result["meta"].get("template")
        self.templates[template or "unknown"] += 1
        statuses = Counter(c["status"] for c in result["cells"].values())
        self.cells.update(statuses)
        findings = result.get("findings") or []
        for f in findings:
            self.findings[f["rule"]][f.get("severity") or "warning"] += 1
        read_nothing = not statuses.keys() - {"missing"}
        for rule, counts in self.hard.items():
            # No template, or no cell read at all: nothing could have been checked.
            counts["not_checkable" if template is None or read_nothing else rule_status(findings, rule)] += 1
        usage = result.get("provenance", {}).get("usage") or {}
        self.usage.update({k: usage.get(k) or 0 for k in _USAGE})
        if usage.get("cost_usd") is not None:
            self.cost = (self.cost or 0.0) + usage["cost_usd"]

    def merge(self, other: Tally) -> None:
        """Add the results counted by ``other`` (a tally of other documents)."""
        self.templates.update(other.templates)
        self.cells.update(other.cells)
        for rule, counts in other.hard.items():
            self.hard[rule].update(counts)
        for rule, counts in other.findings.items():
            self.findings[rule].update(counts)
        self.usage.update(other.usage)
        for key, status in other.status_of_key.items():
            self.status_of_key[key] = status
        self.review.update(other.review)
        if other.cost is not None:
            self.cost = (self.cost or 0.0) + other.cost

    def add_review(self, reviewed: dict) -> None:
        """Count one document's reviewed cells (``{cell id: provenance}``)."""
        self.review["documents"] += 1
        self.review.update(p.action for p in reviewed.values())

    def add_error(self, record: dict) -> None:
        self.failed[record.get("reason") or "internal_error"] += 1

    def add_pair(self, templates: tuple[str | None, str | None], findings: list[dict]) -> None:
        self.pairs += 1
        for f in findings:
            self.findings[f["rule"]][f["severity"]] += 1
        for rule, counts in self.cross_year.items():
            if crossyear.applicable(rule, *templates):
                counts[rule_status(findings, rule)] += 1

    def as_dict(self, inputs: dict[str, str] | SortedInputs, settled: Container[str], last_run: dict,
                errors: dict[str, dict] | None = None) -> dict:
        """The summary; ``errors`` ({key: error record}) lists the files not read with their reasons."""
        ok, failed = sum(self.templates.values()), sum(self.failed.values())
        by_path = inputs.items() if isinstance(inputs, SortedInputs) else iter(sorted(inputs.items()))
        by_status, not_read = self._files(by_path, errors or {})
        distinct = pending = 0
        for key in inputs.distinct_keys() if isinstance(inputs, SortedInputs) else set(inputs.values()):
            distinct += 1
            pending += key not in settled
        decided = sum(self.review[a] for a in REVIEW_ACTIONS)
        return {
            "files": {"by_status": by_status, "not_read": not_read},
            "documents": {
                "inputs": len(inputs), "distinct_inputs": distinct,
                "in_folder": ok + failed, "ok": ok, "failed": failed,
                "failed_by_reason": dict(sorted(self.failed.items())),
                "pending": pending,
                "by_template": {t: self.templates[t] for t in ("2019", "2021", "unknown")},
            },
            "cells": {s: self.cells[s] for s in ("ok", "flagged", "missing", "corrected")},
            # Reviewed cells have status "corrected" (a value a person decided) or "missing".
            "review": {"documents": self.review["documents"], "cells_reviewed": decided,
                       "corrected": self.review["correct"] + self.review["repair"], "accepted": self.review["accept"],
                       "marked_missing": self.review["missing"], "last_event": self.review_last_event},
            "hard_rules": {r: {k: c[k] for k in ("holding", "broken", "not_checkable")} for r, c in self.hard.items()},
            "cross_year": {"pairs": self.pairs, "issuer_years_with_several_documents": self.several_per_issuer_year,
                           **{r: {k: c[k] for k in ("holding", "broken", "not_checkable")}
                              for r, c in self.cross_year.items()}},
            "findings_by_rule": {r: dict(sorted(c.items())) for r, c in sorted(self.findings.items())},
            "usage": {**{k: round(self.usage[k], 3) for k in _USAGE}, "cost_usd": self.cost,
                      **_per_document(self.usage, sum(self.templates.values()))},
            "last_run": last_run,
        }

    def _files(self, by_path: Iterator[tuple[str, str]],
               errors: dict[str, dict]) -> tuple[dict[str, int], list[dict]]:
        """Input files by status, and every file not fully read with its reason, by path
        (``by_path``: the inputs' (path, key), sorted)."""
        by_status: Counter[str] = Counter()
        not_read: list[dict] = []
        for path, key in by_path:
            if key in self.status_of_key:
                status = self.status_of_key[key]
                by_status[status] += 1
                if status == "empty":
                    not_read.append({"path": path, "status": status, "reason": "no_value",
                                     "message": "no table value found in the document"})
            elif key in errors:
                record = errors[key]
                status = status_of_error(record.get("reason"))
                by_status[status] += 1
                not_read.append({"path": path, "status": status, "reason": record.get("reason"),
                                 "message": record.get("message")})
        return {s: by_status[s] for s in STATUSES}, not_read
