"""The CLI for Chinese users (help and messages in Chinese, English on request), portable
(nothing POSIX-only on the import path) and light (``--help`` loads no part of the pipeline)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from extractor.cli.i18n import choose, from_locale
from tests.conftest import fixture_file


def run(*args, env=None, code=None):
    base = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANG")}
    command = ["-c", code] if code else ["-m", "extractor.cli.main", *map(str, args)]
    return subprocess.run([sys.executable, *command], capture_output=True, text=True, env={**base, **(env or {})})


@pytest.mark.parametrize(("environ", "lang"), [
    ({}, "zh"), ({"LANG": "C"}, "zh"), ({"LANG": "POSIX"}, "zh"), ({"LANG": "C.UTF-8"}, "zh"),
    ({"LANG": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "en_GB"}, "en"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"), ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US"}, "zh"),
    ({"LC_MESSAGES": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
])
def test_language_from_the_locale(environ, lang):
    assert from_locale(environ) == lang


def test_lang_option_wins_anywhere_and_is_removed():
    assert choose(["extract", "a.txt", "--lang", "en"], {"LANG": "zh_CN"}) == ("en", ["extract", "a.txt"])
    assert choose(["--lang=zh", "batch"], {"LANG": "en_US"}) == ("zh", ["batch"])
    assert choose(["extract", "--", "--lang"], {}) == ("zh", ["extract", "--", "--lang"])  # a file named --lang
    with pytest.raises(ValueError):
        choose(["--lang", "fr"], {})


def test_help_is_chinese_by_default_and_english_on_request():
    zh, en, en_env = run("--help"), run("--help", "--lang", "en"), run("batch", "--help", env={"LANG": "en_US.UTF-8"})
    assert zh.returncode == en.returncode == en_env.returncode == 0
    assert "用法" in zh.stdout and "批量提取" in zh.stdout and "显示帮助并退出" in zh.stdout
    assert "usage:" in en.stdout and "extract many reports" in en.stdout
    assert "usage:" in en_env.stdout and "the results folder" in en_env.stdout
    sub = run("extract", "--help", env={"LANG": "C"})
    assert "提取年报" in sub.stdout and "完整结果" in sub.stdout  # C/POSIX: the default, Chinese


def test_nianbao_alone_prints_the_help_and_version_prints_the_version():
    alone = run()
    assert alone.returncode == 0 and "用法" in alone.stdout and "extract" in alone.stdout and not alone.stderr
    version = run("--version")
    assert version.returncode == 0 and version.stdout.startswith("nianbao ") and version.stdout.strip() != "nianbao"


def test_usage_errors_are_one_line_in_the_chosen_language():
    zh = run("batch", "x")  # --out missing
    en = run("--lang", "en", "batch", "x")
    assert zh.returncode == en.returncode == 2
    assert "缺少参数" in zh.stderr and "required" in en.stderr
    bad = run("--lang", "fr", "--help")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


def test_help_imports_no_part_of_the_pipeline():
    code = ("import sys\nfrom extractor.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('extractor.api', 'extractor.load', 'schemas', 'pydantic', 'rich', 'pyarrow', "
            "'importlib.metadata') if m in sys.modules]\nprint('HEAVY', heavy)")
    proc = run(code=code)
    assert proc.returncode == 0 and "HEAVY []" in proc.stdout, proc.stdout + proc.stderr


def test_the_cli_works_where_fcntl_and_resource_do_not_exist(tmp_path):
    """As on Windows: the CLI imports, and a batch takes its folder lock through filelock."""
    src = fixture_file("003_589bf4f08d70f012")
    code = ("import sys\nsys.modules['fcntl'] = None\nsys.modules['resource'] = None\n"
            "from extractor.cli.main import main\n"
            f"sys.exit(main(['--lang', 'en', 'batch', {str(src)!r}, '--out', {str(tmp_path / 'out')!r}, "
            "'--jobs', '1', '--backend', 'rules']))")
    proc = run(code=code)
    assert proc.returncode == 0, proc.stderr
    assert "1 ok" in proc.stdout and (tmp_path / "out" / "cells.xlsx").exists()


def test_the_review_help_default_is_the_queue_threshold():
    from extractor.cli import review
    from extractor.review import queue

    assert review.DEFAULT_THRESHOLD == queue.DEFAULT_THRESHOLD


def test_the_extract_summary_speaks_the_chosen_language():
    src = fixture_file("003_589bf4f08d70f012")
    zh, en = run("extract", src), run("extract", src, env={"LANG": "en_US.UTF-8"})
    assert zh.returncode == en.returncode == 0
    assert "单元格：正常" in zh.stdout and "模板 2019" in zh.stdout
    assert "cells: " in en.stdout and "template 2019" in en.stdout
