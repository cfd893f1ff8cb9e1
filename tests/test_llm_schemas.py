"""The LLM answer models: compact shapes that map to exactly the public cell ids."""
import json

import pytest
from pydantic import ValidationError

from schemas import cell_ids
from schemas.llm import ANSWER_MODELS, P2Answer2019, P3Answer2019, P4Answer, answer_cells


@pytest.mark.parametrize("part,template", sorted(ANSWER_MODELS))
def test_each_answer_maps_to_exactly_its_parts_cell_ids(part, template):
    model = ANSWER_MODELS[(part, template)]
    cells = answer_cells(model.empty())
    assert sorted(cells) == sorted(cid for cid in cell_ids(template) if cid.startswith(part + "."))
    assert all(v is None for v in cells.values()), "an empty answer is all null, never 0"


@pytest.mark.parametrize("part,template", sorted(ANSWER_MODELS))
def test_the_schema_tells_the_model_null_never_zero_and_carries_chinese_labels(part, template):
    schema = ANSWER_MODELS[(part, template)].model_json_schema()
    assert "null" in schema["description"] and "绝不能填 0" in schema["description"]
    labels = [p["description"] for p in schema["properties"].values()]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels)
    assert all("title" not in p for p in schema["properties"].values()), "titles cost tokens on every request"


def test_p2_rows_must_be_given_p3_rows_may_be_null():
    # a small model tends to answer a whole 表二 row with null; 表三 rows are often truncated
    assert not P2Answer2019.nullable("regulations") and P3Answer2019.nullable("new_received")
    with pytest.raises(ValidationError):
        P2Answer2019.model_validate({**P2Answer2019.empty().model_dump(), "regulations": None})


def test_p3_row_numbers_are_named_as_not_values():
    assert "行号" in P3Answer2019.model_json_schema()["description"]


def test_a_row_must_have_its_table_width():
    with pytest.raises(ValidationError, match="at least 7"):
        P3Answer2019.model_validate({**P3Answer2019.empty().model_dump(), "new_received": [0] * 6})


def test_counts_cannot_be_negative_but_the_yearly_change_can():
    base = P2Answer2019.empty().model_dump()
    ok = P2Answer2019.model_validate({**base, "licensing": [5, -2, 3]})
    assert answer_cells(ok)["p2.licensing.items_change"] == -2
    with pytest.raises(ValidationError, match="负数"):
        P2Answer2019.model_validate({**base, "licensing": [-5, 1, 3]})


def test_procurement_in_yuan_becomes_wanyuan():
    base = P2Answer2019.empty().model_dump()
    answer = P2Answer2019.model_validate({**base, "procurement": [1, 251000], "procurement_unit": "元"})
    assert answer_cells(answer)["p2.procurement.amount"] == pytest.approx(25.1)
    answer = P2Answer2019.model_validate({**base, "procurement": [1, 308.7], "procurement_unit": "万元"})
    assert answer_cells(answer)["p2.procurement.amount"] == 308.7


def test_p4_rejects_more_values_than_the_text_holds_when_told():
    fifteen = {"values": [0] * 15}
    P4Answer.model_validate(fifteen)  # no context: nothing to compare with
    with pytest.raises(ValidationError, match="只有 10 个数字"):
        P4Answer.model_validate(fifteen, context={"numbers_in_text": 10})
    P4Answer.model_validate({"values": [None] * 5 + [0] * 10}, context={"numbers_in_text": 10})


def test_answers_round_trip_through_json():
    model = ANSWER_MODELS[("p3", "2021")]
    answer = model.model_validate({k: [1, 0, 0, 0, 0, None, 1] for k in model.model_fields})
    again = model.model_validate(json.loads(answer.model_dump_json()))
    assert answer_cells(again) == answer_cells(answer)
