"""Combining the model's reading with the rules reading: the ``llm`` and ``hybrid`` backends.

Both backends merge cell by cell with one rule set (:func:`merge`); they differ in what the
model is asked:

- ``read_llm``: the model reads every table it can find (:meth:`Task.span`: by heading, by
  table markers, by row labels anywhere, or a window over the table's words); the rules
  reading and the arithmetic cross-check it. A part the model could not answer falls back
  to the rules reading, every value of it ``flagged``.
- ``read_hybrid``: rules first; the model is asked only for the rows the rules could not
  read (a cell missing or flagged that the text may still hold) or whose cells break a hard
  identity (H1–H4), with a schema of those rows alone. A report the rules read in full
  and consistently costs nothing.

The merge, per cell. A model value counts only where grounding confirmed its digits at the
place the model gives (``ok``); anything else stays a reading for the reviewer.

- both readers give the same value → ``ok``, confidence raised (two independent reads);
- they differ → the value that makes the table's identities hold wins, if exactly one
  does (confidence 0.9); otherwise the rules value, ``flagged``, both readings kept;
- only the model has a value → ``ok`` at 0.9 when the identities through the cell hold with
  it, 0.75 when none can be checked; ``flagged`` when one breaks;
- the model has none (null, or not confirmed in the text) → the rules cell as it was: a
  model null never overwrites a value read in the text.
"""
from __future__ import annotations

from extractor.load import Document
from extractor.parts import Part
from extractor.readers import Reading
from extractor.readers.arithmetic import broken, confirms, settle
from extractor.readers.llm import read as llm_read
from extractor.readers.llm.backend import Backend
from extractor.readers.llm.grounding import rows_readable
from extractor.readers.llm.tasks import NUMERAL, TABLE_PARTS, task_for
from extractor.settings import Settings
from schemas import Cell, Finding
from schemas.llm import answer_items

AGREED_MAX = 0.99
SETTLED = 0.9  # a value the identities single out
CONFIRMED = 0.9  # a model value at its place in the text, with the identities through it holding
PLACED = 0.75  # a model value at its place in the text, no identity checkable
CONTRADICTED = 0.3  # a model value at its place, but an identity through it breaks


def read_llm(doc: Document, parts: dict[str, Part], template: str | None, settings: Settings,
             rules: Reading, *, backend: Backend | None = None) -> Reading:
    if template is None:  # the model's answers are shaped per template: the rules reading stands
        return Reading(rules.cells, [*rules.findings, _failure_finding(None, "无法判断表格版式，模型未读取")])
    llm = llm_read(doc, parts, template, settings.llm, backend=backend)
    return _combine(rules, llm, TABLE_PARTS, template)


def read_hybrid(doc: Document, parts: dict[str, Part], template: str | None, settings: Settings,
                rules: Reading, *, backend: Backend | None = None) -> Reading:
    plan = rows_to_ask(doc, parts, template, rules) if template else {}
    if not plan:
        return rules
    llm = llm_read(doc, parts, template, settings.llm, backend=backend, only=tuple(plan),
                   rows={part: rows for part, (_, rows) in plan.items()})
    return _combine(rules, llm, tuple(plan), template)  # type: ignore[arg-type]  # a plan implies a template


def _combine(rules: Reading, llm, asked: tuple[str, ...], template: str) -> Reading:
    cells = dict(rules.cells)
    findings = [*rules.findings, *llm.findings]
    for part in asked:
        if part in llm.failed:
            cells.update(_fallback(rules, part))
            findings.append(_failure_finding(part, llm.failed[part]))
            continue
        ids = [cid for cid in _ids(rules.cells, part) if cid in llm.cells]
        merged, part_findings = merge(part, ids, rules.cells, llm.cells, template)
        cells.update(merged)
        findings.extend(part_findings)
    return Reading(cells, findings, llm.model, llm.prompts, llm.usage)


def rows_to_ask(doc: Document, parts: dict[str, Part], template: str, rules: Reading
                ) -> dict[str, tuple[str, tuple[str, ...]]]:
    """``{part: (why, answer rows)}``: what the hybrid backend asks the model.

    A row is asked when a cell of it is missing or flagged and the text may still hold it —
    its label is in the text with a number near it, the cell is not a blank the rules saw,
    and the row was not cut off by the end of the text — or when its cells break a hard
    identity.
    """
    values = {cid: c.value for cid, c in rules.cells.items()}
    closed = _closed(rules)
    out = {}
    for part in TABLE_PARTS:
        task = task_for(part, template)
        span = task.span(doc.text, parts)
        if span is None:
            continue  # nothing in the document to read
        readable = set(rows_readable(doc.text, span, task.answer_model))
        row_of = {item.cell_id: item.field for item in answer_items(task.answer_model.empty())}
        ids = _ids(rules.cells, part)
        unread = [cid for cid in ids if rules.cells[cid].status in ("missing", "flagged")
                  and row_of.get(cid) in readable and cid not in closed]
        rules_broken = broken(values, template, set(ids))
        rows = {row_of[cid] for cid in unread if cid in row_of}
        rows.update(row_of[cid] for eq in rules_broken for cid in eq.cells if cid in row_of)
        if not rows:
            continue
        why = (f"规则读取器有 {len(unread)} 个单元格未读出或存疑" if unread
               else f"规则读数违反 {len(rules_broken)} 条勾稽关系")
        out[part] = (why, tuple(f for f in task.answer_model.ROWS if f in rows))
    return out


def _closed(rules: Reading) -> set[str]:
    """Missing cells the rules saw blank: nothing to read there. (Rows cut off by the end of
    the text are left out by ``rows_readable``.)"""
    return {cid for f in rules.findings if (f.check or "").endswith(".blank_cells") for cid in f.cells}


def merge(part: str, ids: list[str], rules: dict[str, Cell], llm: dict[str, Cell], template: str
          ) -> tuple[dict[str, Cell], list[Finding]]:
    """The cells ``ids`` of ``part`` from both readings (rules first, see the module's docstring)."""
    placed = {cid: llm[cid].value for cid in ids if llm[cid].status == "ok" and llm[cid].value is not None}
    disputed = {cid for cid, v in placed.items() if rules[cid].value is not None and rules[cid].value != v}
    values = {cid: c.value for cid, c in rules.items()}
    values.update({cid: v for cid, v in placed.items() if rules[cid].value is None})
    out, settled, unsettled, model_only = {}, [], [], []
    for cid in ids:
        r, m = rules[cid], llm[cid]
        said = m.value if m.value is not None else (m.readings or {}).get("llm")
        readings = {"rules": r.value, "llm": said}
        if cid in disputed:
            winner = settle(cid, [r.value, m.value], values, template, disputed)  # type: ignore[list-item]  # disputed cells have two numbers
            if winner is None:
                out[cid] = r.model_copy(update={"status": "flagged", "readings": readings,
                                                "confidence": min(r.confidence, 0.5),
                                                "note": f"规则读数 {r.value}，模型读数 {m.value}，勾稽关系无法裁定"})
                unsettled.append(cid)
            else:
                source = r if winner == r.value else m
                out[cid] = source.model_copy(update={"status": "ok", "readings": readings, "confidence": SETTLED,
                                                     "note": "两个读取器不一致，按勾稽关系取值"})
                settled.append(cid)
        elif cid in placed and r.value is not None:  # two independent reads of the same digits
            out[cid] = r.model_copy(update={"reader": "hybrid", "span": r.span or m.span,
                                            "confidence": _agree(r.confidence, m.confidence)})
        elif cid in placed:
            out[cid] = _model_only(m, readings, confirms(cid, values, template))
            model_only.append(cid)
        elif said is not None and said != r.value:  # the model's reading, not confirmed: kept for review
            out[cid] = r.model_copy(update={"readings": readings})
        else:
            out[cid] = r
    return out, _merge_findings(part, settled, unsettled, [c for c in model_only if out[c].status != "ok"])


def _model_only(m: Cell, readings: dict, arithmetic: bool | None) -> Cell:
    if arithmetic is False:
        return m.model_copy(update={"status": "flagged", "readings": readings, "confidence": CONTRADICTED,
                                    "note": "只有模型读出这个数（在原文对应位置），但它使勾稽关系不成立"})
    confidence, note = ((CONFIRMED, "规则读取器没有读出，模型读数在原文对应位置，勾稽关系成立") if arithmetic
                        else (PLACED, "规则读取器没有读出，模型读数在原文对应位置，无勾稽关系可核对"))
    return m.model_copy(update={"status": "ok", "readings": readings, "confidence": confidence, "note": note})


def _agree(a: float, b: float) -> float:
    return round(min(AGREED_MAX, 1 - (1 - a) * (1 - b)), 3)


def _fallback(rules: Reading, part: str) -> dict[str, Cell]:
    out = {}
    for cid in _ids(rules.cells, part):
        cell = rules.cells[cid]
        out[cid] = cell if cell.value is None else cell.model_copy(update={
            "status": "flagged", "note": "模型读取失败，沿用规则读数"})
    return out


def _failure_finding(part: str | None, why: str) -> Finding:
    where = f"第{NUMERAL[part]}部分" if part else "表格"
    return Finding(rule="EXTRACTION", check="llm.failed", severity="warning", cause="extraction",
                   message=f"{where}模型读取失败，已沿用规则读数：{why}")


def _merge_findings(part: str, settled: list[str], unsettled: list[str], contradicted: list[str]) -> list[Finding]:
    name = f"第{NUMERAL[part]}部分"
    out = []
    if settled:
        out.append(Finding(rule="EXTRACTION", check="readers.settled", severity="info", cells=settled,
                           message=f"{name}规则与模型读数不一致的 {len(settled)} 个单元格已按勾稽关系取值"))
    if unsettled:
        out.append(Finding(rule="EXTRACTION", check="readers.disagree", severity="warning", cells=unsettled,
                           cause="extraction",
                           message=f"{name}规则与模型读数不一致的 {len(unsettled)} 个单元格无法裁定，请人工核对"))
    if contradicted:
        out.append(Finding(rule="EXTRACTION", check="llm.only", severity="warning", cells=contradicted,
                           cause="extraction",
                           message=f"{name}有 {len(contradicted)} 个数只有模型读出，且与勾稽关系矛盾，请人工核对"))
    return out


def _ids(cells: dict[str, Cell], part: str) -> list[str]:
    return [cid for cid in cells if cid.startswith(part + ".")]
