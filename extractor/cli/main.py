"""``nianbao`` entry point: parse, dispatch to a sub-command, translate errors to exit codes.

Exit codes: 0 done; 2 bad input or bad usage (one line on stderr); 1 internal error.

Only the chosen sub-command's module is imported, and those modules import the library
inside ``run``: ``nianbao --help`` loads no part of the pipeline.
"""
from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from extractor.cli.i18n import choose, t, use

# Each sub-command is a module in this package with ``register(subparsers)`` and ``run(args)``.
COMMANDS = {
    "extract": ("提取一份或多份年报", "extract one or more reports"),
    "batch": ("批量提取到结果文件夹（可续跑）", "extract many reports into a results folder (resumable)"),
    "review": ("人工审核低置信度的单元格", "review low-confidence cells; export corrections as gold"),
    "export": ("把审核结果写入结果文件夹的表格（csv、parquet、xlsx、summary）",
               "write review decisions into a results folder's tables (csv, parquet, xlsx, summary)"),
    "eval": ("用人工标注或合成报告评测提取准确率", "score extraction against gold fixtures or synthetic reports"),
    "serve": ("启动网页和 HTTP 接口：上传、核对、下载", "HTTP API and web page: upload, read, review, download"),
}


def version() -> str:
    from extractor._version import __version__

    return __version__


class _Version(argparse.Action):
    """``--version``."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"nianbao {version()}")  # on stdout, as argparse's own version action does
        parser.exit()


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with the width found as ``shutil.get_terminal_size`` finds it but without
    importing shutil: argparse builds a formatter for every argument added, and ``import shutil``
    (bz2 and lzma with it) is ~10 ms of a start-up."""

    def __init__(self, prog: str, **kwargs) -> None:
        if kwargs.get("width") is None:
            kwargs["width"] = _columns() - 2  # what argparse itself subtracts
        super().__init__(prog, **kwargs)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]  # None: caught
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """The parser; only ``command``'s module is imported (the others are listed by name)."""
    parser = _Parser(
        prog="nianbao", description=t("政府信息公开工作年度报告 → 核验过的数据。",
                                      "政府信息公开工作年度报告 → verified data."),
        epilog=t("用 nianbao 命令 --help 查看各命令的说明。--lang en 显示英文。",
                 "See nianbao COMMAND --help for each command. --lang zh shows Chinese."))
    parser.add_argument("--version", action=_Version, nargs=0, help=t("显示版本号并退出", "show the version and exit"))
    parser.add_argument("--lang", choices=["zh", "en"], help=t("界面语言（默认中文；英文 LANG 时为英文）",
                                                                "language of messages (default Chinese; English "
                                                                "under an English LANG)"))
    parser.add_argument("--debug", action="store_true", help=t("内部错误时显示完整的回溯", "show tracebacks for internal errors"))
    sub = parser.add_subparsers(dest="command", metavar=t("命令", "COMMAND"),
                                parser_class=_Parser)
    for name, (zh, en) in COMMANDS.items():
        if name == command:
            import_module(f"extractor.cli.{name}").register(sub)
        else:
            sub.add_parser(name, help=t(zh, en))
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # pydantic looks for plugins by scanning every installed package's entry points when the first
    # model is built (~13 ms of each start-up); the CLI uses none. Set the variable to "" for them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        lang, argv = choose(argv)
    except ValueError as e:
        use("zh")
        print(f"nianbao: 错误: --lang 只能是 zh 或 en（不是 {e.args[0]!r}）/ --lang must be zh or en", file=sys.stderr)
        return 2
    use(lang)
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command if command in COMMANDS else None)
    if not argv:  # `nianbao` alone: what it can do, not a bare error
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print(t("nianbao: 已中断", "nianbao: interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # the one boundary: never a traceback unless asked for
        from extractor.errors import NianbaoError

        if isinstance(e, NianbaoError):
            print(error_line(e), file=sys.stderr)
            return e.exit_code
        if args.debug or os.environ.get("NIANBAO_DEBUG"):
            raise
        print(t(f"nianbao: 内部错误: {type(e).__name__}: {e}（加 --debug 重新运行可看详细信息）",
                f"nianbao: internal error: {type(e).__name__}: {e} (rerun with --debug for details)"),
              file=sys.stderr)
        return 1


def error_line(e: Exception) -> str:
    """One line for an error nianbao raised on purpose: what kind of problem it is, in the
    chosen language, then the library's message (which names the file)."""
    from extractor import errors

    kinds = ((errors.UnsupportedFormat, "不支持的文件类型"), (errors.EmptyDocument, "文件为空或没有文字"),
             (errors.NoTextLayer, "PDF 没有文字层（扫描件），请先做 OCR"), (errors.UnreadableDocument, "文件无法读取"),
             (errors.NotAReport, "不是政府信息公开工作年度报告"), (errors.InputError, "输入有误"),
             (errors.ConfigError, "设置有误"), (errors.BackendError, "模型接口出错"))
    one_line = " ".join(str(e).split())
    kind = next((zh for cls, zh in kinds if isinstance(e, cls)), "出错")
    return t(f"nianbao: 错误: {kind}：{one_line}", f"nianbao: error: {one_line}")


if __name__ == "__main__":
    sys.exit(main())
