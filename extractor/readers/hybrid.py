"""Combining readers: the LLM with the rules reading as its fallback, and the hybrid backend.

``read_llm``: the model reads every table part; a part it could not answer falls back to the
rules reading, every value of it ``flagged``.

``read_hybrid``: rules first; the model is asked only about parts the rules reader could not
read fully (a cell missing or flagged in a row that is in the text) or whose cells break a
hard identity (H1–H4). Per cell:

- both readers give the same value → kept, confidence raised (``reader="hybrid"``);
- they differ → the value that makes the table's identities hold wins, if exactly one does;
  otherwise the cell is ``flagged`` with the rules value shown and both readings kept;
- only the model has a value → ``flagged``: possibly invented, a person has to look;
- the model gave nothing for a value the rules found → the rules value, both readings kept.
"""
from __future__ import annotations

from extractor.load import Document
from extractor.parts import Part
from extractor.readers import Reading
from extractor.readers.arithmetic import broken, settle
from extractor.readers.llm import read as llm_read
from extractor.readers.llm.backend import Backend
from extractor.readers.llm.grounding import rows_absent
from extractor.readers.llm.tasks import NUMERAL, TABLE_PARTS, task_for
from extractor.settings import Settings
from schemas import Cell, Finding
from schemas.llm import answer_items


def read_llm(doc: Document, parts: dict[str, Part], template: str | None, settings: Settings,
             rules: Reading, *, backend: Backend | None = None) -> Reading:
    llm = llm_read(doc, parts, template, settings.llm, backend=backend)
    cells = {**rules.cells, **llm.cells}
    findings = list(llm.findings)
    for part, why in llm.failed.items():
        cells.update(_fallback(rules, part))
        findings.append(_failure_finding(part, why))
    return Reading(cells, findings, llm.model, llm.prompts, llm.usage)


def read_hybrid(doc: Document, parts: dict[str, Part], template: str | None, settings: Settings,
                rules: Reading, *, backend: Backend | None = None) -> Reading:
    ask = parts_to_ask(doc, parts, template, rules) if template else {}
    if not ask:
        return rules
    llm = llm_read(doc, parts, template, settings.llm, backend=backend, only=tuple(ask))
    cells = dict(rules.cells)
    findings = [*rules.findings, *llm.findings]
    for part in ask:
        if part in llm.failed:
            cells.update(_fallback(rules, part))
            findings.append(_failure_finding(part, llm.failed[part]))
            continue
        merged, part_findings = reconcile(part, rules.cells, llm.cells, template)  # type: ignore[arg-type]  # ask is empty without a template
        cells.update(merged)
        findings.extend(part_findings)
    return Reading(cells, findings, llm.model, llm.prompts, llm.usage)


def parts_to_ask(doc: Document, parts: dict[str, Part], template: str, rules: Reading) -> dict[str, str]:
    """``{part: why}`` for the table parts the model should read.

    A cell the rules left missing counts only if its row is in the text: the model cannot
    read a row that a truncated table does not have (and would only invent it).
    """
    values = {cid: c.value for cid, c in rules.cells.items()}
    out = {}
    for part in TABLE_PARTS:
        task = task_for(part, template)
        span = task.span(doc.text, parts)
        if span is None:
            continue  # nothing in the document to read
        absent = set(rows_absent(doc.text, span, task.answer_model))
        row_of = {item.cell_id: item.field for item in answer_items(task.answer_model.empty())}
        ids = _ids(rules.cells, part)
        unread = [cid for cid in ids if rules.cells[cid].status in ("missing", "flagged")
                  and row_of.get(cid) not in absent]
        rules_broken = broken(values, template, set(ids))
        if unread:
            out[part] = f"规则读取器有 {len(unread)} 个单元格未读出或存疑"
        elif rules_broken:
            out[part] = f"规则读数违反 {len(rules_broken)} 条勾稽关系"
    return out


def reconcile(part: str, rules: dict[str, Cell], llm: dict[str, Cell], template: str
              ) -> tuple[dict[str, Cell], list[Finding]]:
    ids = _ids(rules, part)
    disputed = {cid for cid in ids
                if rules[cid].value is not None and llm[cid].value is not None
                and rules[cid].value != llm[cid].value}
    values = {cid: c.value for cid, c in rules.items()}
    values.update({cid: llm[cid].value for cid in ids if rules[cid].value is None and llm[cid].status == "ok"})
    out, settled, unsettled, invented = {}, [], [], []
    for cid in ids:
        r, m = rules[cid], llm[cid]
        readings = {"rules": r.value, "llm": m.value if m.value is not None else (m.readings or {}).get("llm")}
        if cid in disputed:
            winner = settle(cid, [r.value, m.value], values, template, disputed)  # type: ignore[list-item]  # disputed cells have two numbers
            if winner is None:
                out[cid] = r.model_copy(update={"status": "flagged", "readings": readings,
                                                "confidence": min(r.confidence, 0.5),
                                                "note": f"规则读数 {r.value}，模型读数 {m.value}，勾稽关系无法裁定"})
                unsettled.append(cid)
            else:
                source = r if winner == r.value else m
                out[cid] = source.model_copy(update={"status": "ok", "readings": readings, "confidence": 0.8,
                                                     "note": "两个读取器不一致，按勾稽关系取值"})
                settled.append(cid)
        elif r.value is not None and m.value is not None:
            out[cid] = r.model_copy(update={"reader": "hybrid", "span": r.span or m.span,
                                            "confidence": _agree(r.confidence, m.confidence)})
        elif r.value is not None:  # the model saw nothing there: keep the rules value, note it
            out[cid] = r.model_copy(update={"readings": readings})
        elif m.value is not None:
            out[cid] = m.model_copy(update={
                "status": "flagged", "readings": readings, "confidence": min(m.confidence, 0.4),
                "note": "规则读取器没有读到这个数，只有模型给出（" + (m.note or "已在原文中找到") + "），可能是编造的"})
            invented.append(cid)
        else:
            out[cid] = r if r.status == "missing" else m
    return out, _reconcile_findings(part, settled, unsettled, invented)


def _agree(a: float, b: float) -> float:
    return round(min(0.99, 1 - (1 - a) * (1 - b)), 3)


def _fallback(rules: Reading, part: str) -> dict[str, Cell]:
    out = {}
    for cid in _ids(rules.cells, part):
        cell = rules.cells[cid]
        out[cid] = cell if cell.value is None else cell.model_copy(update={
            "status": "flagged", "note": "模型读取失败，沿用规则读数"})
    return out


def _failure_finding(part: str, why: str) -> Finding:
    return Finding(rule="EXTRACTION", check="llm.failed", severity="warning", cause="extraction",
                   message=f"第{NUMERAL[part]}部分模型读取失败，已沿用规则读数：{why}")


def _reconcile_findings(part: str, settled: list[str], unsettled: list[str], invented: list[str]) -> list[Finding]:
    name = f"第{NUMERAL[part]}部分"
    out = []
    if settled:
        out.append(Finding(rule="EXTRACTION", check="readers.settled", severity="info", cells=settled,
                           message=f"{name}规则与模型读数不一致的 {len(settled)} 个单元格已按勾稽关系取值"))
    if unsettled:
        out.append(Finding(rule="EXTRACTION", check="readers.disagree", severity="warning", cells=unsettled,
                           cause="extraction",
                           message=f"{name}规则与模型读数不一致的 {len(unsettled)} 个单元格无法裁定，请人工核对"))
    if invented:
        out.append(Finding(rule="EXTRACTION", check="llm.only", severity="warning", cells=invented,
                           cause="extraction",
                           message=f"{name}有 {len(invented)} 个数只有模型读出、规则读取器没有读到，可能是编造的"))
    return out


def _ids(cells: dict[str, Cell], part: str) -> list[str]:
    return [cid for cid in cells if cid.startswith(part + ".")]
