"""The FastAPI application: the JSON API under ``/v1``, the page at ``/``, ``/healthz``.

Routes translate to and from HTTP only; the work is in the modules beside this one
(uploads → storage → jobs; documents, outputs, charts, compare). User mistakes answer 4xx
with ``{"detail": one line}``; an unexpected failure answers 500 with the same shape and
is logged, never a traceback to the client.
"""
from __future__ import annotations

import hmac
import json
import logging
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from fastapi import (
    Depends,
    FastAPI,
    File,
    HTTPException,
    Query,
    Request,
    UploadFile,
)
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from extractor.api import __version__, extract_document
from extractor.errors import InputError, NianbaoError
from extractor.load import load
from extractor.review.apply import apply_review, decisions_by_key
from extractor.serve import charts, documents, outputs
from extractor.serve import compare as yoy
from extractor.serve.config import ServeConfig
from extractor.serve.jobs import JobRunner
from extractor.serve.storage import Batch, Catalogue
from extractor.serve.uploads import Upload, UploadRejected, accept
from extractor.settings import Settings
from schemas import Result

log = logging.getLogger("nianbao.serve")
BatchId = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$", description="a batch id from POST /v1/batches")]
DocKey = Annotated[str, PathParam(pattern=r"^[0-9a-f]{16}$", description="a document key (sha256 prefix)")]
CHUNK = 1 << 16


class Decision(BaseModel):
    cell: str = Field(description="cell id (cells.tsv), e.g. p3.new_received.total", max_length=100)
    action: Literal["accept", "repair", "correct", "missing", "undo"]
    value: str | None = Field(None, description="the corrected value (action 'correct')", max_length=40)
    reviewer: str | None = Field(None, description="name recorded in the audit log (default 'web')", max_length=80)
    reason: str | None = Field(None, description="why (kept in the audit log and the tables)", max_length=500)


def create_app(config: ServeConfig | None = None) -> FastAPI:
    config = config or ServeConfig()
    catalogue = Catalogue(config.data_dir)
    runner = JobRunner(catalogue, config)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if config.start_jobs:
            runner.start()
        try:
            yield
        finally:  # the catalogue stays open: it belongs to the app, which may start again
            await run_in_threadpool(runner.stop)

    app = FastAPI(title="nianbao", version=__version__, lifespan=lifespan,
                  description="政府信息公开工作年度报告 → verified data: upload, read, review, download. "
                              "Write routes need `Authorization: Bearer $NIANBAO_API_TOKEN` when the server "
                              "has that variable set.")
    app.state.config, app.state.catalogue, app.state.runner = config, catalogue, runner

    def write_access(request: Request) -> None:
        if config.token is None:
            return
        given = request.headers.get("authorization", "")
        token = given.removeprefix("Bearer ").strip() if given.startswith("Bearer ") else ""
        if not hmac.compare_digest(token.encode(), config.token.encode()):
            raise HTTPException(401, "this server needs a token for writes: Authorization: Bearer <NIANBAO_API_TOKEN>")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s", request.url.path)
        return JSONResponse({"detail": f"internal error: {type(exc).__name__}"}, status_code=500)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        length = request.headers.get("content-length")
        limit = config.max_upload_bytes * 2 + (1 << 20)  # a request carries a few files at most at full size
        if request.method == "POST" and request.url.path == "/v1/batches":
            limit = max(config.max_unzipped_bytes, config.max_upload_bytes) + (1 << 20)
        if length is not None and (not length.isdigit() or int(length) > limit):
            return JSONResponse({"detail": f"request larger than {limit} bytes"}, status_code=413)
        return await call_next(request)

    # ------------------------------------------------------------------ service
    @app.get("/healthz", tags=["service"])
    def healthz() -> dict:
        return {"status": "ok", "version": __version__}

    # ------------------------------------------------------------------ one document
    @app.post("/v1/documents", tags=["documents"], dependencies=[Depends(write_access)],
              responses={200: {"description": "the result (docs/output-contract.md), as `nianbao extract --json`"},
                         413: {"description": "too large"}, 415: {"description": "not a report format"},
                         422: {"description": "readable, but not a usable report"}})
    async def extract_one(file: Annotated[UploadFile, File(description="one report: PDF, .docx, HTML or text")],
                          ) -> Response:
        data = await _read(file, config)
        uploads, _ = await run_in_threadpool(_accepted, file.filename or "upload", data, config)
        if len(uploads) != 1:
            raise HTTPException(400, "one report per request: send several, or a zip, to /v1/batches")
        result = await run_in_threadpool(_extract, catalogue, uploads[0], config)
        return Response(result.model_dump_json(indent=2), media_type="application/json")

    # ------------------------------------------------------------------ batches
    @app.post("/v1/batches", tags=["batches"], status_code=202, dependencies=[Depends(write_access)])
    async def create_batch(files: Annotated[list[UploadFile], File(description="reports, or zips of reports")],
                           ) -> dict:
        if not files:
            raise HTTPException(400, "no files")
        if len(files) > config.max_files:
            raise HTTPException(413, f"{len(files)} files, more than {config.max_files}")
        uploads: list[Upload] = []
        skipped: list[str] = []
        for f in files:
            data = await _read(f, config)  # sniffing and unzipping off the event loop: uploads run side by side
            found, passed = await run_in_threadpool(_accepted, f.filename or "upload", data, config)
            uploads += found
            skipped += passed
        if len(uploads) > config.max_files:
            raise HTTPException(413, f"{len(uploads)} reports, more than {config.max_files}")
        batch = await run_in_threadpool(catalogue.add_batch, uploads, skipped)
        if config.start_jobs:
            runner.submit(batch.id)
        return {"id": batch.id, "status": batch.status, "files": len(uploads), "skipped": skipped,
                "url": f"/v1/batches/{batch.id}"}

    @app.get("/v1/batches", tags=["batches"])
    def list_batches() -> list[dict]:
        return [_batch_brief(catalogue, runner, b) for b in catalogue.batches()[:200]]

    @app.get("/v1/batches/{batch_id}", tags=["batches"])
    def get_batch(batch_id: BatchId) -> dict:
        batch = _batch_or_404(catalogue, batch_id)
        out = catalogue.out(batch_id)
        brief = _batch_brief(catalogue, runner, batch)
        files = []
        inputs, stored = catalogue.inputs(batch_id), catalogue.files(batch_id)
        for f in stored:
            status, message = _document_status(out, f.key)
            if message is not None:  # files named as the client did, not by the server's paths
                for other in stored:
                    message = message.replace(str(inputs / other.stored), other.name)
            files.append({"n": f.n, "name": f.name, "format": f.format, "size": f.size, "key": f.key,
                          "status": status, "message": message})
        return {**brief, "documents": files, "skipped": batch.skipped}

    @app.get("/v1/batches/{batch_id}/summary", tags=["batches"])
    def get_summary(batch_id: BatchId) -> Response:
        return _send(_done_tables(catalogue, batch_id), "summary.json", None)

    @app.get("/v1/batches/{batch_id}/cells.csv", tags=["batches"])
    def get_cells_csv(batch_id: BatchId) -> Response:
        return _send(_done_tables(catalogue, batch_id), "cells.csv", f"cells-{batch_id}.csv")

    @app.get("/v1/batches/{batch_id}/cells.parquet", tags=["batches"])
    def get_cells_parquet(batch_id: BatchId) -> Response:
        return _send(_done_tables(catalogue, batch_id), "cells.parquet", f"cells-{batch_id}.parquet")

    @app.get("/v1/batches/{batch_id}/cells.xlsx", tags=["batches"])
    def get_cells_xlsx(batch_id: BatchId) -> Response:
        return _send(_done_tables(catalogue, batch_id), "cells.xlsx", f"cells-{batch_id}.xlsx")

    @app.get("/v1/batches/{batch_id}/charts/rules.svg", tags=["charts"])
    def chart_rules(batch_id: BatchId) -> Response:
        folder = _done_tables(catalogue, batch_id)
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        return Response(charts.rule_rates(summary), media_type="image/svg+xml")

    @app.get("/v1/batches/{batch_id}/charts/applications.svg", tags=["charts"])
    def chart_applications(batch_id: BatchId) -> Response:
        folder = _done_tables(catalogue, batch_id)
        rows = charts.application_rows([r.model_dump() for r in _results(folder).values()])
        return Response(charts.applications(rows), media_type="image/svg+xml")

    @app.get("/v1/batches/{batch_id}/issuers", tags=["charts"])
    def get_issuers(batch_id: BatchId) -> list[dict]:
        folder = _done_tables(catalogue, batch_id)
        return yoy.issuers(_results(folder))

    @app.get("/v1/batches/{batch_id}/compare", tags=["charts"])
    def get_compare(batch_id: BatchId,
                    keys: Annotated[list[str], Query(description="document keys of one issuer", max_length=20)],
                    ) -> dict:
        folder = _done_tables(catalogue, batch_id)
        results = _results(folder)
        unknown = [k for k in keys if k not in results]
        if unknown or not keys:
            raise HTTPException(404, f"no such document in this batch: {', '.join(unknown)[:200] or '(none given)'}")
        names = {f.key: f.name for f in catalogue.files(batch_id)}
        return yoy.compare(results, keys, names)

    # ------------------------------------------------------------------ review
    @app.get("/v1/batches/{batch_id}/documents/{key}", tags=["review"])
    def get_document(batch_id: BatchId, key: DocKey) -> dict:
        _batch_or_404(catalogue, batch_id)
        with _review(catalogue, batch_id, "web") as review:
            entry = _entry_or_404(review, key)
            return documents.view(review, entry, _name(catalogue, batch_id, key))

    @app.post("/v1/batches/{batch_id}/documents/{key}/decisions", tags=["review"],
              dependencies=[Depends(write_access)])
    def post_decision(batch_id: BatchId, key: DocKey, decision: Decision) -> dict:
        _batch_or_404(catalogue, batch_id)
        with _review(catalogue, batch_id, decision.reviewer or "web") as review:
            entry = _entry_or_404(review, key)
            try:
                recorded = documents.decide(review, entry, decision.cell, decision.action, decision.value,
                                            decision.reason)
            except InputError as e:
                raise HTTPException(422, str(e)) from None
            return {"recorded": recorded, "document": documents.view(review, entry, _name(catalogue, batch_id, key))}

    # ------------------------------------------------------------------ the page
    static = resources.files("extractor.serve") / "static"

    @app.get("/", include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse(static.joinpath("index.html").read_text(encoding="utf-8"))

    @app.get("/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        types = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
        if name not in types:  # a fixed list: no path from the client reaches the disk
            raise HTTPException(404, "not found")
        return Response(static.joinpath(name).read_text(encoding="utf-8"), media_type=types[name])

    return app


# ---------------------------------------------------------------------- helpers
async def _read(file: UploadFile, config: ServeConfig) -> bytes:
    """The upload's bytes, refusing at once what goes past the limit."""
    chunks, total = [], 0
    while chunk := await file.read(CHUNK):
        total += len(chunk)
        if total > config.max_upload_bytes:
            raise HTTPException(413, f"{_safe(file.filename)}: larger than the limit of {config.max_upload_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _accepted(name: str, data: bytes, config: ServeConfig) -> tuple[list[Upload], list[str]]:
    try:
        return accept(name, data, config)
    except UploadRejected as e:
        raise HTTPException(e.status, e.message) from None


def _extract(catalogue: Catalogue, upload: Upload, config: ServeConfig) -> Result:
    path = catalogue.temp_path(upload.format)
    path.write_bytes(upload.data)
    try:
        doc = load(path)
        result = extract_document(doc, Settings(backend=config.backend))
    except InputError as e:
        raise HTTPException(422, str(e).replace(str(path), _safe(upload.name))) from None
    except NianbaoError as e:
        raise HTTPException(503, f"{type(e).__name__}: {e}") from None
    finally:
        path.unlink(missing_ok=True)
    result.source.path = _safe(upload.name)  # a label for the reader of the JSON, never opened
    return result


def _safe(name: str | None) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in (name or "upload"))[:120]


def _batch_or_404(catalogue: Catalogue, batch_id: str) -> Batch:
    batch = catalogue.batch(batch_id)
    if batch is None:
        raise HTTPException(404, f"no batch {batch_id}")
    return batch


def _batch_brief(catalogue: Catalogue, runner: JobRunner, batch: Batch) -> dict:
    out = catalogue.out(batch.id)
    files = catalogue.files(batch.id)
    keys = {f.key for f in files}
    ok = sum((out / "results" / f"{k}.json").exists() for k in keys)
    failed = sum((out / "errors" / f"{k}.json").exists() and not (out / "results" / f"{k}.json").exists()
                 for k in keys)
    progress = runner.progress.get(batch.id)
    return {"id": batch.id, "created": batch.created, "status": batch.status, "message": batch.message,
            "counts": {"files": len(files), "documents": len(keys), "ok": ok, "failed": failed,
                       "pending": len(keys) - ok - failed},
            "progress": {"done": progress.done, "total": progress.total} if progress else None}


def _document_status(out: Path, key: str) -> tuple[str, str | None]:
    if (out / "results" / f"{key}.json").exists():
        return "ok", None
    error = out / "errors" / f"{key}.json"
    if error.exists():
        record = json.loads(error.read_text(encoding="utf-8"))
        return record.get("reason") or "error", record.get("message")
    return "pending", None


def _done_tables(catalogue: Catalogue, batch_id: str) -> Path:
    batch = _batch_or_404(catalogue, batch_id)
    if batch.status != "done":
        raise HTTPException(409, f"batch {batch_id} is {batch.status}; its tables come once it is done")
    uploads = [(f.stored, f.name, f.key) for f in catalogue.files(batch_id)]
    return outputs.tables_dir(catalogue.batch_dir(batch_id), uploads)


def _send(folder: Path, name: str, download_as: str | None) -> Response:
    """Stream a table from a handle opened now: a rebuild that replaces the folder meanwhile
    cannot cut the download short."""
    handle = open(folder / name, "rb")  # noqa: SIM115 -- closed by the generator that streams it

    def chunks():
        with handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": f'attachment; filename="{download_as}"'} if download_as else None
    return StreamingResponse(chunks(), media_type=outputs.MEDIA[name], headers=headers)


def _results(folder: Path) -> dict[str, Result]:
    """The results in a tables folder with the review decisions of its store applied (what the
    tables hold), for the charts and the year-over-year view."""
    decisions, _ = decisions_by_key(folder)
    out = {}
    for path in sorted((folder / "results").glob("*.json")):
        result = Result.model_validate_json(path.read_bytes())
        if path.stem in decisions:
            text = (folder / "texts" / f"{path.stem}.txt").read_text(encoding="utf-8")
            result, _ = apply_review(result, decisions[path.stem], text)
        out[path.stem] = result
    return out


def _review(catalogue: Catalogue, batch_id: str, reviewer: str):
    out = catalogue.out(batch_id)
    if not (out / "results").is_dir():
        raise HTTPException(409, f"batch {batch_id} has no results yet")
    return documents.opened(out, reviewer)


def _entry_or_404(review, key: str):
    entry = documents.entry_of(review, key)
    if entry is None:
        raise HTTPException(404, f"no extracted document {key} in this batch")
    return entry


def _name(catalogue: Catalogue, batch_id: str, key: str) -> str:
    return next((f.name for f in catalogue.files(batch_id) if f.key == key), key)
