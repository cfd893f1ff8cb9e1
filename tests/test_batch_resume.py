"""A batch killed with SIGKILL and resumed ends with the same folder as an uninterrupted run."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import SAMPLES

DOCS = 150


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("resume") / "in"
    root.mkdir()
    for i in range(DOCS):
        text = SAMPLES[i % len(SAMPLES)].read_text(encoding="utf-8")
        (root / f"doc{i:04d}.txt").write_text(f"{text}\n（副本 {i}）\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 16)
    return root


def batch(inputs: Path, out: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "extractor.cli.main", "batch", str(inputs), "--out", str(out),
                             "--jobs", "2", "--backend", "rules"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            **popen)


def finish(proc: subprocess.Popen) -> None:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()


@pytest.fixture(scope="module")
def uninterrupted(inputs, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "out"
    finish(batch(inputs, out))
    return out


@pytest.mark.parametrize("kill_after", [20, DOCS + 2], ids=["while extracting", "after extracting"])
def test_sigkill_then_resume_equals_uninterrupted_run(inputs, uninterrupted, tmp_path, kill_after):
    out = tmp_path / "out"
    proc = batch(inputs, out, start_new_session=True)
    done = 0
    deadline = time.monotonic() + 60
    while done < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
        done = _count(out / "results") + _count(out / "errors")
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, at once
    proc.communicate()
    killed_with = _count(out / "results") + _count(out / "errors")
    assert 0 < killed_with and (killed_with < DOCS + 2 or kill_after > DOCS)

    resumed = batch(inputs, out)
    finish(resumed)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["last_run"]["skipped_done"] == killed_with  # nothing redone …
    assert summary["last_run"]["processed"] == DOCS + 2 - killed_with  # … and nothing lost
    assert _snapshot(out) == _snapshot(uninterrupted)
    for name in ("cells", "cells_wide"):
        assert pq.read_table(out / f"{name}.parquet").equals(pq.read_table(uninterrupted / f"{name}.parquet"))


def _count(folder: Path) -> int:
    return sum(1 for p in folder.glob("*.json")) if folder.exists() else 0


def _snapshot(out: Path) -> dict[str, bytes | dict]:
    """Every file but the parquet tables (compared as tables) and the lock; summary less its timings."""
    snap: dict[str, bytes | dict] = {}
    for path in sorted(out.rglob("*")):
        rel = str(path.relative_to(out))
        if path.is_file() and path.suffix != ".parquet" and path.name != ".lock":
            snap[rel] = path.read_bytes()
    summary = json.loads(snap.pop("summary.json"))
    del summary["last_run"]
    snap["summary.json"] = summary
    return snap
