"""``nianbao serve [--host H] [--port P] [--data-dir DIR]``: the HTTP service and web page (docs/serve.md)."""
from __future__ import annotations

from pathlib import Path

from extractor.errors import ConfigError


def register(sub) -> None:
    p = sub.add_parser("serve", help="HTTP API and web page: upload, read, review, download",
                       description="Start the service: the web page at /, the API under /v1, OpenAPI at "
                                   "/openapi.json, docs at /docs. Write routes need a bearer token when "
                                   "NIANBAO_API_TOKEN is set.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--data-dir", type=Path, default=Path("nianbao-data"), metavar="DIR",
                   help="uploads, results folders and the catalogue (default ./nianbao-data)")
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="documents at a time in a batch (default 1)")
    p.set_defaults(func=run)


def run(args) -> int:
    try:
        import uvicorn

        from extractor.serve import ServeConfig, create_app
        app = create_app(ServeConfig(data_dir=args.data_dir, backend=args.backend, jobs=max(1, args.jobs)))
    except ModuleNotFoundError as e:
        raise ConfigError(f"nianbao serve needs the 'serve' extra ({e.name} is missing): "
                          "pip install 'nianbao[serve]'") from None
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
