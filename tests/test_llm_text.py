"""Numbers in report text, tab-separated rows, and the text as sent to the model."""
from extractor.readers.llm.numbers import number_tokens, tab_cells
from extractor.readers.llm.tasks import compact


def test_row_numbers_are_not_values():
    line = "1.属于国家秘密 2 0 0 0 0 0 2\n3、其他 108 2\n(七)总计 0\n采购 668.7004 万元 +1036 -2"
    assert [t.raw for t in number_tokens(line)] == ["2", "0", "0", "0", "0", "0", "2", "108", "2", "0",
                                                     "668.7004", "+1036", "-2"]


def test_offsets_point_at_the_digits():
    text = "规章\t12\t0\t3"
    assert [text[t.start:t.end] for t in number_tokens(text)] == ["12", "0", "3"]


def test_tab_cells_keep_blanks_in_place():
    cells = tab_cells("\t\t\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0", 15)
    assert cells[:5] == [None] * 5 and [c.raw for c in cells[5:]] == ["0"] * 10
    assert [c.raw for c in tab_cells("(六) 其他处理\t\t1\t0\t0\t0\t0\t0\t1", 7)] == ["1", "0", "0", "0", "0", "0", "1"]
    assert tab_cells("3. 补正后申请内容仍不明确\t0\t0\t0\t0\t0\t0", 7) is None, "6 cells for 7 columns: unknown"
    assert tab_cells("no tabs 0 0 0", 3) is None


def test_compact_folds_spaces_and_shows_blank_cells():
    text = "  一、本年新收    3001 53\n\n\t\t\t\t\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0\n"
    assert compact(text, 15) == "一、本年新收 3001 53\n" + "\t".join(["(空)"] * 5 + ["0"] * 10)
    assert compact(text) == "一、本年新收 3001 53\n" + "\t" * 5 + "\t".join(["0"] * 10)


def test_thousands_separators_make_one_number():
    assert [t.value for t in number_tokens("共 3,119 件，1,2 条")] == [3119, 1, 2]
