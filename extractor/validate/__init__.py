"""The validator: re-checks the arithmetic and consistency rules. It reports, a policy decides.

Public API (kept stable for the readers, the review CLI and batch runs):

- ``validate(result, text=None, previous=None) -> list[Finding]`` — every rule as findings;
  never raises on bad data. ``text`` is the normalised document text (narrative checks
  need it; without it they read the stored ``result.narrative``); ``previous`` is the same
  agency's result for the year before (cross-year checks S2, S3, S6).
- ``apply(result, findings) -> Result`` — the confidence/status policy: cells in broken
  rules become ``flagged``, cells confirmed by holding rules gain confidence.
- ``check(result, text=None, previous=None) -> Result`` — both.
- ``settle(result, findings) -> Result`` — ``apply`` for a result its caller alone holds (the
  pipeline's own, just built): its cells are changed in place instead of copied.
- ``validate_and_settle(result, text) -> Result`` — both for such a result, the arithmetic
  evaluated once.
- ``is_fatal(findings, strict) -> bool`` — what ``nianbao extract --strict`` fails on.

Checks are small functions in :data:`CHECKS`, each ``Context -> list[Finding]``.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from itertools import repeat
from operator import attrgetter, setitem

from extractor.validate import narrative, soft
from extractor.validate.context import Context
from extractor.validate.equations import Evaluation
from extractor.validate.hard import hard_findings
from extractor.validate.policy import adjust_cells, cell_changes, is_fatal
from schemas import Cell, Finding, Result

__all__ = ["CHECKS", "OWN_CHECKS", "apply", "check", "is_fatal", "settle", "validate", "validate_and_settle"]

Check = Callable[[Context], list[Finding]]

CHECKS: tuple[Check, ...] = (
    lambda ctx: hard_findings(ctx.result, narrative.stated_values(ctx), ctx.sheet, ctx.evaluation),
    *soft.CHECKS,
    *narrative.CHECKS,
)

# every ``check`` slug the validator emits: apply() replaces earlier findings with these slugs
OWN_CHECKS = frozenset({
    "p3.balance", "p3.balance_bound", "p3.outcomes", "p3.row_total", "p4.block_total", "cell.value",
    "validator.internal",
    *soft.SLUGS, *narrative.SLUGS,
})


def validate(result: Result, text: str | None = None, previous: Result | None = None) -> list[Finding]:
    return _findings(Context(result, text, previous))


def validate_and_settle(result: Result, text: str | None = None) -> Result:
    """``settle(result, validate(result, text))`` with the arithmetic evaluated once: for the
    pipeline's own, just built result."""
    ctx = Context(result, text)
    return settle(result, _findings(ctx), ctx.evaluation)


def _findings(ctx: Context) -> list[Finding]:
    findings: list[Finding] = []
    for run in CHECKS:
        try:
            findings.extend(run(ctx))
        except Exception as e:  # a check must never take the document down with it
            findings.append(Finding.build(rule="EXTRACTION", check="validator.internal", severity="warning",
                                          message=f"校验规则执行出错，已跳过：{type(e).__name__}: {e}"))
    return findings


def apply(result: Result, findings: list[Finding]) -> Result:
    """The policy (:mod:`extractor.validate.policy`) on the cells; ``findings`` replace any
    earlier validator findings, so re-validating a reviewed result does not pile them up."""
    return result.model_copy(update={"cells": adjust_cells(result, findings), "findings": [*_kept(result), *findings]})


def _kept(result: Result) -> list[Finding]:
    """The findings that are not the validator's: new validator findings replace its earlier ones."""
    return [f for f in result.findings if f.check not in OWN_CHECKS]


def settle(result: Result, findings: list[Finding], evaluation: Evaluation | None = None) -> Result:
    """:func:`apply` on ``result`` itself: no copies (a copy per cell was 8% of an extraction).
    Only for a result nobody else holds: its cells and findings are changed in place.
    ``evaluation``: H1–H4 evaluated on its cells, when already known."""
    cells = result.cells
    changes = cell_changes(result, findings, evaluation)
    if _PLAIN_ASSIGNMENT:  # what pydantic's own setattr does for such a model, without its dispatch per field
        for cid, change in changes.flags.items():
            cell = cells[cid]
            cell.__dict__.update(change)
            cell.__pydantic_fields_set__.update(change)
        _set_confidences(list(map(cells.__getitem__, changes.raised)), changes.raised.values())
        return _replace_findings(result, findings)
    for cid, change in changes.flags.items():
        for name, value in change.items():
            setattr(cells[cid], name, value)
    for cid, confidence in changes.raised.items():
        cells[cid].confidence = confidence
    return _replace_findings(result, findings)


def _replace_findings(result: Result, findings: list[Finding]) -> Result:
    result.findings = [*_kept(result), *findings]
    return result


# Cell fields are assigned without validation (no validate_assignment, not frozen): the policy's
# changes can go straight into the model's fields, as BaseModel.__setattr__ would put them.
_PLAIN_ASSIGNMENT = not Cell.model_config.get("validate_assignment") and not Cell.model_config.get("frozen")


def _set_confidences(cells: list[Cell], confidences: Iterable[float]) -> None:
    """``cell.confidence = c`` pairwise, as pydantic's setattr puts it, stepping through
    the cells in C (a document raises ~150): the itertools "consume" recipe."""
    deque(map(setitem, map(_FIELDS, cells), repeat("confidence"), confidences), maxlen=0)
    deque(map(set.add, map(_FIELDS_SET, cells), repeat("confidence")), maxlen=0)


_FIELDS, _FIELDS_SET = attrgetter("__dict__"), attrgetter("__pydantic_fields_set__")


def check(result: Result, text: str | None = None, previous: Result | None = None) -> Result:
    return apply(result, validate(result, text, previous))
