"""Image-only renderings of the real PDF fixtures, to score the OCR path against their gold.

Each page is rendered with pypdfium2 at 150–200 dpi, turned by a small angle, blurred a little
and saved as JPEG inside a PDF with no text layer — what a scanner gives. Written to a folder
laid out like ``evals/fixtures`` (``<name>/gold.json`` beside the scan), so ``nianbao eval
--fixtures DIR`` scores it. Only this generator is committed, never its output.

    python -m evals.ocr_fixtures out/ocr-fixtures [--seed 0]
"""
from __future__ import annotations

import argparse
import io
import json
import random
from pathlib import Path

from evals.cases import FIXTURES

REAL = ("hongze-2023", "hongze-2024", "szfgs2024")  # the real reports with a text layer and gold


def scan_pages(pdf_bytes: bytes, rng: random.Random, pages: list[int] | None = None):
    """PIL images of the pages as a scanner might give them, each with the dpi it was made at."""
    import pypdfium2
    from PIL import ImageFilter
    doc = pypdfium2.PdfDocument(pdf_bytes)
    out = []
    for i in pages if pages is not None else range(len(doc)):
        dpi = rng.randint(150, 200)
        image = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(rng.uniform(-1.0, 1.0), resample=3, expand=False, fillcolor=255)
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
        out.append((image, dpi))
    doc.close()
    return out


def image_pdf(images) -> bytes:
    """A PDF of JPEG page images and nothing else."""
    buf = io.BytesIO()
    first, dpi = images[0]
    rest = [im for im, _ in images[1:]]
    first.save(buf, format="PDF", save_all=True, append_images=rest, resolution=float(dpi), quality=80)
    return buf.getvalue()


def write(out: Path, seed: int = 0, names: tuple[str, ...] = REAL) -> list[Path]:
    rng = random.Random(seed)
    made = []
    for name in names:
        gold = json.loads((FIXTURES / name / "gold.json").read_text(encoding="utf-8"))
        pdf = (FIXTURES / name / gold["document"]).read_bytes()
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        scan = folder / f"{name}-scan.pdf"
        scan.write_bytes(image_pdf(scan_pages(pdf, rng)))
        gold["document"] = scan.name
        (folder / "gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
        made.append(scan)
    return made


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", type=Path)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    for path in write(args.out, args.seed):
        print(path)


if __name__ == "__main__":
    main()
