"""Pydantic models of the three mandated tables (parts 二, 三, 四), per template.

Field names are the segments of the public cell ids, so :func:`schemas.flatten` turns any
of these models into ``{"p3.withheld.state_secret.total": value, …}``. Descriptions carry
the official Chinese labels: they are what a model reads and what a reviewer recognises.
``None`` means "not in the document" — never 0.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

Count = int | None
Signed = int | None
Money = float | None  # 万元


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- part 二, 2019 (试行)

class DocRow2019(_Table):
    made: Count = Field(None, description="本年新制作数量")
    published: Count = Field(None, description="本年新公开数量")
    total_published: Count = Field(None, description="对外公开总数量")


class ItemRow2019(_Table):
    items_last_year: Count = Field(None, description="上一年项目数量")
    items_change: Signed = Field(None, description="本年增/减 (signed)")
    decisions: Count = Field(None, description="处理决定数量")


class FeeRow2019(_Table):
    items_last_year: Count = Field(None, description="上一年项目数量")
    items_change: Signed = Field(None, description="本年增/减 (signed)")


class ProcurementRow2019(_Table):
    projects: Count = Field(None, description="采购项目数量")
    amount: Money = Field(None, description="采购总金额, in 万元 (convert 元 to 万元)")


class Part2_2019(_Table):
    """二、主动公开政府信息情况 (2019 试行 format)."""

    regulations: DocRow2019 = Field(default_factory=DocRow2019, description="第二十条第（一）项 规章")
    normative_documents: DocRow2019 = Field(default_factory=DocRow2019, description="第二十条第（一）项 规范性文件")
    licensing: ItemRow2019 = Field(default_factory=ItemRow2019, description="第二十条第（五）项 行政许可")
    other_services: ItemRow2019 = Field(default_factory=ItemRow2019, description="第二十条第（五）项 其他对外管理服务事项")
    penalty: ItemRow2019 = Field(default_factory=ItemRow2019, description="第二十条第（六）项 行政处罚")
    coercion: ItemRow2019 = Field(default_factory=ItemRow2019, description="第二十条第（六）项 行政强制")
    fees: FeeRow2019 = Field(default_factory=FeeRow2019, description="第二十条第（八）项 行政事业性收费")
    procurement: ProcurementRow2019 = Field(default_factory=ProcurementRow2019, description="第二十条第（九）项 政府集中采购")


# ---------------------------------------------------------------- part 二, 2021

class DocRow2021(_Table):
    issued: Count = Field(None, description="本年制发件数")
    repealed: Count = Field(None, description="本年废止件数")
    in_force: Count = Field(None, description="现行有效件数")


class DecisionRow2021(_Table):
    decisions: Count = Field(None, description="本年处理决定数量")


class FeeRow2021(_Table):
    amount: Money = Field(None, description="本年收费金额（单位：万元）")


class Part2_2021(_Table):
    """二、主动公开政府信息情况 (2021 format)."""

    regulations: DocRow2021 = Field(default_factory=DocRow2021, description="第二十条第（一）项 规章")
    normative_documents: DocRow2021 = Field(default_factory=DocRow2021, description="第二十条第（一）项 行政规范性文件")
    licensing: DecisionRow2021 = Field(default_factory=DecisionRow2021, description="第二十条第（五）项 行政许可")
    penalty: DecisionRow2021 = Field(default_factory=DecisionRow2021, description="第二十条第（六）项 行政处罚")
    coercion: DecisionRow2021 = Field(default_factory=DecisionRow2021, description="第二十条第（六）项 行政强制")
    fees: FeeRow2021 = Field(default_factory=FeeRow2021, description="第二十条第（八）项 行政事业性收费")


# ---------------------------------------------------------------- part 三 (both formats)

class ApplicantRow(_Table):
    """One 表三 data row: six applicant columns and their 总计."""

    natural_person: Count = Field(None, description="自然人")
    commercial: Count = Field(None, description="法人或其他组织 商业企业")
    research: Count = Field(None, description="法人或其他组织 科研机构")
    nonprofit: Count = Field(None, description="法人或其他组织 社会公益组织")
    legal_services: Count = Field(None, description="法人或其他组织 法律服务机构")
    other_org: Count = Field(None, description="法人或其他组织 其他")
    total: Count = Field(None, description="总计")


def _row(label: str):
    return Field(default_factory=ApplicantRow, description=label)


class Withheld(_Table):
    """（三）不予公开"""

    state_secret: ApplicantRow = _row("1.属于国家秘密")
    prohibited_by_law: ApplicantRow = _row("2.其他法律行政法规禁止公开")
    security_stability: ApplicantRow = _row("3.危及“三安全一稳定”")
    third_party: ApplicantRow = _row("4.保护第三方合法权益")
    internal_affairs: ApplicantRow = _row("5.属于三类内部事务信息")
    process_info: ApplicantRow = _row("6.属于四类过程性信息")
    enforcement_file: ApplicantRow = _row("7.属于行政执法案卷")
    inquiry: ApplicantRow = _row("8.属于行政查询事项")


class Unavailable(_Table):
    """（四）无法提供"""

    not_held: ApplicantRow = _row("1.本机关不掌握相关政府信息")
    needs_creation: ApplicantRow = _row("2.没有现成信息需要另行制作")
    unclear: ApplicantRow = _row("3.补正后申请内容仍不明确")


class NotHandled(_Table):
    """（五）不予处理"""

    petition: ApplicantRow = _row("1.信访举报投诉类申请")
    duplicate: ApplicantRow = _row("2.重复申请")
    publication: ApplicantRow = _row("3.要求提供公开出版物")
    excessive: ApplicantRow = _row("4.无正当理由大量反复申请")
    confirmation: ApplicantRow = _row("5.要求行政机关确认或重新出具已获取信息")


class OtherHandling2021(_Table):
    """（六）其他处理 (2021: three sub-rows)"""

    no_correction: ApplicantRow = _row("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请")
    no_fee: ApplicantRow = _row("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请")
    other: ApplicantRow = _row("3.其他")


class _Part3(_Table):
    new_received: ApplicantRow = _row("一、本年新收政府信息公开申请数量")
    carried_over: ApplicantRow = _row("二、上年结转政府信息公开申请数量")
    disclosed: ApplicantRow = _row("三、本年度办理结果（一）予以公开")
    partly_disclosed: ApplicantRow = _row("（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    withheld: Withheld = Field(default_factory=Withheld, description="（三）不予公开")
    unavailable: Unavailable = Field(default_factory=Unavailable, description="（四）无法提供")
    not_handled: NotHandled = Field(default_factory=NotHandled, description="（五）不予处理")


class Part3_2019(_Part3):
    """三、收到和处理政府信息公开申请情况 (2019 试行 format)."""

    other: ApplicantRow = _row("（六）其他处理")
    outcome_total: ApplicantRow = _row("（七）总计")
    carried_forward: ApplicantRow = _row("四、结转下年度继续办理")


class Part3_2021(_Part3):
    """三、收到和处理政府信息公开申请情况 (2021 format)."""

    other: OtherHandling2021 = Field(default_factory=OtherHandling2021, description="（六）其他处理")
    outcome_total: ApplicantRow = _row("（七）总计")
    carried_forward: ApplicantRow = _row("四、结转下年度继续办理")


# ---------------------------------------------------------------- part 四 (both formats)

class CaseBlock(_Table):
    upheld: Count = Field(None, description="结果维持")
    corrected: Count = Field(None, description="结果纠正")
    other: Count = Field(None, description="其他结果")
    pending: Count = Field(None, description="尚未审结")
    total: Count = Field(None, description="总计")


class Part4(_Table):
    """四、政府信息公开行政复议、行政诉讼情况: one row of 15 cells."""

    review: CaseBlock = Field(default_factory=CaseBlock, description="行政复议")
    suit_direct: CaseBlock = Field(default_factory=CaseBlock, description="行政诉讼 未经复议直接起诉")
    suit_after_review: CaseBlock = Field(default_factory=CaseBlock, description="行政诉讼 复议后起诉")
