"""The policy: flags and confidence (values never change), re-validation, --strict."""
from __future__ import annotations

from evals.bench_validator import cells_result
from extractor.cli.main import main
from extractor.readers import Reading
from extractor.validate import apply, check, is_fatal, settle, validate
from extractor.validate.policy import CEILING
from schemas import Finding
from tests.conftest import fixture_file
from tests.validate_kit import busy

HONGZE_T4 = {"p4.review.upheld": 10, "p4.review.corrected": 1, "p4.review.other": 0, "p4.review.pending": 0,
             "p4.review.total": 0}


def test_cells_in_a_broken_rule_are_flagged_and_keep_their_value():
    result = cells_result({**busy("2021"), **HONGZE_T4}, "2021")
    checked = check(result)
    for cid, v in HONGZE_T4.items():
        cell = checked.cells[cid]
        assert cell.status == "flagged" and cell.value == v
        assert "校验：H4" in cell.note
    assert checked.cells["p4.review.total"].confidence <= 0.2  # the culprit
    assert checked.cells["p4.review.upheld"].confidence <= 0.7


def test_cells_confirmed_by_holding_rules_gain_bounded_confidence():
    result = cells_result(busy("2019"), "2019")
    before = result.cells["p3.new_received.natural_person"].confidence
    checked = check(result)
    after = checked.cells["p3.new_received.natural_person"].confidence
    assert before < after <= CEILING
    assert checked.cells["p3.new_received.natural_person"].status == "ok"
    again = check(checked)
    assert all(c.confidence <= CEILING for c in again.cells.values())
    assert all(again.cells[k].value == result.cells[k].value for k in result.cells)


def test_missing_and_reviewed_cells_keep_their_status():
    values = {**busy("2021"), **HONGZE_T4}
    result = cells_result(values, "2021")
    result.cells["p4.review.total"] = result.cells["p4.review.total"].model_copy(update={"status": "corrected"})
    result.cells["p4.suit_direct.total"] = result.cells["p4.suit_direct.total"].model_copy(
        update={"status": "missing", "value": None})
    checked = check(result)
    assert checked.cells["p4.review.total"].status == "corrected"
    assert checked.cells["p4.suit_direct.total"].status == "missing"


def test_revalidation_replaces_the_validators_findings_and_keeps_the_readers():
    result = cells_result({**busy("2021"), **HONGZE_T4}, "2021")
    reader = Finding(rule="H6", check="p4.shape", severity="warning", message="表四 14 个数")
    result = result.model_copy(update={"findings": [reader]})
    once = check(result)
    twice = check(once)
    assert [f.model_dump() for f in twice.findings] == [f.model_dump() for f in once.findings]
    assert reader in twice.findings


def test_apply_never_raises_on_findings_about_unknown_cells():
    result = cells_result(busy("2019"), "2019")
    stray = Finding(rule="H1", severity="error", cells=["p9.nowhere"], message="?")
    assert apply(result, [stray]).findings[-1] == stray


def test_is_fatal_only_under_strict_and_only_for_errors():
    warning = Finding(rule="N5", severity="warning", message="")
    error = Finding(rule="H4", severity="error", message="")
    assert not is_fatal([warning, error], strict=False)
    assert not is_fatal([warning], strict=True)
    assert is_fatal([warning, error], strict=True)


def test_validate_lists_only_own_check_slugs():
    from extractor.validate import OWN_CHECKS

    result = cells_result({**busy("2021"), **HONGZE_T4, "p2.penalty.decisions": -1}, "2021", issuer="某某镇人民政府")
    assert {f.check for f in validate(result)} <= OWN_CHECKS


def test_cli_strict_exits_3_on_error_findings(monkeypatch, capsys):
    cells = cells_result({**busy("2021"), **HONGZE_T4}, "2021").cells
    monkeypatch.setattr("extractor.api.read_cells", lambda doc, parts, template, settings: Reading(dict(cells)))
    path = str(fixture_file("004_a0c7fabfdf456585"))
    assert main(["extract", path]) == 0
    assert main(["extract", path, "--strict"]) == 3
    out = capsys.readouterr().out
    assert "H4" in out


def test_a_flagged_cell_keeps_the_readers_doubt_when_its_rules_hold():
    result = cells_result(busy("2019"), "2019")
    cid = "p3.carried_over.research"
    result.cells[cid] = result.cells[cid].model_copy(update={"status": "flagged", "confidence": 0.4,
                                                             "note": "该行只有 6 个数值"})
    checked = check(result)
    assert (checked.cells[cid].status, checked.cells[cid].confidence) == ("flagged", 0.4)


def test_settle_changes_its_own_result_as_apply_would_copy_it():
    # Broken 表四 (flags, a culprit) beside holding 表三 (raised confidence): both kinds of change.
    result = cells_result({**busy("2021"), **HONGZE_T4}, "2021")
    before = result.model_dump()
    findings = validate(result)
    copied = apply(result, findings)
    assert result.model_dump() == before  # apply leaves its input as it was
    settled = settle(result, findings)
    assert settled is result and settled.model_dump() == copied.model_dump()
    assert settled.model_dump() != before
