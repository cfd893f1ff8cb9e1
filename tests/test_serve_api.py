"""`nianbao serve`'s API through TestClient: one document, batches, review, downloads, charts."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pyarrow.parquet as pq
import pytest
from conftest import SAMPLES, fixture_file
from serve_kit import client, files, next_year_copy, wait_done, xlsx_detail

from extractor.cli.main import main
from extractor.review import Store
from extractor.serve import charts

SAMPLE_003 = fixture_file("003_589bf4f08d70f012")


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    """A client with one batch of the five samples, done."""
    data = tmp_path_factory.mktemp("serve")
    with client(data, backend="rules") as c:
        r = c.post("/v1/batches", files=files(SAMPLES))
        assert r.status_code == 202, r.text
        batch = wait_done(c, r.json()["id"])
        yield c, batch, data


def test_healthz_and_openapi(tmp_path):
    with client(tmp_path) as c:
        assert c.get("/healthz").json()["status"] == "ok"
        paths = c.get("/openapi.json").json()["paths"]
        for route in ("/v1/documents", "/v1/batches", "/v1/batches/{batch_id}", "/v1/batches/{batch_id}/cells.csv",
                      "/v1/batches/{batch_id}/cells.xlsx", "/v1/batches/{batch_id}/cells.parquet",
                      "/v1/batches/{batch_id}/summary", "/v1/batches/{batch_id}/documents/{key}/decisions",
                      "/healthz"):
            assert route in paths
        assert c.get("/docs").status_code == 200


def test_one_document_gives_what_the_cli_gives(tmp_path, capsys):
    assert main(["extract", str(SAMPLE_003), "--json", "--backend", "rules"]) == 0
    cli = json.loads(capsys.readouterr().out)
    with client(tmp_path, backend="rules") as c:
        r = c.post("/v1/documents", files={"file": (SAMPLE_003.name, SAMPLE_003.read_bytes())})
    assert r.status_code == 200, r.text
    served = r.json()
    assert served["cells"] == cli["cells"]
    for part in ("meta", "findings", "parts", "narrative"):
        assert served[part] == cli[part], part
    assert served["source"]["sha256"] == cli["source"]["sha256"]
    assert served["source"]["path"] == SAMPLE_003.name  # the client's name as a label; never opened


def test_batch_reports_each_document(done):
    c, batch, _ = done
    assert batch["status"] == "done"
    assert batch["counts"] == {"files": 5, "documents": 5, "ok": 5, "failed": 0, "pending": 0}
    assert sorted(d["name"] for d in batch["documents"]) == sorted(p.name for p in SAMPLES)
    assert all(d["status"] == "ok" for d in batch["documents"])
    listed = c.get("/v1/batches").json()
    assert batch["id"] in [b["id"] for b in listed]


def test_downloads_of_a_done_batch(done):
    c, batch, _ = done
    base = f"/v1/batches/{batch['id']}"
    rows = list(csv.DictReader(io.StringIO(c.get(base + "/cells.csv").content.decode("utf-8-sig"))))
    assert {r["key"] for r in rows} == {d["key"] for d in batch["documents"]}
    # Files are named as they were uploaded, not by the server's paths.
    assert {r["path"] for r in rows} == {p.name for p in SAMPLES}
    table = pq.read_table(io.BytesIO(c.get(base + "/cells.parquet").content))
    assert table.num_rows == len(rows)
    summary = c.get(base + "/summary").json()
    assert summary["documents"]["ok"] == 5


def test_tables_wait_for_the_batch(tmp_path):
    with client(tmp_path, start_jobs=False) as c:
        batch_id = c.post("/v1/batches", files=files(SAMPLES[:1])).json()["id"]
        assert c.get(f"/v1/batches/{batch_id}").json()["status"] == "queued"
        for table in ("cells.csv", "cells.parquet", "summary", "charts/rules.svg"):
            r = c.get(f"/v1/batches/{batch_id}/{table}")
            assert r.status_code == 409 and "queued" in r.json()["detail"]


def test_unknown_batch_and_document_are_404(done):
    c, batch, _ = done
    assert c.get("/v1/batches/0123456789abcdef").status_code == 404
    assert c.get("/v1/batches/not-an-id").status_code == 422
    assert c.get(f"/v1/batches/{batch['id']}/documents/0123456789abcdef").status_code == 404


def test_document_view_has_grids_and_the_source_text(done):
    c, batch, _ = done
    key = next(d["key"] for d in batch["documents"] if d["name"] == SAMPLE_003.name)
    doc = c.get(f"/v1/batches/{batch['id']}/documents/{key}").json()
    assert doc["text"] == (SAMPLE_003.parent / SAMPLE_003.name).read_text(encoding="utf-8") or doc["text"]
    cells = {cell["id"]: cell for t in doc["tables"] for row in t["rows"] for cell in row["cells"] if cell}
    assert {t["part"] for t in doc["tables"]} == {"二", "三", "四"}
    assert doc["queue"] and all(cid in cells for cid in doc["queue"])
    first = cells[doc["queue"][0]]
    assert first["needs"]  # the cells the queue names carry their reasons
    for cell in cells.values():
        if cell["span"]:
            start, end = cell["span"]
            assert cell["raw"] is None or doc["text"][start:end].strip()


def test_review_decision_reaches_the_store_and_the_tables(tmp_path):
    with client(tmp_path, backend="rules") as c:
        batch = wait_done(c, c.post("/v1/batches", files=files([SAMPLE_003])).json()["id"])
        key = batch["documents"][0]["key"]
        base = f"/v1/batches/{batch['id']}"
        r = c.post(f"{base}/documents/{key}/decisions",
                   json={"cell": "p3.new_received.total", "action": "correct", "value": "7", "reviewer": "张三",
                         "reason": "原文第 3 页"})
        assert r.status_code == 200, r.text
        assert r.json()["recorded"]["new"] == 7
        cell = next(x for t in r.json()["document"]["tables"] for row in t["rows"] for x in row["cells"]
                    if x and x["id"] == "p3.new_received.total")
        assert (cell["value"], cell["status"], cell["decided"]) == (7, "corrected", "correct")
        # The same store `nianbao review` reads.
        with Store(tmp_path / "batches" / batch["id"] / "out" / "review.sqlite") as store:
            events = store.events()
        assert [(e.cell, e.new, e.action, e.reviewer) for e in events] == [("p3.new_received.total", 7, "correct", "张三")]
        rows = list(csv.DictReader(io.StringIO(c.get(base + "/cells.csv").content.decode("utf-8-sig"))))
        row = next(r for r in rows if r["cell"] == "p3.new_received.total")
        assert (float(row["value"]), row["status"], row["reviewer"], row["review_reason"]) == \
            (7.0, "corrected", "张三", "原文第 3 页")
        assert float(row["original_value"]) == 0
        table = pq.read_table(io.BytesIO(c.get(base + "/cells.parquet").content)).to_pylist()
        assert next(r for r in table if r["cell"] == "p3.new_received.total")["status"] == "corrected"
        xlsx = c.get(base + "/cells.xlsx")
        assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["content-type"]
        (detail,) = xlsx_detail(xlsx.content, "p3.new_received.total")
        assert (detail["数值"], detail["状态"], detail["审核人"], detail["原读取值"]) == (7, "已审核", "张三", 0)
        summary = c.get(base + "/summary").json()
        assert summary["review"]["corrected"] == 1
        assert "收到 7" in c.get(base + "/charts/applications.svg").text  # the charts show the reviewed data
        # Undo puts the extracted value back, in the store and in the tables.
        assert c.post(f"{base}/documents/{key}/decisions",
                      json={"cell": "p3.new_received.total", "action": "undo"}).status_code == 200
        rows = list(csv.DictReader(io.StringIO(c.get(base + "/cells.csv").content.decode("utf-8-sig"))))
        row = next(r for r in rows if r["cell"] == "p3.new_received.total")
        assert row["status"] != "corrected"


@pytest.mark.parametrize("decision", [
    {"cell": "p3.no_such_cell", "action": "correct", "value": "1"},
    {"cell": "p3.new_received.total", "action": "correct", "value": "seven"},
    {"cell": "p3.new_received.total", "action": "correct", "value": "-3"},
    {"cell": "p3.new_received.total", "action": "correct"},
    {"cell": "p3.new_received.total", "action": "undo"},
])
def test_bad_decisions_are_422(done, decision):
    c, batch, _ = done
    key = batch["documents"][0]["key"]
    r = c.post(f"/v1/batches/{batch['id']}/documents/{key}/decisions", json=decision)
    assert r.status_code == 422, r.text


def test_charts_are_svg(done):
    c, batch, _ = done
    for chart in ("rules", "applications"):
        r = c.get(f"/v1/batches/{batch['id']}/charts/{chart}.svg")
        assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
        ET.fromstring(r.text)  # well-formed
    assert "H1" in c.get(f"/v1/batches/{batch['id']}/charts/rules.svg").text


def test_application_chart_never_draws_missing_as_zero():
    result = {"meta": {"issuer": "某<县>人民政府", "year": 2023},
              "cells": {"p3.new_received.total": {"value": None}, "p3.disclosed.total": {"value": 4},
                        "p3.withheld.state_secret.total": {"value": None},
                        "p3.withheld.third_party.total": {"value": 2}}}
    (row,) = charts.application_rows([result])
    assert row["received"] is None and row["incomplete"]
    assert row["outcomes"]["予以公开"] == 4 and row["outcomes"]["不予公开"] == 2
    assert row["outcomes"]["无法提供"] is None  # no cell at all: unknown, not 0
    svg = charts.applications([row])
    ET.fromstring(svg)
    assert "收到 未读出" in svg and "部分缺失" in svg and "某&lt;县&gt;人民政府" in svg


def test_year_over_year_marks_changes_and_broken_links(tmp_path):
    """Two years of one issuer made from one sample; the later year's 上年结转 is not the earlier
    year's 结转下年度 (0), so S2 breaks and the cell both changed and broke the link."""
    text = SAMPLE_003.read_text(encoding="utf-8")
    later = next_year_copy(text)
    with client(tmp_path, backend="rules") as c:
        batch = wait_done(c, c.post("/v1/batches", files=[("files", ("a.txt", text.encode())),
                                                          ("files", ("b.txt", later.encode()))]).json()["id"])
        base = f"/v1/batches/{batch['id']}"
        pair = next(g for g in c.get(base + "/issuers").json() if len(g["keys"]) == 2)
        assert pair["years"] == [2020, 2021]
        view = c.get(base + "/compare", params={"keys": pair["keys"]}).json()
        assert c.get(base + "/compare", params={"keys": ["0123456789abcdef"]}).status_code == 404
    assert [y["year"] for y in view["years"]] == [2020, 2021]
    # One S2 finding per column of the row (all seven now read 3).
    assert {(link["rule"], link["previous_year"], link["year"]) for link in view["links"]} == {("S2", 2020, 2021)}
    assert len(view["links"]) == 7 and view["pairs"] == 1
    cell = {y["year"]: {x["id"]: x for t in y["tables"] for r in t["rows"] for x in r["cells"] if x}
            for y in view["years"]}
    assert cell[2021]["p3.carried_over.total"]["value"] == 3
    assert cell[2021]["p3.carried_over.total"]["changed"] and cell[2021]["p3.carried_over.total"]["link"]
    assert not cell[2021]["p3.new_received.total"]["changed"]  # same figure both years
    assert not cell[2020]["p3.carried_over.total"]["changed"]  # the first year has nothing to differ from
    # The earlier report's side of the link is its 结转下年度, not its own 上年结转.
    assert cell[2020]["p3.carried_forward.total"]["link"] and not cell[2020]["p3.carried_over.total"]["link"]
    assert not cell[2021]["p3.carried_forward.total"]["link"]


def test_serve_command_defaults_and_help(capsys):
    from pathlib import Path

    from extractor.cli.main import build_parser

    args = build_parser("serve").parse_args(["serve"])
    assert (args.host, args.port, args.data_dir) == ("127.0.0.1", 8000, Path("nianbao-data"))
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", "en", "serve", "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "--data-dir" in out and "/openapi.json" in out


def test_a_file_that_is_no_report_is_listed_with_its_reason(tmp_path):
    with client(tmp_path, backend="rules") as c:
        r = c.post("/v1/batches", files=[*files(SAMPLES[:1]),
                                         ("files", ("notes.txt", "与年报无关的一段文字。".encode() * 20))])
        batch = wait_done(c, r.json()["id"])
    assert batch["status"] == "done"
    assert (batch["counts"]["ok"], batch["counts"]["failed"], batch["counts"]["pending"]) == (1, 1, 0)
    notes = next(d for d in batch["documents"] if d["name"] == "notes.txt")
    assert notes["status"] == "not_a_report"
    assert notes["message"].startswith("notes.txt:") and str(tmp_path) not in notes["message"]
