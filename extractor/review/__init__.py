"""Review of extracted results by a person: what needs a look, decisions, gold.

Modules, in the direction data flows: :mod:`folder` (a results folder) → :mod:`store` (the
append-only audit log) → :mod:`session` (decisions applied, document re-validated) →
:mod:`queue` (what still needs a person, by impact) → :mod:`export` (gold fixtures,
corrected results). :mod:`ui` is the Textual app over a :class:`Review`; it is imported
only by the interactive command.
"""
from extractor.review.folder import Entry, ResultsFolder, open_folder
from extractor.review.queue import Item
from extractor.review.session import Decision, Review, apply_decisions, revalidate
from extractor.review.store import Event, Store

__all__ = ["Decision", "Entry", "Event", "Item", "Review", "ResultsFolder", "Store", "apply_decisions",
           "open_folder", "revalidate"]
