"""One digest per document of the full JSON output, to show a speed change leaves output byte-identical.

    python scripts/output_digest.py [--synth 1500] > digests.txt   # then diff two such files

Covers the fixtures (evals/fixtures, every source file of each), the real reports of
evals/corpus/raw and ``--synth`` generated reports, through the public API.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import extractor  # noqa: E402
from evals.synth import generate  # noqa: E402
from extractor.settings import Settings  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--synth", type=int, default=1500)
    args = ap.parse_args()
    settings = Settings(backend="rules")
    os.chdir(ROOT)  # files are given by their path in the tree: outputs of two trees compare
    by_bytes = getattr(extractor, "extract_bytes", None) or extractor.extract  # older trees: extract(bytes)
    for folder in sorted(Path("evals", "fixtures").iterdir()):
        for source in sorted(f for f in folder.iterdir() if f.suffix.lower() in {".txt", ".pdf", ".docx", ".html"}):
            print(f"{folder.name}/{source.name}", _digest(extractor.extract(source, settings).model_dump_json()))
    for source in sorted(Path("evals", "corpus", "raw").glob("*.txt")):
        print(f"corpus/{source.name}", _digest(extractor.extract(source, settings).model_dump_json()))
    for doc in generate(args.synth, seed=0):
        print(doc.name, _digest(by_bytes(doc.data, settings).model_dump_json()))
    return 0


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


if __name__ == "__main__":
    raise SystemExit(main())
