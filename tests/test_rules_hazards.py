"""What real reports do to their tables, one hazard per test, on small synthetic texts.

Blank cells and markers, units, signed changes, rows with too few values, truncated tables,
OCR noise, a 表四 row under the wrong heading, the 2021 （六） sub-rows printed as one row,
traditional characters, values glued to labels, a 表四 row split over lines.
"""
from __future__ import annotations

from extractor import extract_document
from extractor.load import load_bytes, load_text
from extractor.settings import Settings

RULES = Settings(backend="rules")
T3_HEAD = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况\n\t自然人\t法人或其他组织\t总计\n"
T2_2021 = ("第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t1\t0\t11\n"
           "行政规范性文件\t8\t26\t66\n第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t447228\n"
           "第二十条第（六）项\n信息内容\t本年处理决定数量\n行政处罚\t3985758\n行政强制\t88283\n"
           "第二十条第（八）项\n信息内容\t本年收费金额（单位：万元）\n行政事业性收费\t96171.6\n")


def report(t2: str = T2_2021, t3: str = "", t4: str = "", year: int = 2021, source: str | bytes | None = None):
    text = source if source is not None else "\n".join([
        f"某某局{year}年政府信息公开工作年度报告", "一、总体情况", "全年收到申请 9 件。",
        "二、主动公开政府信息情况", t2, "三、收到和处理政府信息公开申请情况", T3_HEAD + t3,
        "四、政府信息公开行政复议、行政诉讼情况", "行政复议\t行政诉讼", t4,
        "五、存在的主要问题及改进情况", "无。", "六、其他需要报告的事项", "无。", "",
    ])
    doc = load_bytes(text) if isinstance(text, bytes) else load_text(text)
    return doc, extract_document(doc, RULES)


def cells(result, prefix: str) -> list:
    return [c for cid, c in result.cells.items() if cid.rsplit(".", 1)[0] == prefix]


def values(result, prefix: str) -> list:
    return [c.value for c in cells(result, prefix)]


def rules_of(result) -> set[tuple[str, str | None]]:
    return {(f.rule, f.check) for f in result.findings}


# ---------------------------------------------------------------- layouts of single rows

def test_pipe_rows_with_merged_label_fillers():
    t3 = ("| 一、本年新收政府信息公开申请数量 | | 3 | 1 | 0 | 0 | 0 | 0 | 4 |\n"
          "|---|---|---|---|---|---|---|---|---|\n"
          "| | （三）不予公开 | 1.属于国家秘密 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |\n"
          "|| 2.其他法律行政法规禁止公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n")
    _, result = report(t3=t3)
    assert values(result, "p3.new_received") == [3, 1, 0, 0, 0, 0, 4]
    assert values(result, "p3.withheld.state_secret") == [2, 0, 0, 0, 0, 0, 2]
    assert values(result, "p3.withheld.prohibited_by_law") == [1, 0, 0, 0, 0, 0, 1]
    assert all(c.status == "ok" and c.confidence >= 0.9 for c in cells(result, "p3.new_received"))


def test_one_cell_per_line_with_2021_other_rows():
    lines = ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", *"5000005",
             "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", *"0100001",
             "3.其他", *"0000000", "（七）总计", *"9000009"]
    _, result = report(t3="\n\n".join(lines))
    assert values(result, "p3.other.no_correction") == [5, 0, 0, 0, 0, 0, 5]
    assert values(result, "p3.other.no_fee") == [0, 1, 0, 0, 0, 0, 1]
    assert values(result, "p3.other.other") == [0] * 7
    assert values(result, "p3.outcome_total") == [9, 0, 0, 0, 0, 0, 9]


def test_wrapped_label_with_values_between_its_lines():
    t3 = ("   （一）予以公开               1288 21    0    0     50    3   1362\n"
          "   （二）部分公开（区分处理的，只计这一情\n"
          "                          447   7    0    0     0     0    454\n"
          "   形，不计其他情形）\n"
          "         1.属于国家秘密         2    0    0    0     0     0    2\n")
    _, result = report(t3=t3)
    assert values(result, "p3.partly_disclosed") == [447, 7, 0, 0, 0, 0, 454]
    assert values(result, "p3.withheld.state_secret") == [2, 0, 0, 0, 0, 0, 2]
    assert values(result, "p3.disclosed") == [1288, 21, 0, 0, 50, 3, 1362]


def test_key_phrase_wrapped_over_two_lines():
    t3 = ("   1、申请人无正当理由逾期不补\n"
          "   正、行政机关不再处理其政府信      67    3    0    0    1    0    71\n"
          "   息公开申请\n")
    _, result = report(t3=t3)
    assert values(result, "p3.other.no_correction") == [67, 3, 0, 0, 1, 0, 71]


def test_html_table_with_blank_total_column():
    html = ("<html><body><p>某某局2019年政府信息公开工作年度报告</p><p>二、主动公开政府信息情况</p>"
            "<table><tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>"
            "<tr><td>规章</td><td>0</td><td>0</td><td></td></tr></table>"
            "<p>三、收到和处理政府信息公开申请情况</p><table>"
            "<tr><td colspan='3'>一、本年新收政府信息公开申请数量</td><td>272</td><td>3</td><td>0</td><td>0</td>"
            "<td>0</td><td>0</td><td></td></tr>"
            "<tr><td>（六）其他处理</td><td>1</td><td></td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>"
            "</table><p>五、存在的主要问题及改进情况</p></body></html>").encode()
    doc, result = report(source=html)
    row = cells(result, "p3.new_received")
    assert [c.value for c in row] == [272, 3, 0, 0, 0, 0, None]
    assert row[-1].status == "missing" and row[0].status == "ok"
    other = cells(result, "p3.other")
    assert [c.value for c in other] == [1, None, 0, 0, 0, 0, 1]
    assert other[1].status == "missing" and "空白" in other[1].note
    assert result.cells["p2.regulations.total_published"].value is None


# ---------------------------------------------------------------- blanks, units, signs

def test_blank_markers_are_null_not_zero():
    t3 = "一、本年新收政府信息公开申请数量\t/\t-\t—\t无\t0\t0\t0\n"
    doc, result = report(t3=t3)
    row = cells(result, "p3.new_received")
    assert [c.value for c in row] == [None, None, None, None, 0, 0, 0]
    assert all(c.status == "missing" and "空白" in c.note for c in row[:4])
    assert [doc.text[c.span[0]:c.span[1]] for c in row[:4]] == ["/", "-", "—", "无"]
    assert ("H6", "p3.blank_cells") in rules_of(result)


def test_money_units_are_converted_to_wanyuan():
    t2 = ("第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t3\t251000元\n"
          "第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政许可\t1,234\t+2\t17\n")
    _, result = report(t2=t2, year=2019)
    amount = result.cells["p2.procurement.amount"]
    assert amount.value == 25.1 and amount.raw == "251000元"
    assert ("UNIT", "money.yuan") in rules_of(result)
    assert values(result, "p2.licensing") == [1234, 2, 17]


def test_amount_with_unit_in_cell_and_bare_amount():
    t2 = "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t1\t17.27万元\n"
    _, result = report(t2=t2, year=2019)
    assert result.cells["p2.procurement.amount"].value == 17.27
    assert result.cells["p2.procurement.amount"].confidence >= 0.9
    _, bare = report(t2=t2.replace("17.27万元", "17.27"), year=2019)
    cell = bare.cells["p2.procurement.amount"]
    assert cell.value == 17.27 and cell.confidence < 0.9
    assert ("UNIT", "money.no_unit") in rules_of(bare)
    _, large = report(t2=t2.replace("17.27万元", "251000"), year=2019)
    assert large.cells["p2.procurement.amount"].status == "flagged"


def test_signed_changes_and_negative_counts():
    t2 = ("第二十条第（六）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政处罚\t6\t-1\t10\n"
          "行政强制\t-3\t增2\t0\n")
    _, result = report(t2=t2, year=2019)
    assert values(result, "p2.penalty") == [6, -1, 10]
    assert result.cells["p2.penalty.items_change"].status == "ok"
    assert result.cells["p2.coercion.items_change"].value == 2
    assert result.cells["p2.coercion.items_last_year"].status == "flagged"


# ---------------------------------------------------------------- shape defects

def test_short_row_with_different_values_is_not_guessed():
    _, result = report(t3="二、上年结转政府信息公开申请数量\t\t5\t1\t0\t0\t6\n")
    row = cells(result, "p3.carried_over")
    assert all(c.value is None and c.status == "missing" and "无法确定" in c.note for c in row)
    assert "5 1 0 0 6" in row[0].note
    assert ("H6", "p3.row_shape") in rules_of(result)


def test_short_row_of_equal_values_is_flagged_low():
    _, result = report(t3="二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\n")
    row = cells(result, "p3.carried_over")
    assert all(c.value == 0 and c.status == "flagged" and c.confidence < 0.5 for c in row)


def test_table_cut_off_midway_leaves_the_rest_missing():
    t3 = ("一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n"
          "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n")
    _, result = report(t3=t3)
    later = [c for cid, c in result.cells.items() if cid.startswith("p3.") and not cid.startswith(("p3.new", "p3.carried_over"))]
    assert later and all(c.value is None and c.status == "missing" and "中断" in c.note for c in later)
    assert ("STRUCTURE", "p3.truncated") in rules_of(result)


def test_row_missing_in_the_middle():
    t3 = ("一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n"
          "（七）总计\t3\t0\t0\t0\t0\t0\t3\n四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n")
    _, result = report(t3=t3)
    assert values(result, "p3.carried_over") == [None] * 7
    assert values(result, "p3.carried_forward") == [0] * 7
    assert ("STRUCTURE", "p3.rows_missing") in rules_of(result)


def test_ocr_noise_lines_never_become_values():
    t4 = ("结\t结\t其\t尚\n11\tШ-\t/\\C\t<i>></i> □\t\t111\tШ-\t1\t70\t$\\vdash\\vdash$\n"
          + "\t".join("0" * 15) + "\n")
    t3 = "(本列数\t4\n一、本年新收政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
    _, result = report(t3=t3, t4=t4)
    assert values(result, "p4.review") == [0] * 5
    assert values(result, "p3.new_received") == [0] * 7
    assert ("EXTRACTION", "noise_digits") in rules_of(result)
    assert not any(c.raw in ("4", "11", "70", "111") for cid, c in result.cells.items() if cid.startswith(("p3.", "p4.")))


def test_fifteen_values_under_table3_heading_are_table4():
    text = "\n".join(["某某镇2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", T2_2021,
                      "三、收到和处理政府信息公开申请情况", T3_HEAD, "\t".join("0" * 14 + "2"),
                      "五、存在的主要问题及改进情况", "无。"])
    _, result = report(source=text)
    assert values(result, "p4.suit_after_review")[-1] == 2
    assert all(v is None for cid, v in result.values().items() if cid.startswith("p3."))
    assert ("STRUCTURE", "p4.misplaced") in rules_of(result)


def test_2021_report_with_single_other_row_gets_no_sub_rows():
    t3 = "（六）其他处理\t\t1\t0\t0\t0\t0\t0\t1\n（七）总计\t\t1\t0\t0\t0\t0\t0\t1\n"
    _, result = report(t3=t3)
    for prefix in ("p3.other.no_correction", "p3.other.no_fee", "p3.other.other"):
        assert all(c.value is None and c.status == "missing" and "只有一行" in c.note for c in cells(result, prefix))
    assert values(result, "p3.outcome_total") == [1, 0, 0, 0, 0, 0, 1]
    assert ("VERSION", "p3.other_single_row") in rules_of(result)


def test_table4_split_over_two_lines_is_joined_by_column():
    t4 = ("  1    0    0    0    1\n"
          "                              0    0    0    0    0    2    0    0    0    2\n")
    _, result = report(t4=t4)
    row = cells(result, "p4.review") + cells(result, "p4.suit_direct") + cells(result, "p4.suit_after_review")
    assert [c.value for c in row] == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 2]
    assert all(c.confidence < 0.9 for c in row)


def test_table4_with_fourteen_values_is_flagged():
    _, result = report(t4="\n\n".join("0" * 14))
    row = [c for cid, c in result.cells.items() if cid.startswith("p4.")]
    assert all(c.status == "flagged" and c.value == 0 for c in row)
    assert ("H6", "p4.row_shape") in rules_of(result)


# ---------------------------------------------------------------- labels

def test_traditional_characters_and_row_numbers():
    t3 = ("一、本年新收政府信息公開申請數量\t2\t0\t0\t0\t0\t0\t2\n"
          "1. 屬於國家祕密\t3\t0\t0\t0\t0\t0\t3\n")
    _, result = report(t3=t3)
    assert values(result, "p3.new_received") == [2, 0, 0, 0, 0, 0, 2]
    assert values(result, "p3.withheld.state_secret") == [3, 0, 0, 0, 0, 0, 3]


def test_value_glued_to_its_label():
    _, result = report(t2=T2_2021.replace("行政许可\t447228", "行政许可447228"))
    cell = result.cells["p2.licensing.decisions"]
    assert cell.value == 447228 and cell.raw == "447228" and cell.confidence < 0.9


def test_unlabelled_table3_is_read_in_order_and_flagged():
    rows = "\n".join(" ".join(str(7 * r + c + 1) for c in range(7)) for r in range(25))
    _, result = report(t3="以下是表格数据：\n" + rows)
    assert values(result, "p3.new_received") == [1, 2, 3, 4, 5, 6, 7]
    assert values(result, "p3.carried_forward") == [169, 170, 171, 172, 173, 174, 175]
    assert all(c.status == "flagged" for cid, c in result.cells.items() if cid.startswith("p3."))


def test_missing_parts_give_missing_cells_never_zero():
    text = "某某局2021年政府信息公开工作年度报告\n一、总体情况\n本年度未收到申请，未发生行政复议。\n五、存在的主要问题及改进情况\n无。\n"
    _, result = report(source=text)
    assert all(c.value is None and c.status == "missing" for c in result.cells.values())


def test_table4_printed_as_two_tables():
    t4 = ("行政复议\n结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n1\t0\t0\t0\t1\n行政诉讼\n未经复议直接起诉\t复议后起诉\n"
          "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\n"
          "0\t0\t0\t0\t0\t0\t2\t0\t0\t2\n")
    _, result = report(t4=t4)
    assert values(result, "p4.review") == [1, 0, 0, 0, 1]
    assert values(result, "p4.suit_after_review") == [0, 2, 0, 0, 2]


def test_table4_as_one_labelled_row_per_block():
    t4 = ("行政复议\t1\t0\t0\t0\t1\n行政诉讼（未经复议直接起诉）\t0\t0\t0\t0\t0\n"
          "行政诉讼（复议后起诉）\t0\t2\t0\t0\t2\n")
    _, result = report(t4=t4)
    assert values(result, "p4.review") == [1, 0, 0, 0, 1]
    assert values(result, "p4.suit_direct") == [0] * 5
    assert values(result, "p4.suit_after_review") == [0, 2, 0, 0, 2]


def test_blank_cells_in_pdf_layout_are_placed_by_column():
    table = [("一、本年新收政府信息公开申请数量", (12, 1, 0, 0, 0, 0, 13)),
             ("二、上年结转政府信息公开申请数量", (2, 0, 0, 0, 0, 0, 2)),
             ("   （一）予以公开", (5, "", 1, "", "", 0, 6)),
             ("   （二）部分公开", (1, 0, 0, 0, 0, 0, 1)),
             ("（七）总计", (6, 0, 1, 0, 0, 0, 7))]
    # Layout text as pdfplumber writes it: every character one column, values right-aligned.
    rows = [f"{label:<24}" + "".join(f"{v:>5}" for v in vals) for label, vals in table]
    _, result = report(t3="\n".join(rows))
    row = cells(result, "p3.disclosed")
    assert [c.value for c in row] == [5, None, 1, None, None, 0, 6]
    assert [c.status for c in row] == ["ok", "missing", "ok", "missing", "missing", "ok", "ok"]
    assert all(c.confidence < 0.9 for c in row)


def test_pipe_row_values_are_its_last_cells():
    """A pipe table keeps every cell: after a merged-label filler, an empty cell is a blank."""
    t3 = ("| 一、本年新收政府信息公开申请数量 | | | 1 | 0 | 0 | 0 | 0 | 1 |\n"
          "| 二、上年结转政府信息公开申请数量 | | 2 | 0 | 0 | 0 | 0 | 0 | |\n")
    _, result = report(t3=t3)
    assert values(result, "p3.new_received") == [None, 1, 0, 0, 0, 0, 1]
    assert values(result, "p3.carried_over") == [2, 0, 0, 0, 0, 0, None]


def test_word_row_with_unused_label_column_and_lost_trailing_blank():
    """「（七）总计」 leaves a label column empty and its blank 总计 is lost at the line end:
    which empty cell is the blank cannot be told, so nothing is placed."""
    import io

    from docx import Document

    doc = Document()
    doc.add_paragraph("某某局2021年政府信息公开工作年度报告")
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = doc.add_table(rows=2, cols=10)
    for row, cells in zip(table.rows, (["", "（七）总计", "", "2", "1", "3", "1", "3", "0", ""],
                                      ["四、结转下年度继续办理", "", "", "0", "0", "0", "0", "0", "0", "0"])):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    doc.add_paragraph("五、存在的主要问题及改进情况")
    buf = io.BytesIO()
    doc.save(buf)
    _, result = report(source=buf.getvalue())
    assert values(result, "p3.outcome_total") == [None] * 7
    assert values(result, "p3.carried_forward") == [0] * 7


def test_short_row_placed_by_the_column_sums():
    """A blank 总计 whose tab was stripped: only the table's column sums say which cell is lost."""
    t3 = ("一、本年新收政府信息公开申请数量\t3\t1\t0\t0\t0\t0\t4\n二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
          "（一）予以公开\t2\t1\t0\t0\t0\t0\n（二）部分公开\t1\t0\t0\t0\t0\t0\t1\n"
          "（七）总计\t3\t1\t0\t0\t0\t0\t4\n四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0\n")
    _, result = report(t3=t3)
    row = cells(result, "p3.disclosed")
    assert [c.value for c in row] == [2, 1, 0, 0, 0, 0, None]
    assert row[-1].status == "missing" and all(c.confidence < 0.9 for c in row)


def test_stray_number_beside_a_row_is_dropped_by_its_totals():
    _, result = report(t4="\n".join(["11", *"100010000000000"]).replace("\n", "\n\n"))
    assert values(result, "p4.review") == [1, 0, 0, 0, 1]
    assert all(c.confidence < 0.9 for cid, c in result.cells.items() if cid.startswith("p4."))
