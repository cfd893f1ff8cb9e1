"""Settings of one ``nianbao serve`` process: where its data lives and the limits it keeps."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from extractor.settings import Backend

MiB = 1 << 20


@dataclass(slots=True)
class ServeConfig:
    data_dir: Path = Path("nianbao-data")
    backend: Backend = "auto"  # as `nianbao batch --backend`
    jobs: int = 1  # documents at a time inside one batch job
    timeout: float = 120.0  # seconds per document
    max_upload_bytes: int = 50 * MiB  # one uploaded file (a zip counts as one)
    max_files: int = 500  # files in one batch, a zip's members included
    max_unzipped_bytes: int = 500 * MiB  # all members of the zips of one batch, uncompressed
    max_zip_ratio: int = 200  # uncompressed / compressed for one member: above it is a zip bomb
    token: str | None = field(default_factory=lambda: os.environ.get("NIANBAO_API_TOKEN") or None)
    start_jobs: bool = True  # run queued batches (tests may hold them to look at the queue)
