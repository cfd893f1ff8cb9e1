"""The result of extracting one document: the public JSON output (output-contract.md)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas.base import Model
from schemas.narrative import Meta, Part1, Part5, Part6

Status = Literal["ok", "missing", "flagged", "corrected"]
Severity = Literal["error", "warning", "info"]
Cause = Literal["source", "extraction"]
PartStatus = Literal["present", "empty", "missing"]
Number = int | float


class Cell(Model):
    """One table cell with its evidence."""

    value: Number | None = None
    status: Status = "missing"
    confidence: float = Field(0.0, ge=0.0, le=1.0)
    span: tuple[int, int] | None = Field(None, description="[start, end) in the normalised text")
    reader: str | None = Field(None, description="which reader produced the value: rules, llm, hybrid, review")
    raw: str | None = Field(None, description="the source token as written, e.g. '308.7 万元', '/', '-1'")
    note: str | None = Field(None, description="why the cell is flagged or missing")
    readings: dict[str, Number | None] | None = Field(
        None, description="the value each reader gave, kept when readers disagree"
    )


class Repair(Model):
    cell: str
    value: Number


class Finding(Model):
    """A broken rule or cross-check. The validator reports; a policy decides what is fatal."""

    rule: str = Field(description="spec code: H1–H6, S1–S13, N1–N12, or STRUCTURE/VERSION/UNIT/EXTRACTION")
    check: str | None = Field(None, description="stable slug, e.g. 'p3.balance'")
    severity: Severity = "warning"
    cells: list[str] = Field(default_factory=list)
    message: str = ""
    expected: Number | None = None
    actual: Number | None = None
    repair: Repair | None = None
    cause: Cause | None = Field(
        None, description="'source': the report itself does not add up; 'extraction': probably misread"
    )
    blocked_by: list[str] | None = Field(None, description="cells whose absence made the rule not checkable")
    span: tuple[int, int] | None = None


class Source(Model):
    path: str | None = None
    sha256: str
    format: str = Field(description="txt, html, pdf or docx")


class PartInfo(Model):
    status: PartStatus
    heading: str | None = None
    span: tuple[int, int] | None = None


class Narrative(Model):
    p1: Part1 = Field(default_factory=Part1)
    p5: Part5 = Field(default_factory=Part5)
    p6: Part6 = Field(default_factory=Part6)


class Usage(Model):
    llm_calls: int = Field(0, description="requests sent to the model endpoint, failed ones included")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    failed_attempts: int = Field(0, description="requests that failed (HTTP errors) or gave unusable output")
    cache_hits: int = 0
    cache_misses: int = Field(0, description="parts an offline run had no cached answer for (not asked)")
    cached_tokens: int = Field(0, description="tokens the cached answers cost when they were made (not spent again)")
    seconds: float = Field(0.0, description="seconds spent waiting for the model's answers")
    cached_seconds: float = Field(0.0, description="seconds the cached answers took when they were made")
    cost_usd: float | None = None

    def add(self, other: Usage) -> None:
        for name in ("llm_calls", "prompt_tokens", "completion_tokens", "failed_attempts", "cache_hits",
                     "cache_misses", "cached_tokens", "seconds", "cached_seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Provenance(Model):
    nianbao: str
    backend: str
    model: str | None = None
    prompts: dict[str, str] = Field(default_factory=dict, description="part → prompt version used")
    usage: Usage = Field(default_factory=Usage)


class Result(Model):
    source: Source
    meta: Meta
    parts: dict[str, PartInfo] = Field(default_factory=dict)
    cells: dict[str, Cell]
    findings: list[Finding] = Field(default_factory=list)
    narrative: Narrative = Field(default_factory=Narrative)
    provenance: Provenance

    def values(self) -> dict[str, Number | None]:
        """The flat ``{cell id: value-or-null}`` form (``--cells``)."""
        return {cid: cell.value for cid, cell in self.cells.items()}
