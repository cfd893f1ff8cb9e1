"""What every check reads: the result, its cell values, and the narrative text views."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from extractor.narrative import sections
from extractor.narrative.compact import Compact, compact
from extractor.narrative.figures import Mention, mentions
from extractor.parts import split_parts
from extractor.validate.equations import Evaluation, State
from extractor.validate.hard import Sheet, evaluate, read, template_of, values_of
from schemas import Result


@dataclass
class Context:
    result: Result
    text: str | None = None
    previous: Result | None = None
    memo: dict = field(default_factory=dict)  # what checks derive once and share (validate/narrative.claims)

    @cached_property
    def template(self) -> str | None:
        return template_of(self.result)

    @cached_property
    def sheet(self) -> Sheet:
        """The cells' values, read once."""
        return read(self.result)

    @cached_property
    def values(self) -> dict[str, float | None]:
        return self.sheet.values

    @cached_property
    def evaluation(self) -> Evaluation:
        """H1–H4 evaluated on the cells (the hard rules and the policy both read them)."""
        return evaluate(self.result, self.values)

    @property
    def states(self) -> list[State]:
        return self.evaluation.states

    def value(self, cid: str) -> float | None:
        return self.values.get(cid)

    @cached_property
    def previous_values(self) -> dict[str, float | None]:
        return values_of(self.previous) if self.previous is not None else {}

    def previous_value(self, cid: str) -> float | None:
        return self.previous_values.get(cid)

    @cached_property
    def sections(self) -> dict[str, Compact]:
        """Compact views of preamble, 一, 五, 六: from the text, else from the stored narrative
        (then without spans, and without the preamble)."""
        if self.text is not None:
            parts = self.result.parts or {k: p.info() for k, p in split_parts(self.text).items()}
            return sections(self.text, parts)
        n = self.result.narrative
        return {"preamble": compact("", None), "p1": compact(n.p1.text, None),
                "p5": compact(n.p5.text, None), "p6": compact(n.p6.text, None)}

    @cached_property
    def mentions(self) -> dict[str, list[Mention]]:
        """The figures of each section, read when a check first asks (only some sections' are)."""
        return _Mentions(self.sections)


class _Mentions(dict):
    """``{section: its figures}``, each read on first access."""

    def __init__(self, views: dict[str, Compact]):
        super().__init__()
        self._views = views

    def __missing__(self, key: str) -> list[Mention]:
        found = self[key] = mentions(self._views[key])
        return found
