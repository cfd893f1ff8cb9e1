"""Whole-report models per template, and the flattening to public cell ids."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from schemas.narrative import Meta, Part1, Part5, Part6
from schemas.tables import Part2_2019, Part2_2021, Part3_2019, Part3_2021, Part4


class Report2019(BaseModel):
    """政府信息公开工作年度报告, 2019 (试行) format."""

    model_config = ConfigDict(extra="forbid")

    meta: Meta = Field(default_factory=Meta)
    p1: Part1 = Field(default_factory=Part1, description="一、总体情况")
    p2: Part2_2019 = Field(default_factory=Part2_2019, description="二、主动公开政府信息情况")
    p3: Part3_2019 = Field(default_factory=Part3_2019, description="三、收到和处理政府信息公开申请情况")
    p4: Part4 = Field(default_factory=Part4, description="四、政府信息公开行政复议、行政诉讼情况")
    p5: Part5 = Field(default_factory=Part5, description="五、存在的主要问题及改进情况")
    p6: Part6 = Field(default_factory=Part6, description="六、其他需要报告的事项")


class Report2021(Report2019):
    """政府信息公开工作年度报告, 2021 format."""

    p2: Part2_2021 = Field(default_factory=Part2_2021, description="二、主动公开政府信息情况")  # type: ignore[assignment]  # a 2021 report narrows the 2019 parts; pydantic allows it
    p3: Part3_2021 = Field(default_factory=Part3_2021, description="三、收到和处理政府信息公开申请情况")  # type: ignore[assignment]  # as above


REPORT_MODELS: dict[str, type[Report2019]] = {"2019": Report2019, "2021": Report2021}
TABLE_PARTS = ("p2", "p3", "p4")


def flatten(model: BaseModel, prefix: str = "") -> dict[str, Any]:
    """``{"p3.withheld.state_secret.total": value, …}`` for the table parts of a model.

    Works on a whole report (only ``p2``/``p3``/``p4`` are cells) or on one table model,
    given its part prefix (``flatten(Part4(), "p4")``).
    """
    out: dict[str, Any] = {}
    for name in type(model).model_fields:
        if not prefix and name not in TABLE_PARTS:
            continue
        key = f"{prefix}.{name}" if prefix else name
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            out.update(flatten(value, key))
        else:
            out[key] = value
    return out


def unflatten(cells: dict[str, Any], template: str) -> Report2019:
    """Build the report model of ``template`` from flat cell values (missing ids stay None)."""
    tree: dict[str, Any] = {}
    for cell_id, value in cells.items():
        node = tree
        *path, leaf = cell_id.split(".")
        for seg in path:
            node = node.setdefault(seg, {})
        node[leaf] = value
    return REPORT_MODELS[template].model_validate({k: v for k, v in tree.items() if k in TABLE_PARTS})
