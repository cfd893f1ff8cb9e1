"""``nianbao serve [--host H] [--port P] [--data-dir DIR]``: the HTTP service and web page (docs/serve.md)."""
from __future__ import annotations

from pathlib import Path

from extractor.cli.i18n import t


def register(sub) -> None:
    p = sub.add_parser(
        "serve", help=t("启动网页和 HTTP 接口：上传、核对、下载", "HTTP API and web page: upload, read, review, download"),
        description=t("启动服务：网页在 /，接口在 /v1，OpenAPI 在 /openapi.json，文档在 /docs。"
                      "设置了 NIANBAO_API_TOKEN 时，写操作需要 Authorization: Bearer 令牌。",
                      "Start the service: the web page at /, the API under /v1, OpenAPI at /openapi.json, "
                      "docs at /docs. Write routes need a bearer token when NIANBAO_API_TOKEN is set."))
    p.add_argument("--host", default="127.0.0.1", help=t("监听地址（默认 127.0.0.1）", "address to listen on "
                                                                                      "(default 127.0.0.1)"))
    p.add_argument("--port", type=int, default=8000, help=t("端口（默认 8000）", "port (default 8000)"))
    p.add_argument("--data-dir", type=Path, default=Path("nianbao-data"), metavar="DIR",
                   help=t("上传文件、结果文件夹和目录数据库的位置（默认 ./nianbao-data）",
                          "uploads, results folders and the catalogue (default ./nianbao-data)"))
    p.add_argument("--backend", choices=["auto", "rules", "llm", "hybrid"], default="auto")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help=t("一个批次同时处理的文件数（默认 1）", "documents at a time in a batch (default 1)"))
    p.set_defaults(func=run)


def run(args) -> int:
    from extractor.errors import ConfigError

    try:
        import uvicorn

        from extractor.serve import ServeConfig, create_app
        app = create_app(ServeConfig(data_dir=args.data_dir, backend=args.backend, jobs=max(1, args.jobs)))
    except ModuleNotFoundError as e:
        raise ConfigError(t(f"nianbao serve 需要 serve 附加依赖（缺少 {e.name}）：pip install 'nianbao[serve]'",
                            f"nianbao serve needs the 'serve' extra ({e.name} is missing): "
                            "pip install 'nianbao[serve]'")) from None
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
