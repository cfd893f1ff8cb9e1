"""Counting a results folder into ``summary.json``: documents, templates, rules, cells, usage."""
from __future__ import annotations

from collections import Counter, defaultdict

from extractor.batch import crossyear

HARD_RULES = ("H1", "H2", "H3", "H4", "H5", "H6")


def rule_status(findings: list[dict], rule: str) -> str:
    """"broken" if a finding breaks the rule; "not_checkable" if one says cells it needs are
    missing; else "holding" (the validator reports broken and blocked rules, not holding ones)."""
    mine = [f for f in findings if f.get("rule") == rule]
    if any(not f.get("blocked_by") and f.get("severity") in ("error", "warning") for f in mine):
        return "broken"
    return "not_checkable" if any(f.get("blocked_by") for f in mine) else "holding"


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

    def add_result(self, result: dict) -> None:
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
        self.usage.update({k: usage.get(k) or 0 for k in ("llm_calls", "prompt_tokens", "completion_tokens")})
        if usage.get("cost_usd") is not None:
            self.cost = (self.cost or 0.0) + usage["cost_usd"]

    def merge(self, other: "Tally") -> None:
        """Add the results counted by ``other`` (a tally of other documents)."""
        self.templates.update(other.templates)
        self.cells.update(other.cells)
        for rule, counts in other.hard.items():
            self.hard[rule].update(counts)
        for rule, counts in other.findings.items():
            self.findings[rule].update(counts)
        self.usage.update(other.usage)
        if other.cost is not None:
            self.cost = (self.cost or 0.0) + other.cost

    def add_error(self, record: dict) -> None:
        self.failed[record.get("reason") or "internal_error"] += 1

    def add_pair(self, templates: tuple[str | None, str | None], findings: list[dict]) -> None:
        self.pairs += 1
        for f in findings:
            self.findings[f["rule"]][f["severity"]] += 1
        for rule, counts in self.cross_year.items():
            if crossyear.applicable(rule, *templates):
                counts[rule_status(findings, rule)] += 1

    def as_dict(self, inputs: dict[str, str], settled: set[str], last_run: dict) -> dict:
        ok, failed = sum(self.templates.values()), sum(self.failed.values())
        return {
            "documents": {
                "inputs": len(inputs), "distinct_inputs": len(set(inputs.values())),
                "in_folder": ok + failed, "ok": ok, "failed": failed,
                "failed_by_reason": dict(sorted(self.failed.items())),
                "pending": len(set(inputs.values()) - settled),
                "by_template": {t: self.templates[t] for t in ("2019", "2021", "unknown")},
            },
            "cells": {s: self.cells[s] for s in ("ok", "flagged", "missing", "corrected")},
            "hard_rules": {r: {k: c[k] for k in ("holding", "broken", "not_checkable")} for r, c in self.hard.items()},
            "cross_year": {"pairs": self.pairs, "issuer_years_with_several_documents": self.several_per_issuer_year,
                           **{r: {k: c[k] for k in ("holding", "broken", "not_checkable")}
                              for r, c in self.cross_year.items()}},
            "findings_by_rule": {r: dict(sorted(c.items())) for r, c in sorted(self.findings.items())},
            "usage": {**{k: self.usage[k] for k in ("llm_calls", "prompt_tokens", "completion_tokens")},
                      "cost_usd": self.cost},
            "last_run": last_run,
        }
