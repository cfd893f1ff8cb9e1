"""A real `nianbao serve` process: killed with SIGKILL, it loses no accepted document; then
several clients upload at once."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from conftest import SAMPLES
from serve_kit import Server, files, wait_done


def test_killed_server_resumes_accepted_batches_then_serves_concurrent_clients(tmp_path):
    server = Server(tmp_path).start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            r = c.post("/v1/batches", files=files(SAMPLES))
            assert r.status_code == 202
            batch_id = r.json()["id"]
            assert c.get(f"/v1/batches/{batch_id}").json()["status"] != "done"  # killed mid-way
    finally:
        server.kill()
    restarted = Server(tmp_path).start()
    try:
        with httpx.Client(base_url=restarted.url, timeout=30) as c:
            batch = wait_done(c, batch_id, timeout=120)
            assert batch["status"] == "done", batch
            assert batch["counts"]["ok"] == len(SAMPLES)
            assert c.get(f"/v1/batches/{batch_id}/cells.csv").status_code == 200

        def upload(i: int) -> str:
            with httpx.Client(base_url=restarted.url, timeout=60) as client:
                r = client.post("/v1/batches", files=files([SAMPLES[i % len(SAMPLES)]]))
                assert r.status_code == 202, r.text
                return r.json()["id"]

        with ThreadPoolExecutor(6) as pool:
            ids = list(pool.map(upload, range(6)))
        with httpx.Client(base_url=restarted.url, timeout=30) as c:
            batches = [wait_done(c, i, timeout=180) for i in ids]
        assert len(set(ids)) == 6 and all(b["counts"]["ok"] == 1 for b in batches)
    finally:
        restarted.stop()
