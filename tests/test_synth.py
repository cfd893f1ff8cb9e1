"""The synthetic report generator: its truth is consistent, exact, and matches its text."""
import re
from collections import Counter
from decimal import Decimal

import pytest

from evals.synth import FEATURES, LAYOUTS, generate, hard_breaks
from extractor.load import load
from schemas import cell_ids

_TOKEN = re.compile(r"(?<![^\s|])([+-]?\d+(?:\.\d+)?)(?: ?(万元|元))?(?![^\s|])")


@pytest.fixture(scope="module")
def docs():
    return list(generate(600, seed=7))


def _codes(cells, template):
    return sorted({b.rule for b in hard_breaks(cells, template)})


def test_oracle_sees_each_hard_rule_break():
    cells = dict(next(generate(1, seed=3, templates=["2021"], features=())).cells)
    assert _codes(cells, "2021") == []
    for cid, rules in [("p3.new_received.commercial", ["H1", "H3"]), ("p3.disclosed.total", ["H2", "H3"]),
                       ("p3.carried_forward.total", ["H1", "H3"]), ("p4.review.pending", ["H4"])]:
        assert _codes({**cells, cid: cells[cid] + 1}, "2021") == rules, cid
    cells["p3.outcome_total.total"] = None  # an unreadable cell makes its rules uncheckable, not broken
    assert _codes({**cells, "p3.disclosed.total": cells["p3.disclosed.total"] + 1}, "2021") == ["H3"]


def test_truth_has_every_id_and_keeps_the_hard_rules(docs):
    for doc in docs:
        assert list(doc.cells) == list(cell_ids(doc.template))
        assert set(doc.ambiguous) <= set(doc.cells)
        assert doc.injected is None
        assert hard_breaks(doc.cells, doc.template) == [], doc.name


def test_documents_vary_over_layouts_templates_features_and_scale(docs):
    assert {(d.layout, d.template) for d in docs} == {(lay, t) for lay in LAYOUTS for t in ("2019", "2021")}
    features = Counter(f for d in docs for f in d.features)
    assert set(FEATURES) <= set(features)
    assert Counter(d.profile for d in docs).keys() == {"zero", "small", "large"}
    assert max(v for d in docs for v in d.cells.values() if v is not None) > 10_000
    assert len({d.text for d in docs}) == len(docs)
    nulls = sum(v is None for d in docs for v in d.cells.values())
    assert nulls > 0 and sum(bool(d.ambiguous) for d in docs) > 50


def test_generation_is_reproducible_per_document():
    a = [d.text for d in generate(5, seed=11)]
    assert a == [d.text for d in generate(5, seed=11)]
    assert a[:3] == [d.text for d in generate(3, seed=11)]
    assert a != [d.text for d in generate(5, seed=12)]


def test_injection_breaks_exactly_the_recorded_rules():
    injected = 0
    for doc in generate(300, seed=5, inject_error=True):
        if doc.injected is None:
            continue
        injected += 1
        inj = doc.injected
        assert inj["cell"].startswith(("p3.", "p4.")) and inj["cell"] not in doc.ambiguous
        assert doc.cells[inj["cell"]] == inj["new"] != inj["old"] and inj["new"] >= 0
        assert _codes(doc.cells, doc.template) == inj["rules"] and inj["rules"]
        assert _codes({**doc.cells, inj["cell"]: inj["old"]}, doc.template) == []
    assert injected >= 280


def _printed_values(doc) -> list:
    text = load(doc.data).text
    start = text.index("二、主动公开政府信息情况")
    end = text.find("五、存在的主要问题及改进情况")
    out = []
    for number, unit in _TOKEN.findall(text[start:end if end > 0 else None]):
        value = Decimal(number) / (10000 if unit == "元" else 1)
        out.append(float(value) if unit or "." in number else int(value))
    return out


@pytest.mark.parametrize("layout", [x for x in LAYOUTS if x != "glued"])
@pytest.mark.parametrize("features", [(), ("blanks",), ("truncated",)])
def test_text_prints_exactly_the_truth(layout, features):
    """Every non-null truth value is printed, in table order, and nothing else looks like a value."""
    for doc in generate(20, seed=2, layouts=[layout], features=features):
        expected = [v for v in doc.cells.values() if v is not None]
        assert _printed_values(doc) == expected, doc.name


def test_glued_layout_prints_each_row_as_one_digit_string():
    for doc in generate(20, seed=2, layouts=["glued"], features=()):
        rows: dict[str, list] = {}
        for cid, value in doc.cells.items():
            if cid.startswith(("p3.", "p4.")):
                rows.setdefault(cid.rsplit(".", 1)[0] if cid.startswith("p3.") else "p4", []).append(value)
        for row, values in rows.items():
            assert "".join(map(str, values)) in doc.text, (doc.name, row)


def test_short_rows_drop_one_zero_per_row_and_mark_the_row_ambiguous():
    for doc in generate(30, seed=4, features=("short_rows",), layouts=[x for x in LAYOUTS if x != "glued"]):
        rows = {a.rsplit(".", 1)[0] if a.startswith("p3.") else "p4" for a in doc.ambiguous}
        assert all(doc.cells[a] == 0 for a in doc.ambiguous)
        assert len(_printed_values(doc)) == sum(v is not None for v in doc.cells.values()) - len(rows)


def test_truncation_nulls_everything_after_the_cut():
    for doc in generate(40, seed=6, features=("truncated",)):
        values = list(doc.cells.values())
        first_null = values.index(None)
        assert first_null > 0 and all(v is None for v in values[first_null:])


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError):
        next(generate(1, layouts=["fax"]))
