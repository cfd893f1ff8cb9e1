"""Cross-year checks S2 and S3 on the hand-labelled Hongze 2023/2024 pair, and issuer pairing."""
from __future__ import annotations

import json

from evals.bench_validator import cells_result
from extractor.batch.crossyear import chain_findings, pairs
from schemas import Result
from tests.conftest import FIXTURES


def gold_result(name: str, **changes) -> Result:
    gold = json.loads((FIXTURES / name / "gold.json").read_text(encoding="utf-8"))
    meta = gold["meta"]
    return cells_result({**gold["cells"], **changes}, meta["template"], issuer=meta["issuer"], year=meta["year"])


def test_hongze_chain_holds_on_gold_values():
    # 2024: 行政规范性文件 现行有效 8 = 5 (2023) + 3 制发 − 0 废止; 上年结转 0 = 结转下年度 0.
    assert chain_findings(gold_result("hongze-2024"), gold_result("hongze-2023")) == []


def test_s2_broken_per_column():
    findings = chain_findings(gold_result("hongze-2024", **{"p3.carried_over.commercial": 2}),
                              gold_result("hongze-2023"))
    (f,) = findings
    assert (f.rule, f.severity, f.cells) == ("S2", "warning", ["p3.carried_over.commercial"])
    assert (f.expected, f.actual) == (0, 2)
    assert "商业企业" in f.message and "2023" in f.message


def test_s3_broken_and_blocked():
    findings = chain_findings(gold_result("hongze-2024", **{"p2.normative_documents.issued": 4,
                                                            "p2.regulations.repealed": None}),
                              gold_result("hongze-2023"))
    (f,) = findings  # the broken equation; the blocked one (规章) is not reported as blocked beside it
    assert (f.rule, f.expected, f.actual) == ("S3", 9, 8)
    assert f.cells == ["p2.normative_documents.in_force", "p2.normative_documents.issued",
                       "p2.normative_documents.repealed"]


def test_missing_cells_make_the_rule_not_checkable_never_zero():
    findings = chain_findings(gold_result("hongze-2024"),
                              gold_result("hongze-2023", **{"p3.carried_forward.total": None}))
    (f,) = findings
    assert (f.rule, f.severity, f.blocked_by) == ("S2", "info", ["p3.carried_forward.total"])


def test_s3_only_between_2021_format_reports():
    previous = gold_result("hongze-2023")
    previous.meta.template = "2019"
    assert [f.rule for f in chain_findings(gold_result("hongze-2024"), previous)] == []


def test_pairs_consecutive_years_of_one_issuer():
    docs = [("a", "洪泽区人民政府", 2023), ("b", "淮安市洪泽区人民政府", 2024), ("c", "淮安市洪泽区人民政府", 2022),
            ("d", "淮安市人民政府", 2023), ("e", "淮安市市场监督管理局", 2024), ("f", "市场监督管理局", 2023),
            ("g", "朝阳区人民政府", 2020), ("h", "北京市朝阳区人民政府", 2021), ("i", "长春市朝阳区人民政府", 2021),
            ("j", None, 2021), ("k", "淮安市人民政府", None),
            ("l", "张易镇人民政府", 2020), ("m", "张易镇人民政府", 2021), ("n", "张易镇人民政府", 2021)]
    # 朝阳区 alone is ambiguous (Beijing or Changchun); 市场监督管理局 names no place;
    # two 张易镇 reports for 2021: which one follows 2020 cannot be told.
    assert pairs(docs) == ([("a", "b"), ("c", "a")], 1)
