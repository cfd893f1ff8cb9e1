"""Issuer = the body named in the title, without page chrome or field labels (synthetic variants)."""
from __future__ import annotations

import pytest

from extractor.meta import read_meta

BODY = "\n一、总体情况\n本年度……\n"
TITLE = "2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("issuer", ["黄山市审计局", "中埠镇人民政府", "西藏自治区国有资产监督管理委员会"])
@pytest.mark.parametrize("line", [
    "{i}" + TITLE,
    "标题:{i}" + TITLE,
    "标 题：{i}" + TITLE,
    "标      题 {i}" + TITLE,
    "| 标 题 | {i}" + TITLE + " | ||",
    "-Whatitis:{i}" + TITLE,
    "先创区中埠镇标题: {i}" + TITLE,
    "当前位置:首页 > 公告公示 > {i}" + TITLE,
    "字体大小:A+ A A- 分享: 打印 {i}" + TITLE,
    "•2024-01-26{i}" + TITLE,
    "根据《中华人民共和国政府信息公开条例》要求，现发布{i}" + TITLE,
    "{i}2023年政务信息公开工作开展年度报告",
])
def test_chrome_and_labels_are_stripped(line, issuer):
    text = line.format(i=issuer) + BODY
    meta = read_meta(text, len(text))
    assert (meta.issuer, meta.year) == (issuer, 2023)


@pytest.mark.parametrize("line", [
    "根据《中华人民共和国政府信息公开条例》和县政府办公室关于做好" + TITLE + "编制工作的通知",
    "特向社会公布我旗" + TITLE,
    "标题:" + TITLE,
])
def test_no_body_named_means_no_issuer_from_the_title(line):
    text = line + BODY
    assert read_meta(text, len(text)).issuer is None


def test_without_a_title_the_publisher_field_names_the_issuer():
    text = "- 索 引 号:QZ07911-0101-2025-00001\n- 发布机构:蓬华镇人民政府\n- 公文生成日期:2025-01-07\n" \
           "根据《条例》，特向社会公布2024年度本级政府信息公开年度报告。" + BODY
    assert read_meta(text, len(text)).issuer == "蓬华镇人民政府"
    empty_field = "发布机构 发布日期 2026-01-16\n" + BODY
    assert read_meta(empty_field, len(empty_field)).issuer is None  # the next label is no name
