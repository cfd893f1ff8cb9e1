"""Helpers for the `nianbao serve` tests: an app on a temporary data folder, a real server process."""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from extractor.serve import ServeConfig, create_app


@contextmanager
def client(data_dir: Path, **config):
    app = create_app(ServeConfig(data_dir=data_dir, **config))
    with TestClient(app) as c:
        yield c


def wait_done(c, batch_id: str, timeout: float = 60.0) -> dict:
    """Poll a batch until it is done or failed (``c``: a TestClient or an httpx.Client)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch = c.get(f"/v1/batches/{batch_id}").json()
        if batch["status"] in ("done", "failed"):
            return batch
        time.sleep(0.2)
    raise AssertionError(f"batch {batch_id} not done after {timeout} s: {batch}")


def files(paths) -> list:
    return [("files", (p.name, p.read_bytes())) for p in paths]


def zip_of(members: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (0o120777 << 16)
            z.writestr(info, data)
    return buf.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``nianbao serve`` as a real process on a free loopback port (its own process group)."""

    def __init__(self, data_dir: Path, env: dict | None = None):
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> Server:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "extractor.cli.main", "serve", "--port", str(self.port),
             "--data-dir", str(self.data_dir), "--backend", "rules"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"nianbao serve exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1.0).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("nianbao serve did not answer /healthz")

    def kill(self) -> None:
        """SIGKILL the server and its worker processes (the whole process group)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def xlsx_detail(data: bytes, cell: str) -> list[dict]:
    """The rows of cells.xlsx's long sheet (明细) for one cell id, by Chinese header."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True)["明细"]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows)
    return [dict(zip(header, row)) for row in rows if row[header.index("单元格编号")] == cell]


CARRIED_OVER_ROW = "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0"


def next_year_copy(text: str) -> str:
    """Sample 003 (2020) as the same issuer's 2021 report whose 上年结转 is 3, not last year's
    结转下年度 (0): the cross-year link S2 is broken."""
    assert CARRIED_OVER_ROW in text and "2020" in text
    return text.replace("2020", "2021").replace(CARRIED_OVER_ROW, CARRIED_OVER_ROW.replace("0", "3"))
