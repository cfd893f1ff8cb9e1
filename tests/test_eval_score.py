"""The scorer on hand-made results: every count means what it says."""
import pytest

from evals.calibration import bands, risk_coverage
from evals.cases import HARD_RULES, Case
from evals.compare import Gates, compare, gate
from evals.findings import score_findings
from evals.report import baseline_view, build_report
from evals.run import run
from evals.score import counts, score
from extractor import Settings
from schemas import Cell, Finding, Meta, Provenance, Result, Source, Usage

GOLD = {"p3.new_received.total": 5, "p3.carried_over.total": 0, "p3.outcome_total.total": None,
        "p4.review.total": None, "p2.fees.amount": 96171.6, "p4.suit_direct.total": 2}


def case(**kw) -> Case:
    base = dict(name="doc", source=b"", cells=GOLD, meta={"issuer": "淮安市人民政府", "year": 2024, "template": "2021"})
    return Case(**{**base, **kw})


def result(values: dict, *, confidence=0.95, status="ok", findings=(), meta=None, usage=None) -> Result:
    cells = {cid: Cell(value=v, status=status if v is not None else "missing",
                       confidence=confidence if v is not None else 0.0) for cid, v in values.items()}
    return Result(source=Source(sha256="0" * 64, format="txt"),
                  meta=meta or Meta(issuer="淮安市人民政府", year=2024, template="2021"), cells=cells,
                  findings=list(findings), provenance=Provenance(nianbao="test", backend="rules", usage=usage or Usage()))


def kinds(doc) -> dict:
    return {o.cell: o.kind for o in doc.outcomes}


def test_each_cell_gets_exactly_one_outcome():
    ours = {"p3.new_received.total": 5, "p3.carried_over.total": None, "p3.outcome_total.total": 0,
            "p4.review.total": None, "p2.fees.amount": 96171.60000001, "p4.suit_direct.total": 3}
    doc = score(case(), result(ours))
    assert kinds(doc) == {"p3.new_received.total": "correct", "p3.carried_over.total": "omitted",
                          "p3.outcome_total.total": "invented", "p4.review.total": "correct",
                          "p2.fees.amount": "correct", "p4.suit_direct.total": "mismatched"}
    c = counts(doc.outcomes)
    assert (c["correct"], c["mismatched"], c["omitted"], c["invented"]) == (3, 1, 1, 1)
    assert c["accuracy"] == 0.5 and c["present_accuracy"] == 0.5 and c["absent_accuracy"] == 0.5


def test_an_invented_zero_is_invented_and_a_gold_zero_we_drop_is_omitted():
    doc = score(case(cells={"a.x": None, "a.y": 0}), result({"a.x": 0, "a.y": None}))
    assert kinds(doc) == {"a.x": "invented", "a.y": "omitted"}


def test_cells_missing_from_the_result_count_as_null_and_foreign_ids_are_reported():
    doc = score(case(), result({"p3.new_received.total": 5, "p3.other.total": 7}))
    assert kinds(doc)["p4.suit_direct.total"] == "omitted"
    assert kinds(doc)["p3.outcome_total.total"] == "correct"
    assert doc.extra_values == ["p3.other.total"]


def test_ambiguous_cells_leave_accuracy_but_a_confident_wrong_one_is_a_silent_error():
    amb = frozenset({"p4.review.total", "p4.suit_direct.total"})
    ours = {**GOLD, "p4.review.total": 0, "p4.suit_direct.total": 2}
    doc = score(case(ambiguous=amb), result(ours, confidence=0.95))
    c = counts(doc.outcomes)
    assert c["scored"] == 4 and c["ambiguous"] == 2 and c["accuracy"] == 1.0
    assert c["ambiguous_wrong"] == 1 and c["silent_errors"] == 1
    assert counts(score(case(ambiguous=amb), result(ours, confidence=0.6)).outcomes)["silent_errors"] == 0
    assert counts(score(case(ambiguous=amb), result(ours, status="flagged")).outcomes)["silent_errors"] == 0


def test_failed_extraction_scores_every_value_as_omitted():
    [doc] = run([case(source=b"")], Settings(backend="rules"))
    assert doc.error.startswith("EmptyDocument")
    assert counts(doc.outcomes)["omitted"] == 4 and counts(doc.outcomes)["invented"] == 0
    assert not doc.meta_ok("template")


def test_metadata_compares_issuers_after_normalising():
    doc = score(case(), result(GOLD, meta=Meta(issuer="淮安市人民政府 ", year=2023, template="2021")))
    assert doc.meta_ok("issuer") and doc.meta_ok("template") and not doc.meta_ok("year")


def F(rule, cells=(), severity="error"):
    return Finding(rule=rule, cells=list(cells), severity=severity)


def test_findings_match_by_rule_and_by_cell_overlap_when_gold_names_cells():
    gold = ({"rule": "H4", "cells": ["p4.review.total", "p4.review.upheld"]}, {"rule": "N5", "cells": []},
            {"rule": "STRUCTURE", "cells": ["p4.review.total"]})
    ours = [F("H4", ["p4.review.upheld"]), F("H4", ["p4.suit_direct.total"]), F("N5", ["x"], "warning"),
            F("STRUCTURE"), F("S9", severity="info")]
    s = score_findings(gold, ours, None)
    assert (s.expected, s.recalled) == (3, 2) and s.missed == ["STRUCTURE"]
    assert (s.reported, s.confirmed) == (4, 2)  # info is not a claim; the cell-less STRUCTURE proves nothing
    assert sorted(s.unexpected) == ["H4", "STRUCTURE"]
    only_hard = score_findings(gold, ours, HARD_RULES)
    assert (only_hard.reported, only_hard.confirmed) == (2, 1)


def test_calibration_bands_and_risk_coverage():
    gold = {f"c.{i}": 1 for i in range(10)}
    ours = dict(gold)
    ours["c.0"] = 2  # the only wrong value, with the lowest confidence
    res = result(ours)
    for i, cid in enumerate(gold):
        res.cells[cid].confidence = 0.3 if i == 0 else 0.99
    doc = score(case(cells=gold), res)
    b = {x["band"]: x for x in bands(doc.outcomes)}
    assert b["[0, 0.5)"]["cells"] == 1 and b["[0, 0.5)"]["accuracy"] == 0.0
    assert b["[0.97, 1]"]["cells"] == 9 and b["[0.97, 1]"]["accuracy"] == 1.0
    rc = {x["review_fraction"]: x for x in risk_coverage(doc.outcomes)}
    assert rc[0.0]["error_rate"] == 0.1 and rc[0.1]["reviewed"] == 1 and rc[0.1]["error_rate"] == 0.0


def _report(docs, detail=True):
    return build_report(docs, backend="rules", source="test", detail=detail, started=0.0, nianbao="t")


def test_report_baseline_diff_and_gates():
    good = _report([score(case(), result(GOLD))])
    worse_result = result({**GOLD, "p4.review.total": 0, "p3.new_received.total": 6})
    worse = _report([score(case(), worse_result)])
    assert good["overall"]["accuracy"] == 1.0 and worse["overall"]["invented"] == 1
    base = baseline_view(good)
    assert "run" not in base and all("seconds" not in d for d in base["documents"])
    diff = compare(worse, base)
    verdicts = {d["metric"]: d["verdict"] for d in diff["deltas"]}
    assert verdicts["overall.accuracy"] == "worse" and verdicts["overall.invented"] == "worse"
    assert verdicts["template.accuracy"] == "same"
    [reg] = diff["regressions"]
    assert reg["document"] == "doc" and set(reg["newly_wrong"]) == {"p4.review.total", "p3.new_received.total"}
    assert compare(good, baseline_view(worse))["improvements"]
    assert gate(worse, base, Gates(under_baseline=True)) == [
        "cell accuracy 66.67% fell below the baseline 100.00%", "invented cells rose from 0 to 1",
        "silent errors rose from 0 to 2"]
    assert gate(worse, base, Gates(min_accuracy=0.5)) == []
    assert gate(worse, base, Gates(min_accuracy=0.7)) != []
    assert gate(good, base, Gates(min_accuracy=1.0, under_baseline=True)) == []


def test_groups_split_by_tag_values():
    a = score(case(name="a", tags={"layout": "tabs", "feature": ("noise", "blanks")}), result(GOLD))
    b = score(case(name="b", tags={"layout": "pdf", "feature": ("noise",)}), result({}))
    groups = _report([a, b], detail=False)["groups"]
    assert groups["layout"]["tabs"]["accuracy"] == 1.0 and groups["layout"]["pdf"]["correct"] == 2
    assert groups["feature"]["noise"]["documents"] == 2 and groups["feature"]["blanks"]["documents"] == 1


def test_usage_totals_and_per_document_means():
    docs = [score(case(name=n), result(GOLD, usage=Usage(llm_calls=k, prompt_tokens=100 * k, completion_tokens=10)))
            for n, k in (("a", 2), ("b", 4))]
    usage = _report(docs)["usage"]
    assert usage["llm_calls"] == 6 and usage["per_document"]["llm_calls"] == 3.0
    assert usage["per_document"]["tokens"] == 310.0


@pytest.mark.parametrize("value", [None, 0])
def test_missing_is_never_zero_in_the_scorer(value):
    """A gold null is never satisfied by 0, and a gold 0 never by null."""
    other = 0 if value is None else None
    doc = score(case(cells={"x.y": value}), result({"x.y": other}))
    assert counts(doc.outcomes)["correct"] == 0
