import pytest

from extractor.api import extract
from extractor.parts import split_parts
from tests.conftest import fixture_file

PARTS = {  # format.md §7: what each sample has
    "000_964c95048e543ea8": {"p4": "missing"},
    "001_9a2f7be38055e01f": {"p6": "empty"},
    "002_f1b7a6577c4363b9": {},
    "003_589bf4f08d70f012": {},
    "004_a0c7fabfdf456585": {"p4": "missing"},
}


@pytest.mark.parametrize("name", sorted(PARTS))
def test_parts_of_samples(name):
    text = extract(fixture_file(name)).model_dump()
    statuses = {k: v["status"] for k, v in text["parts"].items()}
    expected = {k: PARTS[name].get(k, "present") for k in ("p1", "p2", "p3", "p4", "p5", "p6")}
    assert statuses == expected


def test_part_one_internal_headings_do_not_split():
    """Sample 002's part 一 has its own 「二、注重实效…」 heading before the real part 二."""
    from extractor.load import load
    doc = load(fixture_file("002_f1b7a6577c4363b9"))
    parts = split_parts(doc.text)
    assert parts["p2"].heading.startswith("二、主动公开")
    assert "注重实效" in doc.text[parts["p1"].start:parts["p1"].end]


def test_heading_variants():
    text = ("某局2020年政府信息公开工作年度报告\n一、总体情况\n正文内容。\n二、行政机关主动公开政府信息情况\n表格内容\n"
            "三、收到和处理政府信息公开申请情况\n表格内容\n四、申请行政复议、提起行政诉讼情况\n表格内容\n"
            "五、政府信息公开工作存在的主要问题及改进情况\n问题\n六、其他需要报告的事项\n无。\n")
    parts = split_parts(text)
    assert all(p.status == "present" for p in parts.values())


@pytest.mark.parametrize(("name", "issuer", "year"), [
    ("000_964c95048e543ea8", "灵武市崇兴镇人民政府", 2020),
    ("003_589bf4f08d70f012", "吴忠市政务服务中心", 2020),
    ("004_a0c7fabfdf456585", "吴忠市红寺堡区红寺堡镇人民政府", 2021),
    ("hongze-2024", "淮安市洪泽区人民政府", 2024),
    ("szfgs2024", "淮安市人民政府", 2024),
])
def test_meta(name, issuer, year):
    meta = extract(fixture_file(name)).meta
    assert (meta.issuer, meta.year) == (issuer, year)


def test_published_date_from_page_chrome():
    assert extract(fixture_file("001_9a2f7be38055e01f")).meta.published == "2021-01-20"


def test_template_mismatch_and_mixed_markers():
    from extractor.template import detect_template
    det = detect_template("第二十条第(一)项 信息内容 本年新制作数量 本年新公开数量", 2022)
    assert det.template == "2019" and any(f.check == "template.year" for f in det.findings)
    hongze = extract(fixture_file("hongze-2024"))
    assert hongze.meta.template == "2021"
    assert any(f.check == "template.mixed" for f in hongze.findings)
    assert detect_template("没有表格的文字", None).template is None
    by_year = detect_template("没有表格的文字", 2021)  # no markers: the year decides, and says so
    assert by_year.template == "2021" and [f.check for f in by_year.findings] == ["template.by_year"]
    assert detect_template("没有表格的文字", 2020).template == "2019"
    # A marker word inside a prose sentence is not a table marker.
    assert detect_template("按规定主动公开行政处罚、政府集中采购等情况。", 2023).template == "2021"
