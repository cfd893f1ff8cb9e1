"""``nianbao batch --engine ray`` on a local Ray: the local engine's outputs, up to row order.

One local Ray (2 CPUs, no dashboard, a small object store) serves the whole module: starting
it takes most of the time these tests take.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
import time

import pytest

ray = pytest.importorskip("ray", reason="the nianbao[ray] extra (make test installs it)")

from extractor.batch import (  # noqa: E402
    BatchOptions,
    ray_engine,  # noqa: E402
    run_batch,
)
from extractor.batch.discover import Job  # noqa: E402
from extractor.batch.outcome import Outcome  # noqa: E402
from extractor.batch.store import CSV_ENCODING  # noqa: E402
from extractor.errors import ConfigError  # noqa: E402
from extractor.settings import Settings  # noqa: E402
from tests.conftest import blank_pdf, fixture_file  # noqa: E402

SOURCES = ["000_964c95048e543ea8", "001_9a2f7be38055e01f", "002_f1b7a6577c4363b9", "003_589bf4f08d70f012",
           "004_a0c7fabfdf456585", "hongze-2023", "hongze-2024", "template_docx"]
TABLES = ("inputs.csv", "cells.csv", "cells_wide.csv", "findings.csv")


@pytest.fixture(scope="module")
def local_ray():
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the fake workers below, by value
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=80 * 1024 * 1024, log_to_driver=False,
             logging_level="WARNING")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A few fixtures (text, PDF, Word), a duplicate, and inputs that go wrong."""
    inputs = tmp_path_factory.mktemp("ray") / "in"
    inputs.mkdir()
    for name in SOURCES:
        shutil.copy(fixture_file(name), inputs / f"{name}{fixture_file(name).suffix}")
    shutil.copy(fixture_file("004_a0c7fabfdf456585"), inputs / "copy of 004.txt")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "binary.txt").write_bytes(bytes(range(256)) * 16)
    (inputs / "scan.pdf").write_bytes(blank_pdf())
    return inputs


@pytest.fixture(scope="module")
def both(corpus, local_ray):
    """The same inputs through the local engine and through Ray."""
    root = corpus.parent
    local = run_batch([str(corpus)], root / "local", BatchOptions(jobs=2, backend="rules"))
    t = time.perf_counter()
    on_ray = run_batch([str(corpus)], root / "ray", BatchOptions(backend="rules", engine="ray"))
    on_ray["_seconds"] = time.perf_counter() - t
    return root / "local", root / "ray", local, on_ray


def rows(path):
    with open(path, newline="", encoding=CSV_ENCODING) as f:
        return sorted(tuple(r) for r in csv.reader(f))


def folder_files(out, sub):
    return {p.name: p.read_bytes() for p in sorted((out / sub).iterdir())}


def test_ray_writes_what_the_local_engine_writes(both):
    local, on_ray, local_summary, ray_summary = both
    assert ray_summary["last_run"]["processed"] == local_summary["last_run"]["processed"] == 11
    for sub in ("results", "texts"):
        assert folder_files(on_ray, sub) == folder_files(local, sub), sub
    errors = {k: json.loads(v)["reason"] for k, v in folder_files(on_ray, "errors").items()}
    assert sorted(errors.values()) == ["empty", "no_text_layer", "unreadable"]
    assert folder_files(on_ray, "errors") == folder_files(local, "errors")
    for table in TABLES:
        assert rows(on_ray / table) == rows(local / table), table
    assert {r[2] for r in rows(on_ray / "inputs.csv")[:-1]} >= {"ok", "empty"}  # every input has an outcome
    del local_summary["last_run"], ray_summary["last_run"], ray_summary["_seconds"]
    assert ray_summary == local_summary


def test_ray_resumes_where_it_stopped(both):
    _, on_ray, _, _ = both
    again = run_batch([str(on_ray.parent / "in")], on_ray, BatchOptions(backend="rules", engine="ray"))
    assert again["last_run"]["processed"] == 0 and again["last_run"]["skipped_done"] == 11
    lost = sorted((on_ray / "results").iterdir())[0]
    before = lost.read_bytes()
    lost.unlink()  # as if the batch had been killed before this document was written
    seen = []
    again = run_batch([str(on_ray.parent / "in")], on_ray, BatchOptions(backend="rules", engine="ray"),
                      on_outcome=lambda outcome, done, total: seen.append((outcome.key, done, total)))
    assert seen == [(lost.stem, 1, 1)]  # progress: one outcome, of one to do
    assert lost.read_bytes() == before


def _fake(key, path, sha256, settings):
    if path.endswith("sleep"):
        time.sleep(30)
    if path.startswith("slow"):
        time.sleep(0.3)  # an LLM call: the two workers overlap
    if path.endswith("die"):
        os._exit(1)  # a parser crash that takes the worker down
    return Outcome(key, path, sha256, result_json=json.dumps({"started": time.time(), "pid": os.getpid(),
                                                              "cwd": os.getcwd()}))


def _jobs(*names):
    return [Job(f"{i:016x}", name, None) for i, name in enumerate(names)]


def test_ray_timeout_and_crash_are_records_and_the_others_are_done(local_ray, monkeypatch):
    monkeypatch.setattr(ray_engine, "MAX_TASK_RETRIES", 0)  # each retry restarts a worker: seconds here
    jobs = _jobs("a", "b", "sleep", "c", "die", "d")
    t = time.perf_counter()
    outcomes = {o.path: o for o in ray_engine.run_jobs_ray(jobs, Settings(backend="rules"), address=None,
                                                           workers=None, timeout=1.0, llm=False, llm_rps=None,
                                                           work=_fake)}
    assert time.perf_counter() - t < 30
    assert sorted(outcomes) == ["a", "b", "c", "d", "die", "sleep"]
    assert (outcomes["sleep"].reason, outcomes["die"].reason) == ("timeout", "crashed")
    assert all(outcomes[p].ok for p in "abcd"), {p: (o.reason, o.message) for p, o in outcomes.items()}


def test_llm_rate_limit_holds_across_workers(local_ray):
    rate, burst, count = 2.0, 2, 8  # the bucket holds `rate` tokens: a burst of 2
    outcomes = list(ray_engine.run_jobs_ray(_jobs(*(f"slow{i}" for i in range(count))), Settings(backend="rules"),
                                            address=None, workers=2, timeout=None, llm=True, llm_rps=rate, work=_fake))
    starts = sorted(json.loads(o.result_json)["started"] for o in outcomes)
    # Two workers without the limit would start all 8 within about 1.2 s (0.3 s each, two at a
    # time); with one bucket for both, any n consecutive starts span at least (n - burst) / rate.
    for i in range(count):
        for j in range(i + burst, count):
            assert starts[j] - starts[i] >= (j - i + 1 - burst) / rate - 0.05, (i, j, starts)


def test_workers_read_relative_paths_from_the_batch_folder(local_ray, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the workers started elsewhere: where the tests began
    outcomes = list(ray_engine.run_jobs_ray(_jobs("a", "b"), Settings(backend="rules"), address=None, workers=None,
                                            timeout=None, llm=False, llm_rps=None, work=_fake))
    assert [json.loads(o.result_json)["cwd"] for o in outcomes] == [str(tmp_path)] * 2


def test_ray_stops_on_bad_settings_like_the_local_engine(corpus, local_ray, monkeypatch):
    monkeypatch.delenv("NIANBAO_MODEL", raising=False)
    with pytest.raises(ConfigError):
        run_batch([str(corpus / "001_9a2f7be38055e01f.txt")], corpus.parent / "cfg",
                  BatchOptions(backend="llm", engine="ray"))


def test_an_address_that_does_not_answer_is_a_config_error_at_once():
    t = time.perf_counter()
    with pytest.raises(ConfigError, match="cannot reach the Ray cluster at 127.0.0.1:1"):
        ray_engine._reachable("127.0.0.1:1")
    assert time.perf_counter() - t < ray_engine.CONNECT_TIMEOUT_S


def test_address_without_the_ray_engine_is_a_usage_error(corpus, tmp_path, capsys):
    from extractor.cli.main import main
    assert main(["--lang", "en", "batch", str(corpus), "--out", str(tmp_path / "o"), "--address", "auto"]) == 2
    assert "--address needs --engine ray" in capsys.readouterr().err
