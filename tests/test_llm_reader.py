"""The LLM reader with the fake backend: mapping, grounding, cache, budget, failures."""
import pytest

from extractor import extract_document
from extractor.errors import EndpointError, ModelOutputError
from extractor.parts import split_parts
from extractor.readers.hybrid import read_llm
from extractor.readers.llm import FakeBackend, openai_compat, read
from extractor.readers.llm.grounding import ground
from extractor.settings import LLMSettings, Settings
from schemas.llm import P3Answer2019, P3Answer2021, P4Answer
from tests.llm_support import document, gold, gold_answer, gold_reading

S003 = "003_589bf4f08d70f012"
S000 = "000_964c95048e543ea8"
S004 = "004_a0c7fabfdf456585"


def settings(tmp_path=None, **kw) -> LLMSettings:
    return LLMSettings(model="fake-model", base_url="http://fake/v1", cache_dir=tmp_path, **kw)


def perfect(name, template):
    return FakeBackend({p: gold_answer(name, p, template) for p in ("p2", "p3", "p4")})


def test_a_perfect_answer_is_ok_where_the_text_is_clear_and_flagged_where_it_is_not():
    doc, parts = document(S003)
    reading = read(doc, parts, "2019", settings(), backend=perfect(S003, "2019"))
    g = gold(S003)
    assert {cid: c.value for cid, c in reading.cells.items() if c.value is not None} == \
        {cid: v for cid, v in g["cells"].items() if v is not None}
    flagged = {cid for cid, c in reading.cells.items() if c.status == "flagged"}
    # 表三 rows printed with 6 values for 7 columns: the gold marks exactly these ambiguous
    assert flagged and flagged <= set(g["ambiguous"])
    ok = [c for c in reading.cells.values() if c.status == "ok"]
    assert all(c.reader == "llm" and c.span and doc.text[c.span[0]:c.span[1]] == c.raw for c in ok)
    assert reading.prompts == {"p2": "p2_2019.v1", "p3": "p3.v1", "p4": "p4.v1"}
    assert reading.usage.llm_calls == 3 and reading.usage.tokens == 360


def test_only_the_parts_text_is_sent():
    doc, parts = document(S003)
    fake = perfect(S003, "2019")
    read(doc, parts, "2019", settings(), backend=fake)
    p3 = fake.requests[1]["messages"][1]["content"]
    assert "本年新收" in p3 and "行政复议" not in p3 and "主动公开" not in p3.split("<原文>")[1]
    p4 = fake.requests[2]["messages"][1]["content"]
    assert "(空)" in p4, "blank cells are made visible to the model"
    assert fake.requests[2]["context"] == {"numbers_in_text": 10, "rows_absent": []}


def test_values_for_rows_that_are_not_in_the_text_are_re_asked_then_dropped():
    doc, parts = document(S000)  # 表三 truncated after 6 rows, part 四 missing
    zeros = {k: [0] * 7 for k in P3Answer2019.model_fields}  # what small models do
    honest = gold_answer(S000, "p3", "2019")
    fake = FakeBackend({"p2": gold_answer(S000, "p2", "2019"), "p3": [zeros, honest]})
    reading = read(doc, parts, "2019", settings(), backend=fake)
    assert [r["part"] for r in fake.requests] == ["p2", "p3", "p3"], "no request for a part that is not there"
    assert "「（七）总计」" in fake.requests[2]["messages"][-1]["content"], "the re-ask names the invented rows"
    assert reading.usage.llm_calls == 3 and reading.usage.failed_attempts == 1 and reading.usage.tokens == 360
    assert reading.cells["p3.outcome_total.total"].status == "missing"
    assert reading.cells["p3.new_received.total"].status == "ok"

    # a model that does not correct itself: its answer is kept, but only what the text holds
    stubborn = read(doc, parts, "2019", settings(), backend=FakeBackend({"p2": gold_answer(S000, "p2", "2019"),
                                                                         "p3": [zeros, zeros]}))
    assert stubborn.failed == {} and stubborn.usage.failed_attempts == 2
    assert stubborn.cells["p3.outcome_total.total"].status == "missing"
    assert stubborn.cells["p3.outcome_total.total"].readings == {"llm": 0}
    assert stubborn.cells["p3.new_received.total"].status == "ok"
    assert {"llm.uncorrected", "llm.invented"} <= {f.check for f in stubborn.findings}


def test_a_cached_uncorrected_answer_keeps_its_finding(tmp_path):
    doc, parts = document(S000)
    zeros = {k: [0] * 7 for k in P3Answer2019.model_fields}
    read(doc, parts, "2019", settings(tmp_path), backend=FakeBackend({"p3": [zeros, zeros]}), only=("p3",))
    again = read(doc, parts, "2019", settings(tmp_path), backend=FakeBackend({}), only=("p3",))
    assert again.usage.cache_hits == 1 and again.usage.llm_calls == 0 and again.usage.cached_tokens == 240
    assert "llm.uncorrected" in {f.check for f in again.findings}
    assert again.cells["p3.outcome_total.total"].status == "missing"


def test_grounding_drops_values_for_rows_that_are_not_in_the_text():
    doc, parts = document(S000)
    answer = P3Answer2019.model_validate({k: [0] * 7 for k in P3Answer2019.model_fields})  # no context
    cells = ground(doc.text, (parts["p3"].start, parts["p3"].end), answer)
    truncated = [cid for cid, v in gold(S000)["cells"].items() if cid.startswith("p3.") and v is None]
    assert len(truncated) == 17 * 7
    for cid in truncated:
        assert cells[cid].value is None and cells[cid].status == "missing" and cells[cid].readings == {"llm": 0}
    assert all(cells[cid].status == "ok" for cid in cells if cid not in truncated)


def test_an_invented_number_in_a_present_row_is_flagged_never_ok():
    doc, parts = document(S003)
    answer = gold_answer(S003, "p3", "2019", new_received=[7, 0, 0, 0, 0, 0, 7])
    fake = FakeBackend({"p2": gold_answer(S003, "p2", "2019"), "p3": answer, "p4": gold_answer(S003, "p4", "2019")})
    reading = read(doc, parts, "2019", settings(), backend=fake)
    cell = reading.cells["p3.new_received.natural_person"]
    assert cell.value == 7 and cell.status == "flagged" and cell.span is None
    assert reading.cells["p3.new_received.commercial"].status == "ok"
    assert any(f.check == "llm.ungrounded" and "p3.new_received.total" in f.cells for f in reading.findings)


def test_a_zero_for_a_blank_cell_is_dropped_as_invented():
    doc, parts = document(S003)  # 表四's 行政复议 block is blank
    fake = FakeBackend({"p4": {"values": [0] * 10 + [None] * 5}})  # ten zeros, shifted left
    reading = read(doc, parts, "2019", settings(), backend=fake, only=("p4",))
    blank = reading.cells["p4.review.upheld"]
    assert blank.value is None and blank.status == "missing" and blank.readings == {"llm": 0}
    assert "空白" in blank.note
    assert reading.cells["p4.suit_direct.upheld"].status == "ok"
    assert reading.cells["p4.suit_after_review.upheld"].status == "missing"


def test_values_for_an_empty_template_are_dropped():
    doc, parts = document("template_docx")  # every row present, no number anywhere
    answer = gold_answer("template_docx", "p2", "2021", regulations=[1, 0, 2], fees=3.58)
    reading = read(doc, parts, "2021", settings(), backend=FakeBackend({"p2": answer}), only=("p2",))
    assert all(c.value is None and c.status == "missing" for c in reading.cells.values())
    assert reading.cells["p2.regulations.in_force"].readings == {"llm": 2}


def test_the_p4_row_lost_under_part_three_is_found(tmp_path):
    doc, parts = document(S004)  # 表四's heading is missing; its 15 zeros sit under 表三
    fake = perfect(S004, "2021")
    reading = read(doc, parts, "2021", settings(), backend=fake)
    assert all(reading.cells[f"p4.{b}.total"].value == 0 for b in ("review", "suit_direct", "suit_after_review"))
    assert all(c.status == "ok" for cid, c in reading.cells.items() if cid.startswith("p4."))
    assert "0\t0\t0" in fake.requests[2]["messages"][1]["content"]


def test_a_rerun_is_answered_from_the_cache_with_no_request(tmp_path):
    doc, parts = document(S003)
    first = perfect(S003, "2019")
    read(doc, parts, "2019", settings(tmp_path), backend=first)
    again = FakeBackend({})  # any request would raise KeyError
    reading = read(doc, parts, "2019", settings(tmp_path), backend=again)
    assert again.requests == []
    assert reading.usage.cache_hits == 3 and reading.usage.tokens == 0 and reading.usage.cached_tokens == 360
    assert reading.cells["p2.procurement.amount"].value == 668.7004


def test_the_cache_key_changes_with_the_model(tmp_path):
    doc, parts = document(S003)
    read(doc, parts, "2019", settings(tmp_path), backend=perfect(S003, "2019"))
    other = perfect(S003, "2019")
    read(doc, parts, "2019", settings(tmp_path).model_copy(update={"model": "other"}), backend=other)
    assert len(other.requests) == 3


def test_offline_without_a_cached_answer_asks_nobody(tmp_path):
    doc, parts = document(S003)
    fake = FakeBackend({})
    reading = read(doc, parts, "2019", settings(tmp_path, offline=True), backend=fake)
    assert fake.requests == [] and set(reading.failed) == {"p2", "p3", "p4"}


def test_the_token_budget_stops_requests_and_the_rules_reading_takes_over():
    doc, parts = document(S003)
    fake = perfect(S003, "2019")
    s = Settings(backend="llm", llm=settings(token_budget=100))
    rules = gold_reading(S003)
    reading = read_llm(doc, parts, "2019", s, rules, backend=fake)
    assert [r["part"] for r in fake.requests] == ["p2"]  # 120 tokens spent: over the budget
    assert reading.usage.tokens == 120
    assert reading.cells["p3.new_received.total"].value == 0
    assert reading.cells["p3.new_received.total"].status == "flagged"
    assert sum(f.check == "llm.failed" and "预算" in f.message for f in reading.findings) == 2


def test_an_endpoint_failure_fails_the_document_without_asking_further():
    doc, parts = document(S003)
    fake = FakeBackend({"p2": gold_answer(S003, "p2", "2019"), "p3": EndpointError("p3: HTTP 500"),
                        "p4": gold_answer(S003, "p4", "2019")})
    with pytest.raises(EndpointError, match="HTTP 500"):
        read_llm(doc, parts, "2019", Settings(backend="llm", llm=settings()), gold_reading(S003), backend=fake)
    assert [r["part"] for r in fake.requests] == ["p2", "p3"]


@pytest.mark.parametrize("error", [ModelOutputError("p3: invalid")])
def test_a_part_the_model_fails_falls_back_to_the_rules_reading_flagged(error):
    doc, parts = document(S003)
    fake = FakeBackend({"p2": gold_answer(S003, "p2", "2019"), "p3": error, "p4": gold_answer(S003, "p4", "2019")})
    rules = gold_reading(S003)
    reading = read_llm(doc, parts, "2019", Settings(backend="llm", llm=settings()), rules, backend=fake)
    p3 = {cid: c for cid, c in reading.cells.items() if cid.startswith("p3.")}
    assert all(c.status == "flagged" and c.reader == "rules" for c in p3.values() if c.value is not None)
    assert reading.cells["p2.procurement.projects"].reader == "hybrid", "both readers agree"
    assert reading.usage.failed_attempts == 1 and reading.usage.llm_calls == 3
    assert any(f.check == "llm.failed" and str(error) in f.message for f in reading.findings)


def test_invalid_output_from_the_fake_is_validated_like_a_real_answer():
    doc, parts = document(S003)
    fake = FakeBackend({"p4": {"values": [0] * 15}})  # 15 values, the text has 10 numbers…
    fake.answers["p4"] = {"values": [0] * 14}  # …and a row of the wrong width is invalid
    reading = read(doc, parts, "2019", settings(), backend=fake, only=("p4",))
    assert "p4" in reading.failed and "invalid" in reading.failed["p4"]


def test_the_public_api_records_model_prompts_and_usage(monkeypatch):
    doc, _ = document(S003)
    monkeypatch.setattr(openai_compat, "OpenAICompatible", lambda s: perfect(S003, "2019"))
    result = extract_document(doc, Settings(backend="llm", llm=settings()))
    assert result.provenance.backend == "llm" and result.provenance.model == "fake-model"
    assert result.provenance.prompts["p3"] == "p3.v1"
    assert result.provenance.usage.llm_calls == 3
    assert result.cells["p2.procurement.amount"].value == 668.7004


def test_real_requests_are_blocked_in_tests():
    backend = openai_compat.OpenAICompatible(settings())
    with pytest.raises(EndpointError, match="blocked"):
        backend.complete("p4", [{"role": "user", "content": "x"}], P3Answer2019, max_tokens=5)


def test_the_llm_backends_without_an_endpoint_are_a_config_error(capsys):
    from extractor.cli.main import main
    from tests.conftest import fixture_file
    assert main(["extract", str(fixture_file(S004)), "--backend", "hybrid"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "OPENAI_BASE_URL" in err[0]


def test_auto_is_rules_without_an_endpoint_and_hybrid_with_one(monkeypatch):
    assert Settings().resolved_backend() == "rules"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("NIANBAO_MODEL", "m")
    assert Settings().resolved_backend() == "hybrid"


def test_grounding_a_pdf_layout_with_numbers_beside_wrapped_labels():
    doc, parts = document("hongze-2024")  # numbers sit on the line above some labels
    answer = P3Answer2021.model_validate(gold_answer("hongze-2024", "p3", "2021"))
    cells = ground(doc.text, (parts["p3"].start, parts["p3"].end), answer)
    present = [cid for cid, v in gold("hongze-2024")["cells"].items() if cid.startswith("p3.") and v is not None]
    assert all(cells[cid].status == "ok" for cid in present)
    assert cells["p3.withheld.state_secret.total"].span is not None


@pytest.mark.parametrize(("line", "placed"), [
    ("全年共办理行政许可26768件、行政处罚538件、行政强制95件，均已公开。", False),  # figures quoted in prose
    ("本年度内单位行政处罚处理决定数量39件，不存在其他情况。", False),
    ("行政许可 | 26768 |\n行政处罚 | 538 |\n行政强制 | 95 |", True),  # the same figures as table rows
    ("行政许可\t26768\n行政处罚\t538\n行政强制\t95", True),
])
def test_a_figure_quoted_in_a_sentence_is_no_table_cell(line, placed):
    from extractor.load import load_text
    from schemas.llm import P2Answer2021
    doc = load_text(f"二、主动公开政府信息情况\n{line}\n")
    answer = P2Answer2021.model_validate({"regulations": [None] * 3, "normative_documents": [None] * 3,
                                          "licensing": 26768, "penalty": 538, "coercion": 95, "fees": None})
    cells = ground(doc.text, (0, len(doc.text)), answer)
    cell = cells["p2.penalty.decisions"]
    assert cell.value == 538 and (cell.status == "ok") is placed


def test_output_that_stays_unusable_is_cached_so_a_replay_fails_the_same_way(tmp_path):
    doc, parts = document(S000)
    negative = {k: [-1] * 7 for k in P3Answer2019.model_fields}  # refused on every attempt, nothing to keep
    first = read(doc, parts, "2019", settings(tmp_path), backend=FakeBackend({"p3": [negative, negative]}),
                 only=("p3",))
    assert "p3" in first.failed and "不能为负数" in first.failed["p3"]
    again = read(doc, parts, "2019", settings(tmp_path).model_copy(update={"offline": True}),
                 backend=FakeBackend({}), only=("p3",))
    assert again.failed == first.failed and again.usage.cache_hits == 1 and again.usage.cache_misses == 0


def test_the_table4_row_found_under_a_sentence_is_still_grounded():
    from extractor.load import load_text
    from extractor.readers.llm.tasks import task_for
    row = [0] * 14 + [1]
    doc = load_text("某局2022年政府信息公开工作年度报告\n\n全年依法办理各类事项，工作正常。\n行政复议 行政诉讼\n"
                    + "\t".join(map(str, row)) + "\n")
    span = task_for("p4", "2021").span(doc.text, split_parts(doc.text))
    cells = ground(doc.text, span, P4Answer.model_validate({"values": row}))
    assert [c.value for c in cells.values()] == row and all(c.status == "ok" for c in cells.values())
