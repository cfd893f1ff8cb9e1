"""Response models for the LLM reader: one per table part and template, shaped for few tokens.

A table row is a short list of numbers in the table's column order (a 表三 row is 7 numbers,
表四 is one list of 15) instead of named keys; a row or value that is not in the text is
``null``, never 0. The ``Field`` descriptions carry the official Chinese labels: they are
what the model reads. :func:`answer_cells` maps any answer to the public cell ids.

Pure models and deterministic checks only: no I/O, no model calls.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, ClassVar, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

Num = int | float | None

_NULL_RULE = "原文中没有的数（空白、缺行、表格被截断）一律填 null，绝不能填 0。"
_NOT_VALUES = "行号（如「1.属于国家秘密」里的 1、「(一)」）和正文叙述里的数字都不是表格数值。"

P3_COLUMNS = ("natural_person", "commercial", "research", "nonprofit", "legal_services", "other_org", "total")
P4_COLUMNS = tuple(f"{block}.{leaf}" for block in ("review", "suit_direct", "suit_after_review")
                   for leaf in ("upheld", "corrected", "other", "pending", "total"))


class Row2(RootModel[Annotated[list[int | None], Field(min_length=2, max_length=2)]]):
    """2 个数，按列顺序；没有的数为 null"""


class Row3(RootModel[Annotated[list[int | None], Field(min_length=3, max_length=3)]]):
    """3 个数，按列顺序；没有的数为 null"""


class Row7(RootModel[Annotated[list[int | None], Field(min_length=7, max_length=7)]]):
    """7 个数：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计；没有的数为 null"""


class Row15(RootModel[Annotated[list[int | None], Field(min_length=15, max_length=15)]]):
    """15 个数；没有的数为 null"""


class Money2(RootModel[Annotated[list[float | None], Field(min_length=2, max_length=2)]]):
    """采购项目数量、采购总金额；没有的数为 null"""


def _row(label: str):
    return Field(description=label)


def _compact_schema(schema: dict, cls) -> None:
    # Every token of the schema is sent with each request: drop the per-field titles
    # pydantic generates (the descriptions carry the labels).
    for holder in (schema.get("properties", {}), schema.get("$defs", {})):
        for sub in holder.values():
            sub.pop("title", None)


class _Answer(BaseModel):
    """Base of every answer: rows map to cell ids through ``ROWS``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_compact_schema)

    PART: ClassVar[str]
    # field → (row path in the cell id, column names in answer order)
    ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]]

    @classmethod
    def empty(cls):
        """The answer with every value null: what a model should give for an empty part."""
        return cls.model_validate({name: None if cls.nullable(name) else [None] * len(cls.ROWS[name][1])
                                   for name in cls.model_fields})

    @classmethod
    def subset(cls, rows: Iterable[str]) -> type[_Answer]:
        """The same answer with only ``rows`` (kept in table order): the compact schema of a
        request that asks only for the rows still missing. Every token of a schema is sent."""
        wanted = set(rows)
        keep = tuple(f for f in cls.model_fields
                     if f in wanted or (f == "procurement_unit" and "procurement" in wanted))
        return cls if len(keep) == len(cls.model_fields) else _subset(cls, keep)

    @classmethod
    def nullable(cls, name: str) -> bool:
        """Whether the whole field may be null (else it is a row of nulls)."""
        return type(None) in get_args(cls.model_fields[name].annotation)

    @model_validator(mode="after")
    def _no_values_for_rows_not_in_the_text(self, info: ValidationInfo):
        # The caller tells which rows' labels are not in the text: values there were invented
        # (a small model fills a truncated table's missing rows with zeros). Saying so lets
        # the model correct itself on a re-ask.
        absent = [f for f in (info.context or {}).get("rows_absent", ())
                  if any(v is not None for v in _as_list(getattr(self, f, None)))]
        if absent:
            labels = "、".join(f"「{type(self).model_fields[f].description}」" for f in absent)
            raise ValueError(f"原文中没有这些行：{labels}。它们的数必须填 null，不能编造（包括 0）")
        return self

    @field_validator("*")
    @classmethod
    def _counts_not_negative(cls, row, info: ValidationInfo):
        columns = cls.ROWS.get(info.field_name, ("", ()))[1]  # type: ignore[arg-type]  # a field validator always has a field name
        for column, value in zip(columns, _as_list(row)):
            if value is not None and value < 0 and column != "items_change":
                raise ValueError(f"{info.field_name}: 数量不能为负数（{value}）；原文没有的数填 null")
        return row


@cache
def _subset(cls: type[_Answer], keep: tuple[str, ...]) -> type[_Answer]:
    fields = {f: (cls.model_fields[f].annotation, cls.model_fields[f]) for f in keep}
    model = create_model(cls.__name__, __base__=_Answer, __doc__=cls.__doc__, __module__=cls.__module__,
                         **fields)  # type: ignore[call-overload]  # field definitions are (type, FieldInfo) pairs
    model.PART = cls.PART
    model.ROWS = {f: cls.ROWS[f] for f in keep if f in cls.ROWS}
    return model


def _as_list(row) -> list:
    if row is None:
        return []
    if isinstance(row, RootModel):
        row = row.root
    return list(row) if isinstance(row, list) else [row]


# ---------------------------------------------------------------- part 三

_P3_DOC = (
    "表三「收到和处理政府信息公开申请情况」。每一行是 7 个数，按列顺序："
    "自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计。"
    "原文没有这一行时整行填 null。" + _NULL_RULE + _NOT_VALUES
)


class _P3Answer(_Answer):
    PART: ClassVar[str] = "p3"

    new_received: Row7 | None = _row("一、本年新收政府信息公开申请数量")
    carried_over: Row7 | None = _row("二、上年结转政府信息公开申请数量")
    disclosed: Row7 | None = _row("三、本年度办理结果 （一）予以公开")
    partly_disclosed: Row7 | None = _row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    state_secret: Row7 | None = _row("（三）不予公开 1.属于国家秘密")
    prohibited_by_law: Row7 | None = _row("（三）不予公开 2.其他法律行政法规禁止公开")
    security_stability: Row7 | None = _row("（三）不予公开 3.危及“三安全一稳定”")
    third_party: Row7 | None = _row("（三）不予公开 4.保护第三方合法权益")
    internal_affairs: Row7 | None = _row("（三）不予公开 5.属于三类内部事务信息")
    process_info: Row7 | None = _row("（三）不予公开 6.属于四类过程性信息")
    enforcement_file: Row7 | None = _row("（三）不予公开 7.属于行政执法案卷")
    inquiry: Row7 | None = _row("（三）不予公开 8.属于行政查询事项")
    not_held: Row7 | None = _row("（四）无法提供 1.本机关不掌握相关政府信息")
    needs_creation: Row7 | None = _row("（四）无法提供 2.没有现成信息需要另行制作")
    unclear: Row7 | None = _row("（四）无法提供 3.补正后申请内容仍不明确")
    petition: Row7 | None = _row("（五）不予处理 1.信访举报投诉类申请")
    duplicate: Row7 | None = _row("（五）不予处理 2.重复申请")
    publication: Row7 | None = _row("（五）不予处理 3.要求提供公开出版物")
    excessive: Row7 | None = _row("（五）不予处理 4.无正当理由大量反复申请")
    confirmation: Row7 | None = _row("（五）不予处理 5.要求行政机关确认或重新出具已获取信息")


_P3_COMMON_ROWS = {
    "new_received": "new_received", "carried_over": "carried_over", "disclosed": "disclosed",
    "partly_disclosed": "partly_disclosed",
    **{k: f"withheld.{k}" for k in ("state_secret", "prohibited_by_law", "security_stability", "third_party",
                                     "internal_affairs", "process_info", "enforcement_file", "inquiry")},
    **{k: f"unavailable.{k}" for k in ("not_held", "needs_creation", "unclear")},
    **{k: f"not_handled.{k}" for k in ("petition", "duplicate", "publication", "excessive", "confirmation")},
}


class P3Answer2019(_P3Answer):
    __doc__ = _P3_DOC
    ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        k: (v, P3_COLUMNS) for k, v in {**_P3_COMMON_ROWS, "other": "other", "outcome_total": "outcome_total",
                                        "carried_forward": "carried_forward"}.items()}

    other: Row7 | None = _row("（六）其他处理")
    outcome_total: Row7 | None = _row("（七）总计")
    carried_forward: Row7 | None = _row("四、结转下年度继续办理")


class P3Answer2021(_P3Answer):
    __doc__ = _P3_DOC
    ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        k: (v, P3_COLUMNS) for k, v in {**_P3_COMMON_ROWS, "no_correction": "other.no_correction",
                                        "no_fee": "other.no_fee", "other_other": "other.other",
                                        "outcome_total": "outcome_total",
                                        "carried_forward": "carried_forward"}.items()}

    no_correction: Row7 | None = _row("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    no_fee: Row7 | None = _row("（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    other_other: Row7 | None = _row("（六）其他处理 3.其他")
    outcome_total: Row7 | None = _row("（七）总计")
    carried_forward: Row7 | None = _row("四、结转下年度继续办理")


# ---------------------------------------------------------------- part 四

class P4Answer(_Answer):
    """表四「政府信息公开行政复议、行政诉讼情况」的数据行，15 个数，按列顺序：
    行政复议（结果维持、结果纠正、其他结果、尚未审结、总计），
    行政诉讼·未经复议直接起诉（同上 5 列），行政诉讼·复议后起诉（同上 5 列）。
    原文没有这一行时填 null；空白单元格填 null，绝不能填 0。表头里的字和行号不是数值。"""

    PART: ClassVar[str] = "p4"
    ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {"values": ("", P4_COLUMNS)}

    values: Row15 | None = _row("表四数据行的 15 个数")

    @field_validator("values")
    @classmethod
    def _not_more_values_than_the_text_has(cls, values, info: ValidationInfo):
        # The classic small-model error is filling blank cells with 0. When the caller tells us
        # how many numbers the text holds, more non-null values than that cannot all be real.
        available = (info.context or {}).get("numbers_in_text")
        given = sum(v is not None for v in _as_list(values))
        if available is not None and given > available:
            raise ValueError(f"原文这一部分只有 {available} 个数字，你给出了 {given} 个非空值："
                             "空白单元格必须填 null，不能填 0")
        return values


# ---------------------------------------------------------------- part 二

class P2Answer2019(_Answer):
    __doc__ = ("表二「主动公开政府信息情况」（2019 试行格式）。每行是几个数，按该小表的列顺序；"
               "原文没有这一行时，这一行的数都填 null。" + _NULL_RULE + _NOT_VALUES)

    PART: ClassVar[str] = "p2"
    ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "regulations": ("regulations", ("made", "published", "total_published")),
        "normative_documents": ("normative_documents", ("made", "published", "total_published")),
        "licensing": ("licensing", ("items_last_year", "items_change", "decisions")),
        "other_services": ("other_services", ("items_last_year", "items_change", "decisions")),
        "penalty": ("penalty", ("items_last_year", "items_change", "decisions")),
        "coercion": ("coercion", ("items_last_year", "items_change", "decisions")),
        "fees": ("fees", ("items_last_year", "items_change")),
        "procurement": ("procurement", ("projects", "amount")),
    }

    regulations: Row3 = _row("第二十条第（一）项 规章：本年新制作数量、本年新公开数量、对外公开总数量")
    normative_documents: Row3 = _row(
        "第二十条第（一）项 规范性文件：本年新制作数量、本年新公开数量、对外公开总数量")
    licensing: Row3 = _row("第二十条第（五）项 行政许可：上一年项目数量、本年增/减（可为负）、处理决定数量")
    other_services: Row3 = _row(
        "第二十条第（五）项 其他对外管理服务事项：上一年项目数量、本年增/减（可为负）、处理决定数量")
    penalty: Row3 = _row("第二十条第（六）项 行政处罚：上一年项目数量、本年增/减（可为负）、处理决定数量")
    coercion: Row3 = _row("第二十条第（六）项 行政强制：上一年项目数量、本年增/减（可为负）、处理决定数量")
    fees: Row2 = _row("第二十条第（八）项 行政事业性收费：上一年项目数量、本年增/减（可为负）")
    procurement: Money2 = _row("第二十条第（九）项 政府集中采购：采购项目数量、采购总金额（数字，单位见 procurement_unit）")
    procurement_unit: str | None = Field(description="采购总金额在原文中的单位：万元 或 元；原文没写单位为 null")


class P2Answer2021(_Answer):
    __doc__ = ("表二「主动公开政府信息情况」（2021 格式）。每行是几个数，按该小表的列顺序。"
               "原文没有这一行时填 null。" + _NULL_RULE + _NOT_VALUES)

    PART: ClassVar[str] = "p2"
    ROWS: ClassVar[dict[str, tuple[str, tuple[str, ...]]]] = {
        "regulations": ("regulations", ("issued", "repealed", "in_force")),
        "normative_documents": ("normative_documents", ("issued", "repealed", "in_force")),
        "licensing": ("licensing", ("decisions",)),
        "penalty": ("penalty", ("decisions",)),
        "coercion": ("coercion", ("decisions",)),
        "fees": ("fees", ("amount",)),
    }

    regulations: Row3 = _row("第二十条第（一）项 规章：本年制发件数、本年废止件数、现行有效件数")
    normative_documents: Row3 = _row(
        "第二十条第（一）项 行政规范性文件：本年制发件数、本年废止件数、现行有效件数")
    licensing: int | None = Field(description="第二十条第（五）项 行政许可：本年处理决定数量")
    penalty: int | None = Field(description="第二十条第（六）项 行政处罚：本年处理决定数量")
    coercion: int | None = Field(description="第二十条第（六）项 行政强制：本年处理决定数量")
    fees: float | None = Field(description="第二十条第（八）项 行政事业性收费：本年收费金额（单位：万元）")


ANSWER_MODELS: dict[tuple[str, str], type[_Answer]] = {
    ("p2", "2019"): P2Answer2019, ("p2", "2021"): P2Answer2021,
    ("p3", "2019"): P3Answer2019, ("p3", "2021"): P3Answer2021,
    ("p4", "2019"): P4Answer, ("p4", "2021"): P4Answer,
}


@dataclass(frozen=True, slots=True)
class Item:
    """One value of an answer: where it sits in the answer and which cell it fills."""

    cell_id: str
    field: str
    index: int
    raw: Num  # as the model gave it
    value: Num  # in the cell's unit (采购总金额 in 元 → 万元)


def answer_items(answer: _Answer) -> list[Item]:
    """Every cell of the answer's part, in table order, with the model's value or None."""
    scale = 1 / 10_000 if (getattr(answer, "procurement_unit", None) or "").strip() == "元" else 1
    out = []
    for field, (path, columns) in type(answer).ROWS.items():
        values = _as_list(getattr(answer, field))
        prefix = f"{answer.PART}.{path}." if path else f"{answer.PART}."
        for i, column in enumerate(columns):
            raw = values[i] if i < len(values) else None
            value = raw * scale if raw is not None and field == "procurement" and i == 1 else raw
            out.append(Item(prefix + column, field, i, raw, value))
    return out


def answer_cells(answer: _Answer) -> dict[str, Num]:
    """``{cell id: value-or-None}`` for every cell the answer's part holds."""
    return {item.cell_id: item.value for item in answer_items(answer)}
