"""Traditional characters and pinyin glosses are undone during normalisation, before anything reads the text."""
import importlib.util
import random

import pytest

from evals.synth import dress
from extractor import Settings, extract
from extractor.errors import NotAReport
from extractor.load import load
from extractor.normalize import normalize
from extractor.t2s import is_traditional, to_simplified
from tests.conftest import ROOT, SAMPLES

CORPUS = ROOT.parent / "shared" / "corpus" / "raw"
TRADITIONAL_FILES = sorted(CORPUS.glob("*traditional*")) if CORPUS.exists() else []


def _cells(source) -> dict:
    return {cid: c.value for cid, c in extract(source, Settings(backend="rules")).cells.items()}


def test_the_committed_table_is_opencc_s():
    spec = importlib.util.spec_from_file_location("gen_t2s_table", ROOT / "scripts" / "gen_t2s_table.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (ROOT / "extractor" / "_t2s_table.py").read_text(encoding="utf-8") == gen.generate()


def test_conversion_is_one_for_one_and_idempotent():
    text = "鵠山鎮人民政府2024年政府信息公開工作年度報告：行政復議、行政訴訟，收到申請數量"
    out = to_simplified(text)
    assert out == "鹄山镇人民政府2024年政府信息公开工作年度报告：行政复议、行政诉讼，收到申请数量"
    assert len(out) == len(text) and to_simplified(out) == out


def test_simplified_characters_that_have_a_traditional_use_stay_in_simplified_text():
    simplified = "杭州市临安区於潜镇人民政府2023年政府信息公开工作年度报告，乾隆年间的古建筑。"
    assert not is_traditional(simplified) and to_simplified(simplified) == simplified
    traditional = "關於印發政府信息公開工作年度報告格式的通知，乾燥" * 2
    assert to_simplified(traditional) == "关于印发政府信息公开工作年度报告格式的通知，干燥" * 2


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
def test_simplified_samples_are_not_traditional(path):
    text = path.read_text(encoding="utf-8")
    out = to_simplified(text)
    assert not is_traditional(text)
    assert {a for a, b in zip(text, out) if a != b} <= {"減"}  # the OCR glyph 「本年増/減」 at most


@pytest.mark.parametrize(("text", "out"), [
    ("報(bào)告", "报告"),
    ("公(gōng)開(kāi)", "公开"),
    ("领(lǐng)导(dǎo)和政府(zhèng fǔ)", "领导和政府"),
    ("學(xué)習(xí)", "学习"),
    ("全(quán)（面）", "全(面)"),  # full-width gloss parentheses after NFKC too; 「（面）」 is not pinyin
])
def test_glosses_are_removed(text, out):
    assert normalize(text) == out + "\n"


@pytest.mark.parametrize("text", ["规章(a)", "见附件(PDF)", "行政许可(一项)", "(xuexi)", "编号(No.3)", "数量(件)"])
def test_parentheses_that_are_not_glosses_stay(text):
    assert normalize(text) == text + "\n"


def test_gloss_removal_is_idempotent():
    text = "報(bà(gào)o)告 (zhèng(fǔ)) 公(gōng)(kāi)開"
    once = normalize(text)
    assert normalize(once) == once and "(" not in once


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("dresses", [("traditional",), ("glosses",), ("traditional", "glosses")])
def test_a_dressed_sample_reads_the_same_cells(path, dresses):
    """A sample in traditional characters and/or with pinyin glosses: the same normalised text, the same cells."""
    text = path.read_text(encoding="utf-8")
    dressed = dress.apply(text, dresses, random.Random(path.name))
    assert dressed != text
    assert load(dressed).text == load(text).text
    assert _cells(dressed) == _cells(text)


@pytest.mark.parametrize("path", TRADITIONAL_FILES, ids=lambda p: p.name[:3])
def test_traditional_corpus_reports_are_reports(path):
    doc = load(path)
    assert "政府信息公开" in doc.text and normalize(doc.text) == doc.text


def test_a_traditional_novel_is_still_not_a_report():
    with pytest.raises(NotAReport):
        load("從前有座山，山裡有座廟，廟裡有個老和尚在講故事。".encode())


def test_the_full_width_pre_pass_gives_nfkc_itself():
    """normalize replaces full-width ASCII and wide spaces by their NFKD forms before NFKC, so that
    NFKC's quick check passes: the result must be NFKC's own, combining marks and all."""
    import unicodedata

    from extractor.normalize import _common_compat
    rng = random.Random(7)
    alphabet = ["，", "（", "）", "＜", "＝", "Ａ", "ｅ", "\u3000", "\xa0", "\u2002", "\u0338", "\u0301", "\u0308",
                "e", "<", "=", "年", "报", "ｶ", "ﾞ", "①", "㍻", "가", "\u1161", "ﬁ", " "]
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        assert unicodedata.normalize("NFKC", _common_compat(text)) == unicodedata.normalize("NFKC", text), ascii(text)
    many = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u0301"  # more kinds than the pre-pass takes on
    assert unicodedata.normalize("NFKC", _common_compat(many)) == unicodedata.normalize("NFKC", many)
