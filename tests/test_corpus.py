"""The real-report corpus (evals/corpus: 84 reports from 84 sites, hand-labelled): a floor on
accuracy, and honest notes — a cell whose value is printed is never said to be absent."""
import json
import re
from functools import lru_cache

from evals.cases import CORPUS, load_corpus
from evals.score import score
from extractor import Settings, extract
from extractor.errors import NianbaoError

FLOOR = json.loads((CORPUS.parent / "corpus-floor.json").read_text(encoding="utf-8"))
# What a note or finding may only say of a row that is really not printed.
_ABSENT = re.compile(r"不在文中|文中没有|原文没有|不在摘录中|没有这一?行")


@lru_cache(maxsize=1)
def _runs():
    out = []
    for case in load_corpus():
        try:
            result = extract(case.source, Settings(backend="rules"))
        except NianbaoError:
            result = None
        out.append((case, result, score(case, result)))
    return out


def test_corpus_holds_its_floor():
    runs = _runs()
    present = sum(d.tally.present for _, _, d in runs)
    right = sum(d.tally.present_correct for _, _, d in runs)
    invented = sum(d.tally.invented for _, _, d in runs)
    silent = sum(d.tally.silent_errors for _, _, d in runs)
    templates = [d.meta["template"] for _, _, d in runs if d.meta["template"][0] is not None]
    template_ok = sum(str(g) == str(o) for g, o in templates) / len(templates)
    assert right / present >= FLOOR["min_present_accuracy"], f"present-cell accuracy {right}/{present}"
    assert invented <= FLOOR["max_invented"]
    assert silent <= FLOOR["max_silent_errors"]
    assert template_ok >= FLOOR["min_template_accuracy"], f"template accuracy {template_ok:.3f}"


def test_a_printed_value_is_never_called_absent():
    for case, result, _ in _runs():
        if result is None:
            continue
        printed = {cid for cid, v in case.cells.items() if v is not None}
        for cid in printed:
            note = result.cells[cid].note or ""
            assert not _ABSENT.search(note), f"{case.name} {cid}: {note}"
        for f in result.findings:
            if printed.intersection(f.cells):
                assert not _ABSENT.search(f.message), f"{case.name}: {f.message}"
