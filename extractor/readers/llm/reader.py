"""The LLM reader: one request per table part (only that part's text), answers grounded in the text.

Per part: cache → (budget check) → backend → cache; then grounding turns the answer into
cells. An answer still refused after the re-asks only for values the text does not hold is
kept (grounding drops those values) with an ``llm.uncorrected`` finding. A part the model
could not answer (output unusable, token budget spent, offline without a cached answer) is
listed in ``failed``; the caller falls back to the rules reading for it
(``extractor.readers.hybrid``). An endpoint that fails (unreachable, 401/403, 429/5xx past
the retries) raises ``EndpointError``: the document fails, it is never passed off as read.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from extractor.errors import BackendError, ConfigError, EndpointError, ModelOutputError
from extractor.load import Document
from extractor.parts import Part
from extractor.readers import Reading
from extractor.readers.llm.backend import Backend
from extractor.readers.llm.cache import AnswerCache, cache_key
from extractor.readers.llm.grounding import ground, rows_absent
from extractor.readers.llm.prompts import load_prompt
from extractor.readers.llm.tasks import NUMERAL, TABLE_PARTS, compact, task_for
from extractor.settings import LLMSettings
from schemas import Cell, Finding, Usage, cell_ids


@dataclass(slots=True)
class LLMReading(Reading):
    failed: dict[str, str] = field(default_factory=dict)  # part → why the model gave no answer
    asked: list[str] = field(default_factory=list)  # parts answered by the model or its cache


def read(doc: Document, parts: dict[str, Part], template: str | None, settings: LLMSettings, *,
         backend: Backend | None = None, only: tuple[str, ...] = TABLE_PARTS,
         rows: dict[str, tuple[str, ...]] | None = None) -> LLMReading:
    """Cells of the table parts in ``only`` (other ids are left out) read by the model.

    ``rows`` narrows a part to some of its rows (answer fields): the request then carries
    only those rows' schema, and the reading only their cells."""
    if not settings.model:
        raise ConfigError("the LLM reader needs NIANBAO_MODEL (and OPENAI_BASE_URL / OPENAI_API_KEY)")
    reading = LLMReading(cells={}, model=settings.model)
    if template is None:
        reading.cells = {cid: Cell(status="missing", note="表格格式无法判断，模型未读取") for cid in cell_ids(None)
                         if cid.split(".")[0] in only}
        return reading
    session = _Session(settings, backend)
    for part in only:
        _read_part(doc, parts, template, part, (rows or {}).get(part), session, reading)
    reading.usage = session.usage
    if settings.usd_per_mtok:
        price_in, price_out = settings.usd_per_mtok
        reading.usage.cost_usd = (session.usage.prompt_tokens * price_in
                                  + session.usage.completion_tokens * price_out) / 1e6
    return reading


class _Session:
    """One document's requests: the backend (made on first use), cache, budget and usage."""

    def __init__(self, settings: LLMSettings, backend: Backend | None):
        self.settings = settings
        self._backend = backend
        self.cache = AnswerCache(settings.cache_dir) if settings.cache_dir else None
        self.usage = Usage()

    def backend(self) -> Backend:
        if self._backend is None:
            if not (self.settings.base_url or self.settings.api_key):
                raise ConfigError("the LLM reader needs OPENAI_BASE_URL or OPENAI_API_KEY")
            from extractor.readers.llm.openai_compat import OpenAICompatible
            self._backend = OpenAICompatible(self.settings)
        return self._backend

    def budget_left(self) -> bool:
        budget = self.settings.token_budget
        return budget is None or self.usage.tokens < budget


def _read_part(doc: Document, parts: dict[str, Part], template: str, part: str, rows: tuple[str, ...] | None,
               session: _Session, reading: LLMReading) -> None:
    task = task_for(part, template)
    span = task.span(doc.text, parts)
    if span is None:
        reading.cells.update({cid: Cell(status="missing", reader="llm", note=f"没有找到第{NUMERAL[part]}部分的表格，模型未读取")
                              for cid in cell_ids(template) if cid.startswith(part + ".")})
        return
    answer_model = task.answer_model.subset(rows) if rows else task.answer_model
    prompt = load_prompt(task.prompt)
    reading.prompts[part] = prompt.ref
    text = compact(doc.text[span[0]:span[1]], task.row_width)
    values = task.prompt_values(text)
    context = {"numbers_in_text": values["numbers"], "rows_absent": rows_absent(doc.text, span, answer_model)}
    key = cache_key(session.settings.model, prompt.ref, answer_model, text)  # type: ignore[arg-type]  # llm_read refuses to start without a model

    answer, uncorrected, why = _from_cache(session, key, answer_model)
    if answer is None and why is None:
        if session.settings.offline:
            session.usage.cache_misses += 1
            why = "离线模式下缓存中没有这一部分的答案"
        elif not session.budget_left():
            why = "本文档的 token 预算已用完"
        else:
            started, unusable = time.monotonic(), None
            try:
                answer, usage = session.backend().complete(part, prompt.render(**values), answer_model,
                                                           max_tokens=prompt.max_tokens, context=context)
            except ModelOutputError as e:
                usage = e.usage or Usage()
                if e.answer is None:
                    why = unusable = str(e)
                else:  # valid in shape, refused only for values the text does not hold:
                    answer, uncorrected = e.answer, str(e)  # grounding drops those, keeps the rest
            except EndpointError:
                raise  # the endpoint is down, refuses us or keeps failing: the document fails, loudly
            except BackendError as e:
                usage, why = e.usage or Usage(), str(e)
            usage.seconds += time.monotonic() - started
            session.usage.add(usage)
            if session.cache and (answer is not None or unusable):
                # the model's own output, usable or not: a replay gives what this run gave
                session.cache.put(key, answer, usage, model=session.settings.model, prompt=prompt.ref,
                                  uncorrected=uncorrected, unusable=unusable)
    if why is not None:
        reading.failed[part] = why
        return
    reading.asked.append(part)
    cells = ground(doc.text, span, answer)
    reading.cells.update(cells)
    if uncorrected:
        reading.findings.append(Finding(rule="EXTRACTION", check="llm.uncorrected", severity="info",
                                        cause="extraction", message=f"模型重问后仍未改正，答案已逐个数核对原文：{uncorrected}"))
    reading.findings.extend(_grounding_findings(part, cells))


def _from_cache(session: _Session, key: str, answer_model: type):
    """(the cached answer, its uncorrected-output note, why the model's output was unusable);
    all None when nothing is cached."""
    entry = session.cache.get(key) if session.cache else None
    if entry is None:
        return None, None, None
    unusable = entry.get("unusable")
    try:  # checked when it was made; grounding checks it against the text again
        answer = None if unusable else answer_model.model_validate(entry["answer"])  # type: ignore[attr-defined]  # answer_model is a pydantic model class
    except ValueError:
        return None, None, None
    usage = Usage.model_validate(entry["usage"])
    session.usage.cache_hits += 1
    session.usage.cached_tokens += usage.tokens
    session.usage.cached_seconds += usage.seconds
    return answer, entry.get("uncorrected"), unusable


def _grounding_findings(part: str, cells: dict[str, Cell]) -> list[Finding]:
    invented = [cid for cid, c in cells.items() if c.status == "missing" and c.readings]
    ungrounded = [cid for cid, c in cells.items() if c.status == "flagged"]
    out = []
    if invented:
        out.append(Finding(rule="EXTRACTION", check="llm.invented", severity="warning", cells=invented,
                           cause="extraction",
                           message=f"第{NUMERAL[part]}部分模型给出了 {len(invented)} 个原文中没有的数（缺行、空行或空白格），"
                                   "已丢弃，按缺失处理"))
    if ungrounded:
        out.append(Finding(rule="EXTRACTION", check="llm.ungrounded", severity="warning", cells=ungrounded,
                           cause="extraction",
                           message=f"第{NUMERAL[part]}部分有 {len(ungrounded)} 个模型读数无法在原文对应位置核实"))
    return out
