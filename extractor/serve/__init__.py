"""``nianbao serve``: an HTTP service and a web page over the same pipeline (docs/serve.md).

Modules, in the direction data flows::

    uploads   an upload's bytes → reports (sniffed format, zips opened safely) or a 4xx
    storage   the data folder: SQLite catalogue of batches, uploads under generated names
    jobs      batches run one after another (``run_batch``), resumed after a restart
    documents one document as grids of cells; review decisions into the review store
    outputs   the tables to download, review decisions applied
    charts    rule-pass rates and applications as server-side SVG
    compare   one issuer year by year
    app       the FastAPI routes and the page (``static/``)

Needs the ``serve`` extra (FastAPI, uvicorn, python-multipart); nothing else imports it.
"""
from extractor.serve.config import ServeConfig

__all__ = ["ServeConfig", "create_app"]


def create_app(config: ServeConfig | None = None):
    from extractor.serve.app import create_app as build  # FastAPI only where it is used

    return build(config)
