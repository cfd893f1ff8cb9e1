"""Titles, part headings and narrative filler, with the traps real narratives carry.

The narrative states numbers (「主动公开政府信息 368 条」) that must never be read as table
values, and part 一 sometimes has its own 「一、」「二、」 headings (sample 002).
"""
from __future__ import annotations

import random

_PLACES = ("崇兴", "鹿窝", "张易", "红寺堡", "洪泽", "清河", "永宁", "石门", "青山", "白塔", "金川", "新华",
           "东关", "西湖", "南沙", "北林", "长乐", "安平", "太平", "兴隆", "龙泉", "柳林", "黄河", "望远")
_CITIES = ("灵武市", "息烽县", "原州区", "吴忠市", "淮安市", "孝感市", "固原市", "银川市", "中卫市", "贵阳市")
_BODIES = ("{place}镇人民政府", "{place}乡人民政府", "{place}街道办事处", "{city}{place}镇人民政府",
           "{city}人民政府", "{city}人民政府办公室", "{city}政务服务中心", "{city}自然资源局", "{city}教育局")

# The standard heading of each part, then variants seen in real reports (format.md §1.3).
HEADINGS = {
    "p1": ("一、总体情况", "一、总体情况"),
    "p2": ("二、主动公开政府信息情况", "二、行政机关主动公开政府信息情况"),
    "p3": ("三、收到和处理政府信息公开申请情况", "三、收到和处理政府信息公开申请情况"),
    "p4": ("四、政府信息公开行政复议、行政诉讼情况", "四、申请行政复议、提起行政诉讼情况"),
    "p5": ("五、存在的主要问题及改进情况", "五、存在的问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    "p6": ("六、其他需要报告的事项", "六、其他需要报告的事项"),
}
_ASPECTS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")
_FILLER = (
    "坚持以公开为常态、不公开为例外，严格落实信息发布审核制度，做到应公开尽公开。",
    "及时更新政府网站政府信息公开专栏，规范公开内容和公开形式，提升公开质量。",
    "加强政务新媒体管理，通过微信公众号及时发布政策解读和便民服务信息。",
    "严格执行保密审查制度，坚持“先审查后公开”和“谁公开谁负责”的原则。",
    "建立健全依申请公开受理、审查、答复等工作流程，确保依法依规按时答复。",
    "将政务公开工作纳入年度目标考核，定期开展自查，发现问题及时整改。",
    "组织工作人员参加政务公开业务培训，提高信息发布的规范化水平。",
)


def issuer(rng: random.Random) -> str:
    return rng.choice(_BODIES).format(place=rng.choice(_PLACES), city=rng.choice(_CITIES))


def title(name: str, year: int, rng: random.Random) -> list[str]:
    """The title, on one line or split over two like many PDFs."""
    sp = " " if rng.random() < 0.4 else ""
    if rng.random() < 0.2:
        return [name, f"{year}{sp}年政府信息公开工作年度报告"]
    return [f"{name}{sp}{year}{sp}年政府信息公开工作年度报告"]


def heading(key: str, rng: random.Random, variants: bool) -> str:
    options = HEADINGS[key]
    return rng.choice(options[1:]) if variants and rng.random() < 0.5 else options[0]


def preamble(name: str, year: int) -> str:
    return (f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）规定，特向社会公布{name}{year}年政府信息公开"
            "工作年度报告。本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、"
            f"行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六部分组成。本报告中所列数据的统计期限自{year}年"
            f"1月1日起至{year}年12月31日止。如对本报告有疑问，请与{name}办公室联系（电话：0951-{4681710 + len(name)}）。")


def part1(rng: random.Random, internal_headings: bool) -> list[tuple[str, str]]:
    """Part 一 as (kind, text) blocks; kind is 'heading' or 'para'."""
    out: list[tuple[str, str]] = []
    total = rng.randint(20, 900)
    parts = [rng.randint(1, max(1, total // 3)) for _ in range(3)]
    out.append(("para", f"{rng.choice(_FILLER)}全年共主动公开政府信息{total}条，其中政策文件{parts[0]}条、"
                        f"工作动态{parts[1]}条、通知公告{parts[2]}条。"))
    numerals = "一二三四五"
    for i, aspect in enumerate(rng.sample(_ASPECTS, rng.randint(2, 5))):
        label = f"{numerals[i]}、加强{aspect}工作" if internal_headings else f"（{numerals[i]}）{aspect}"
        out.append(("heading", label))
        text = "".join(rng.sample(_FILLER, 2))
        if rng.random() < 0.4:
            text += f"本年度共组织培训{rng.randint(1, 12)}次，参训人员{rng.randint(10, 300)}人次。"
        out.append(("para", text))
    return out


def part5(rng: random.Random) -> list[str]:
    return ["一是政策解读形式较为单一，解读质量有待提升；二是信息公开的及时性和规范性还需加强。",
            "下一步，将进一步完善工作机制，加强业务培训，" + rng.choice(_FILLER)]


def part6(year: int, rng: random.Random) -> str:
    if year >= 2021:
        fee = "本年度未收取信息处理费。" if rng.random() < 0.7 else f"本年度收取信息处理费{rng.randint(1, 9000)}元。"
        return f"依据《政府信息公开信息处理费管理办法》，{fee}"
    return "无其他需要报告的事项。"


def signature(name: str, year: int, rng: random.Random) -> list[str]:
    return [name, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
