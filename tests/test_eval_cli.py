"""``nianbao eval``: reports written, baseline diffs, gates and exit codes."""
import json
import shutil

import pytest

from evals.synth import LAYOUTS
from extractor.cli.main import main
from tests.conftest import FIXTURES


@pytest.fixture
def fixtures(tmp_path):
    root = tmp_path / "fixtures"
    for name in ("001_9a2f7be38055e01f", "004_a0c7fabfdf456585"):
        shutil.copytree(FIXTURES / name, root / name)
    return root


def nianbao(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_eval_writes_json_and_markdown_and_prints_the_tables(capsys, fixtures, tmp_path):
    out = tmp_path / "out"
    code, stdout, _ = nianbao(capsys, "eval", "--fixtures", fixtures, "--out", out, "--write-baseline", out / "b.json")
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents_count"] == 2 and report["backend"] == "rules"
    assert [d["name"] for d in report["documents"]] == ["001_9a2f7be38055e01f", "004_a0c7fabfdf456585"]
    assert report["overall"]["scored"] == 183 + 200 and report["gates"] is None
    assert "## Calibration" in (out / "report.md").read_text(encoding="utf-8")
    for title in ("Summary", "By part", "Documents", "Risk–coverage"):
        assert title in stdout
    baseline = json.loads((out / "b.json").read_text(encoding="utf-8"))
    assert "run" not in baseline and baseline["overall"] == report["overall"]


def test_baseline_diff_and_gates(capsys, fixtures, tmp_path):
    # The reader may read these fixtures perfectly: one wrong gold value makes sure it does not here.
    gold_file = fixtures / "001_9a2f7be38055e01f" / "gold.json"
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    gold["cells"]["p2.regulations.made"] += 1
    gold_file.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    nianbao(capsys, "eval", "--fixtures", fixtures, "--out", tmp_path, "--write-baseline", tmp_path / "b.json")
    base = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    code, stdout, _ = nianbao(capsys, "eval", "--fixtures", fixtures, "--out", tmp_path,
                              "--baseline", tmp_path / "b.json", "--fail-under-baseline")
    assert code == 0 and "Against the baseline" in stdout and "pass" in stdout
    # A baseline claiming a better reader: the same run now regresses and the gate fails with exit 3.
    base["overall"]["accuracy"] = 1.0
    base["documents"][0]["cells"]["accuracy"] = 1.0
    (tmp_path / "better.json").write_text(json.dumps(base), encoding="utf-8")
    code, stdout, _ = nianbao(capsys, "eval", "--fixtures", fixtures, "--out", tmp_path,
                              "--baseline", tmp_path / "better.json", "--fail-under-baseline")
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert code == 3 and "FAIL" in stdout and report["gates"]
    assert [r["document"] for r in report["comparison"]["regressions"]] == ["001_9a2f7be38055e01f"]
    assert nianbao(capsys, "eval", "--fixtures", fixtures, "--out", tmp_path, "--min-accuracy", "1")[0] == 3


@pytest.mark.parametrize(("args", "needle"), [
    (["--baseline", "/nonexistent.json"], "no such baseline file"),
    (["--fail-under-baseline"], "needs --baseline"),
    (["--min-accuracy", "95"], "fraction between 0 and 1"),
    (["--fixtures", "/nonexistent"], "no such fixtures folder"),
    (["--inject"], "only applies to --synth"),
])
def test_bad_usage_is_one_line_and_exit_2(capsys, tmp_path, args, needle):
    code, _, err = nianbao(capsys, "eval", "--out", tmp_path, *args)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_synthetic_eval_groups_by_layout(capsys, tmp_path):
    code, stdout, _ = nianbao(capsys, "eval", "--synth", "12", "--seed", "3", "--inject", "--out", tmp_path)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert code == 0 and report["documents_count"] == 12 and "By layout" in stdout
    assert set(report["groups"]["layout"]) <= set(LAYOUTS)
    assert report["findings"]["expected"] >= 12  # each injected error names at least one broken rule
    assert "wrong" not in report["documents"][0]
