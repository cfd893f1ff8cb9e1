"""Models of the report's metadata and narrative parts (一, 五, 六)."""
from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from schemas.base import Model


class Meta(Model):
    model_config = ConfigDict(extra="forbid")

    issuer: str | None = Field(None, description="发布机关：报告标题或落款中的机关名称")
    year: int | None = Field(None, description="报告年度（统计年度），例如 2020")
    template: Literal["2019", "2021"] | None = Field(
        None, description="表格格式版本：2019（试行）或 2021；无法判断为 null"
    )
    published: str | None = Field(None, description="发布日期 YYYY-MM-DD（如文中写明）")
    title: str | None = Field(None, description="报告标题")


class Figure(Model):
    """A number the narrative states, with its noun: 「共受理…申请 N 件」, 「占 p%」."""

    model_config = ConfigDict(extra="forbid")

    value: float = Field(description="数值")
    unit: str | None = Field(None, description="单位：件、条、项、%、万元、元 等")
    noun: str = Field(description="数值所指的事物，例如 信息公开申请、主动公开信息")
    text: str = Field(description="原文片段")
    span: tuple[int, int] | None = Field(None, description="原文中的字符位置 [start, end)")


class Part1(Model):
    """一、总体情况"""

    text: str = Field("", description="总体情况全文")
    figures: list[Figure] = Field(default_factory=list, description="文中陈述的数字及其所指")


class Part5(Model):
    """五、存在的主要问题及改进情况"""

    text: str = Field("", description="全文")
    problems: list[str] = Field(default_factory=list, description="存在的主要问题，逐条")
    improvements: list[str] = Field(default_factory=list, description="改进情况/改进措施，逐条")


class Part6(Model):
    """六、其他需要报告的事项"""

    text: str = Field("", description="全文")
    fee_statement: str | None = Field(None, description="关于信息处理费收取情况的陈述（2021 起应报告）")
