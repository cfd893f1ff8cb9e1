"""Report metadata from the title, preamble and signature: issuer, year, publication date."""
from __future__ import annotations

import re

from schemas import Meta

_TITLE = re.compile(r"^(?P<issuer>.{0,40}?)(?P<year>(?:19|20)\d{2})\s*年度?\s*(?:政府信息公开|政务公开|信息公开)[^\n]{0,12}?年度?报告")
_PERIOD_YEAR = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?[,，]?\s*(?:至|到|-|—)")
_NAMED_REPORT = re.compile(r"((?:19|20)\d{2})\s*年度?\s*(?:政府信息公开|政务公开|信息公开)(?:工作)?年度?(?:工作)?报告")
_YEAR_END = re.compile(r"截[止至]到?\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
_YEAR_DU = re.compile(r"((?:19|20)\d{2})\s*年度")
_PUBLISHED = re.compile(r"(?:发布|公开|印发)(?:时间|日期)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M)
_SIGNATURE = re.compile(r"^\s*(\S{2,30}?(?:人民政府|办公室|委员会|局|中心|管理处|街道办事处))\s*$", re.M)
_DECOR = re.compile(r"[\s#*《》<>]+")
_LEVEL_SUFFIX = ("镇", "乡", "街道", "区", "县", "市", "州", "盟", "旗")


def read_meta(text: str, preamble_end: int) -> Meta:
    head = text[: max(preamble_end, 0) or 2000][:3000]
    title, issuer, year = None, None, None
    lines = [bare for line in head.splitlines()[:20] if (bare := _DECOR.sub("", line))]
    for i in range(len(lines)):
        for joined in (lines[i], "".join(lines[i:i + 2])):  # titles are often split over two lines
            m = _TITLE.search(joined)
            if m:
                title, issuer, year = m.group(0), m["issuer"].strip() or None, int(m["year"])
                break
        if title:
            break
    tail = text[-1500:]
    published = _published(text, tail)
    if year is None:
        year = _year(text, published)
    if issuer is None:
        sig = _SIGNATURE.findall(tail)
        issuer = sig[-1] if sig else None
    elif issuer.endswith(_LEVEL_SUFFIX) and f"{issuer}人民政府" in text:
        issuer = f"{issuer}人民政府"
    return Meta(issuer=issuer, year=year, title=title, published=published)


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


def _published(text: str, tail: str) -> str | None:
    m = _PUBLISHED.search(text[:3000])
    if not m:
        dates = _DATE_LINE.findall(tail)
        m_groups = dates[-1] if dates else None
    else:
        m_groups = m.groups()
    if not m_groups:
        return None
    y, mo, d = (int(x) for x in m_groups)
    return f"{y:04d}-{mo:02d}-{d:02d}"
