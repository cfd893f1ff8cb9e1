import json
import os
import subprocess
import sys

import pytest

from schemas import cell_ids
from tests.conftest import FIXTURES, blank_pdf, fixture_file

ALL = {p.name: p for p in sorted(FIXTURES.iterdir()) if p.is_dir()}
TEMPLATES = {"000_964c95048e543ea8": "2019", "001_9a2f7be38055e01f": "2019", "002_f1b7a6577c4363b9": "2019",
             "003_589bf4f08d70f012": "2019", "004_a0c7fabfdf456585": "2021", "hongze-2023": "2021",
             "hongze-2024": "2021", "szfgs2024": "2021"}


def nianbao(*args, input_bytes=None, lang="en"):
    lang_args = ["--lang", lang] if lang else []
    return subprocess.run([sys.executable, "-m", "extractor.cli.main", *lang_args, *map(str, args)],
                          capture_output=True, input=input_bytes)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_extract_json_has_full_id_set_and_template(name):
    proc = nianbao("extract", fixture_file(name), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert out["meta"]["template"] == TEMPLATES[name]
    assert list(out["cells"]) == list(cell_ids(TEMPLATES[name]))
    assert set(out["source"]) >= {"path", "sha256"}
    for cell in out["cells"].values():
        assert cell["status"] in {"ok", "missing", "flagged", "corrected"}
        assert (cell["value"] is None) == (cell["status"] == "missing")


def test_cells_flat_form():
    proc = nianbao("extract", fixture_file("szfgs2024"), "--cells")
    flat = json.loads(proc.stdout)
    assert list(flat) == list(cell_ids("2021"))


def test_text_round_trip(tmp_path):
    src = fixture_file("003_589bf4f08d70f012")
    text = nianbao("extract", src, "--text").stdout
    copy = tmp_path / "copy.txt"
    copy.write_bytes(text)
    assert nianbao("extract", copy, "--text").stdout == text
    a, b = (json.loads(nianbao("extract", p, "--json").stdout)["cells"] for p in (src, copy))
    assert a == b


@pytest.mark.parametrize(("name", "data", "needle"), [
    ("empty.txt", b"", "empty file"),
    ("binary.txt", bytes(range(256)) * 8, "binary file"),
    ("scan.pdf", blank_pdf(), "no text layer"),
    ("table.xls", b"\xd0\xcf\x11\xe0", "unsupported file type"),
    ("story.txt", "今天天气很好。".encode(), "not a government information-disclosure annual report"),
])
@pytest.mark.parametrize(("lang", "prefix"), [("en", "nianbao: error:"), ("zh", "nianbao: 错误:")])
def test_bad_input_exit_2_with_one_line(tmp_path, name, data, needle, lang, prefix):
    path = tmp_path / name
    path.write_bytes(data)
    proc = nianbao("extract", path, "--json", lang=lang)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert err.count("\n") == 1 and err.startswith(prefix) and needle in err
    assert "Traceback" not in err and proc.stdout == b""


@pytest.mark.parametrize("name", ["nope.pdf", "nope"])
def test_missing_file_exit_2(tmp_path, name):
    proc = nianbao("extract", tmp_path / name)
    assert proc.returncode == 2 and "no such file" in proc.stderr.decode()


def test_batch_of_files_keeps_going_past_a_bad_one(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    good = fixture_file("004_a0c7fabfdf456585")
    proc = nianbao("extract", bad, good, "--cells")
    assert proc.returncode == 2
    line = json.loads(proc.stdout.decode().strip())  # the good one was still extracted, its path with it
    assert line["path"] == str(good) and list(line["cells"]) == list(cell_ids("2021"))


def test_cells_over_several_files_is_one_object_per_line_with_its_path(tmp_path):
    files = [fixture_file("003_589bf4f08d70f012"), fixture_file("004_a0c7fabfdf456585")]
    proc = nianbao("extract", *files, "--cells")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 2
    for path, line in zip(files, lines):
        obj = json.loads(line)
        assert obj["path"] == str(path) and set(obj) == {"path", "cells"}
    one = json.loads(nianbao("extract", files[0], "--cells").stdout)
    assert json.loads(lines[0])["cells"] == one  # a single file keeps the flat form


def test_a_folder_with_no_report_in_it_is_a_one_line_usage_error(tmp_path):
    (tmp_path / "notes.json").write_text("{}")
    proc = nianbao("extract", tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "a folder with no .txt .md .html .pdf .docx file in it" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("env", "styled"), [({}, False), ({"FORCE_COLOR": "1"}, True),
                                             ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False)])
def test_the_summary_is_styled_only_on_a_terminal_or_when_forced(env, styled):
    """Piped output (as here) is plain; FORCE_COLOR styles it, NO_COLOR wins over both."""
    base = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    proc = subprocess.run([sys.executable, "-m", "extractor.cli.main", "--lang", "en", "extract",
                           str(fixture_file("000_964c95048e543ea8"))], capture_output=True, env={**base, **env})
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "cells:" in out and ("\x1b[" in out) == styled
