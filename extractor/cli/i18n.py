"""The CLI's language: Chinese by default, English with ``--lang en`` or an English locale.

``--lang zh|en`` wins; else the first of ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is set
decides: a locale starting with ``en`` (``en_US.UTF-8``) means English. ``C``, ``POSIX`` or
no locale at all say nothing about the reader's language (containers and CI run that way),
so they keep the default, Chinese. Messages are written in place as ``t("中文", "English")``;
argparse's own words are translated through its gettext hook.
"""
from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

LANGS = ("zh", "en")
_lang = "zh"

# argparse (Python 3.11–3.13) wraps these in gettext's ``_``; Chinese for each.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s: 错误: %(message)s\n",
    "the following arguments are required: %s": "缺少参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同用",
    "one of the arguments %s is required": "需要参数 %s 之一",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可以是 %(matches)s",
}


def choose(argv: list[str], environ: Mapping[str, str] | None = None) -> tuple[str, list[str]]:
    """``(language, argv without --lang)``. Raises ``ValueError`` for an unknown ``--lang``."""
    environ = os.environ if environ is None else environ
    rest: list[str] = []
    chosen = None
    it = iter(argv)
    for arg in it:
        if arg == "--":
            rest.append(arg)
            rest.extend(it)
            break
        if arg == "--lang" or arg.startswith("--lang="):
            value = arg.partition("=")[2] if "=" in arg else next(it, "")
            if value not in LANGS:
                raise ValueError(value)
            chosen = value
            continue
        rest.append(arg)
    return chosen or from_locale(environ), rest


def from_locale(environ: Mapping[str, str]) -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


def use(lang: str) -> None:
    """Set the language for every message from now on (argparse's included)."""
    global _lang
    _lang = lang
    argparse._ = _argparse_text  # type: ignore[attr-defined]


def lang() -> str:
    return _lang


def t(zh: str, en: str) -> str:
    """The message in the chosen language."""
    return en if _lang == "en" else zh


def _argparse_text(message: str) -> str:
    return _ARGPARSE_ZH.get(message, message) if _lang == "zh" else message
