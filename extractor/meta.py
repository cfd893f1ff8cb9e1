"""Report metadata from the title, preamble and signature: issuer, year, publication date.

The issuer is the body named in the title (``XX局2023年政府信息公开工作年度报告``). Pages saved
from government sites put chrome before it on the same line: field labels (``标题:``,
``|标 题|``), breadcrumbs (``当前位置:首页>…``), toolbar words (``字体大小:A+ A A- 分享: 打印``),
bullets and dates, or a preamble sentence (``根据《条例》…现发布``); these are cut off. Without
a title the page's ``发布机构`` field names the issuer, else the signature at the end.
"""
from __future__ import annotations

import re

from extractor.lazy_re import lazy_compile
from schemas import Meta

_TITLE = lazy_compile(r"^(?P<issuer>.{0,40}?)(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:(?:政府|政务)?信息公开|政务公开)"
                      r"[^\n]{0,12}?年度?报告")
# Chrome before the issuer on a title line, cut at its last occurrence: a field label or any
# "label:" / "|" / breadcrumb separator, a verb that introduces the title in a preamble sentence.
_CHROME_CUT = lazy_compile(r"^.*(?:[:：|｜>»›]|标\s*题|题\s*名|名\s*称|现(?:予以)?(?:发布|公布)|特(?:向社会)?(?:发布|公布)"
                           r"|编制(?:了)?|公布(?:了)?|发布(?:了)?)")
_CHROME_LEAD = lazy_compile(r"^(?:[-–—•·*#\s\d./年月日]|首页|当前位置|您的位置|打印本页|打印|分享到|分享|收藏|关闭窗口|关闭|"
                            r"字号|字体大小|字体|A\+|A-|AA|公告公示|通知公告|政务公开|信息公开|年度报告|政府信息公开年报)+")
_NOT_AN_ISSUER = lazy_compile(r"根据|依据|条例|我(?:单位|局|委|办|镇|乡|旗|县|区|市|厅|部|院|中心|街道)|本(?:单位|机关|级)|^[\W\d]*$")
_PUBLISHER = lazy_compile(r"(?:发布机构|发文机关|发布单位|来源单位)\s*[:：|]?\s*(?P<name>[^\s|:：]{2,40}?)\s*(?:[|\n]|$|\s{2,}|发布日期|发文日期|成文日期|生成日期)", re.M)
_PERIOD_YEAR = lazy_compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?[,，]?\s*(?:至|到|-|—)")
_NAMED_REPORT = lazy_compile(r"((?:19|20)\d{2})\s*年度?\s*(?:(?:政府|政务)?信息公开|政务公开)(?:工作)?年度?(?:工作)?报告")
_YEAR_END = lazy_compile(r"截[止至]到?\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_YEAR_DU = lazy_compile(r"((?:19|20)\d{2})\s*年度")
_PUBLISHED = lazy_compile(r"(?:发布|公开|印发)(?:时间|日期)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
# A date on a line of its own, searched for in the text after a line break (a literal first
# character lets the search skip to each line break; ^ in re.M tries every position).
_DATE_LINE = lazy_compile(r"\n\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M)
_SIGNATURE = lazy_compile(r"^\s*(\S{2,30}?(?:人民政府|办公室|委员会|局|中心|管理处|街道办事处))\s*$", re.M)
_NOT_A_NAME = lazy_compile(r"\d|日期|索引|文号")
_DECOR = lazy_compile(r"[\s#*《》<>]+")
_LEVEL_SUFFIX = ("镇", "乡", "街道", "区", "县", "市", "州", "盟", "旗")


def read_meta(text: str, preamble_end: int) -> Meta:
    head = text[: max(preamble_end, 0) or 2000][:3000]
    title, issuer, year = None, None, None
    lines = [bare for line in head.splitlines()[:20] if (bare := _DECOR.sub("", line))]
    for i in range(len(lines)):
        for joined in (lines[i], "".join(lines[i:i + 2])):  # titles are often split over two lines
            m = _TITLE.search(joined)
            if m:
                title, issuer, year = m.group(0), clean_issuer(m["issuer"]), int(m["year"])
                break
        if title:
            break
    tail = text[-1500:]
    published = _published(text, tail)
    if year is None:
        year = _year(text, published)
    if issuer is None:
        issuer = _publisher(head)
    if issuer is None:
        sig = _SIGNATURE.findall(tail)
        issuer = sig[-1] if sig else None
    elif issuer.endswith(_LEVEL_SUFFIX) and f"{issuer}人民政府" in text:
        issuer = f"{issuer}人民政府"
    return Meta.build(issuer=issuer, year=year, title=title, published=published)


def _year(text: str, published: str | None) -> int | None:
    """The report year without a title: the statistics period, the report named in a sentence,
    「YYYY年度」, 「截至YYYY年12月31日」, or the year before a January–March publication date."""
    head = text[:4000]
    for pattern, where in ((_PERIOD_YEAR, text), (_NAMED_REPORT, head), (_YEAR_DU, head), (_YEAR_END, head)):
        m = pattern.search(where)
        if m:
            return int(m.group(1))
    if published and int(published[5:7]) <= 3:
        return int(published[:4]) - 1
    return None


def clean_issuer(candidate: str) -> str | None:
    """The issuer part of what stands before the year on a title line, without page chrome and
    field labels; ``None`` where what is left names no body (a pronoun, a sentence)."""
    name = _CHROME_CUT.sub("", candidate.strip())
    name = _CHROME_LEAD.sub("", name).strip()
    if len(name) < 2 or _NOT_AN_ISSUER.search(name):
        return None
    return name


def _publisher(head: str) -> str | None:
    """The page's ``发布机构`` field, where it holds a name (not a date, not the next label)."""
    for m in _PUBLISHER.finditer(head):
        name = clean_issuer(m["name"])
        if name and not _NOT_A_NAME.search(name):
            return name
    return None


def _published(text: str, tail: str) -> str | None:
    head = text[:3000]
    m = _PUBLISHED.search(head) if "日期" in head or "时间" in head else None  # the words first: far cheaper
    if not m:
        dates = _DATE_LINE.findall("\n" + tail)
        m_groups = dates[-1] if dates else None
    else:
        m_groups = m.groups()
    if not m_groups:
        return None
    y, mo, d = (int(x) for x in m_groups)
    return f"{y:04d}-{mo:02d}-{d:02d}"
