"""``nianbao`` entry point: parse, dispatch to a sub-command, translate errors to exit codes.

Exit codes: 0 done; 2 bad input or bad usage (one line on stderr); 1 internal error.
"""
from __future__ import annotations

import argparse
import os
import sys
from importlib import import_module

from extractor.errors import NianbaoError

# Each sub-command is a module in this package with ``register(subparsers)``.
COMMANDS = ("extract", "eval", "batch", "review", "serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao", description="政府信息公开工作年度报告 → verified data.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for internal errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = import_module(f"extractor.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"extractor.cli.{name}":
                raise
            continue  # a sub-command not built yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NianbaoError as e:
        print(f"nianbao: error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("nianbao: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # the one boundary: never a traceback unless asked for
        if args.debug or os.environ.get("NIANBAO_DEBUG"):
            raise
        print(f"nianbao: internal error: {type(e).__name__}: {e} (rerun with --debug for details)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
