#!/usr/bin/env python3
"""A tiny rate-limiting HTTP proxy, used ONLY while recording the 429 cassette.

Local model servers never answer 429, so to record a real one we put this proxy in front
of the server: a token bucket of capacity 1 that refills one token every ``--every``
seconds and starts EMPTY. A request finding no token gets ``429 Too Many Requests`` with
``Retry-After: <seconds until the next token>``; a request finding one is forwarded
unchanged to ``--upstream`` and the upstream's answer is passed back. So the first request
is refused and a client that honours Retry-After gets through on its retry.

    python scripts/ratelimit_proxy.py --port 8081 --upstream http://127.0.0.1:8080 --every 2
"""
from __future__ import annotations

import argparse
import json
import math
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Bucket:
    def __init__(self, every: float):
        self.every = every
        self.tokens = 0.0
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> float:
        """0 if a token was taken, else the seconds until the next one."""
        with self.lock:
            now = time.monotonic()
            self.tokens = min(1.0, self.tokens + (now - self.last) / self.every)
            self.last = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return 0.0
            return (1.0 - self.tokens) * self.every


def make_handler(upstream: str, bucket: Bucket):
    class Handler(BaseHTTPRequestHandler):
        def _proxy(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            wait = bucket.take()
            if wait > 0:
                payload = json.dumps({"error": {"message": "rate limited by ratelimit_proxy.py",
                                                "type": "rate_limit_exceeded"}}).encode()
                self.send_response(429)
                self.send_header("retry-after", str(math.ceil(wait)))
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            request = urllib.request.Request(upstream + self.path, data=body or None, headers=headers,
                                             method=self.command)
            try:
                with urllib.request.urlopen(request, timeout=900) as response:
                    status, reply_headers, payload = response.status, response.headers, response.read()
            except urllib.error.HTTPError as e:
                status, reply_headers, payload = e.code, e.headers, e.read()
            self.send_response(status)
            for key, value in reply_headers.items():
                if key.lower() not in _HOP:
                    self.send_header(key, value)
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _proxy

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--upstream", default="http://127.0.0.1:8080")
    parser.add_argument("--every", type=float, default=2.0, help="seconds per request allowed")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.upstream.rstrip("/"), Bucket(args.every)))
    server.serve_forever()


if __name__ == "__main__":
    main()
