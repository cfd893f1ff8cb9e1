"""Start-up: a command imports what it uses and no more (issue 21; the figures are in ``make bench``).

A text extract needs pydantic, the rules reader and the validator, and none of the PDF, Word,
spreadsheet, Arrow, OCR or LLM libraries, nor the per-template report models, nor rich (its
summary is plain text with ANSI styles).
"""
from __future__ import annotations

import importlib.metadata
import subprocess
import sys

from tests.conftest import fixture_file

NOT_FOR_A_TEXT = ("rich", "pyarrow", "xlsxwriter", "openpyxl", "pdfplumber", "pypdfium2", "docx", "lxml", "numpy",
                  "openai", "instructor", "yaml", "textual", "charset_normalizer", "extractor.ocr",
                  "extractor.batch", "extractor.review", "extractor.serve", "extractor.readers.llm",
                  "schemas.report", "schemas.tables", "schemas.llm")


def loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split())


def test_a_text_extract_imports_no_heavy_optional_library():
    path = fixture_file("000_964c95048e543ea8")
    loaded = loaded_after("import contextlib, io\nfrom extractor.cli.main import main\n"
                          "with contextlib.redirect_stdout(io.StringIO()):\n"
                          f"    assert main(['extract', {str(path)!r}]) == 0\n"
                          f"    assert main(['extract', '--json', {str(path)!r}]) == 0")
    assert "extractor.api" in loaded and "schemas.result" in loaded  # the probe did run the pipeline
    assert not {m for m in loaded if m.split(".")[0] in NOT_FOR_A_TEXT or m in NOT_FOR_A_TEXT}


def test_the_report_models_are_still_there_when_asked_for():
    loaded = loaded_after("from schemas import Report2021, flatten\nassert 'p3.new_received.natural_person' in flatten(Report2021())")
    assert "schemas.report" in loaded and "schemas.tables" in loaded


def test_the_version_constant_is_the_installed_version():
    from extractor._version import __version__
    from extractor.api import __version__ as api_version

    assert __version__ == api_version == importlib.metadata.version("nianbao")


def test_a_text_extract_builds_no_pydantic_schema():
    """The result models are built from the pipeline's own data (schemas/base.py): their schemas,
    and pydantic's plugin lookup, cost a start-up nothing until a JSON output or a validation."""
    path = fixture_file("000_964c95048e543ea8")
    loaded = loaded_after("import contextlib, io\nfrom extractor.cli.main import main\n"
                          "with contextlib.redirect_stdout(io.StringIO()):\n"
                          f"    assert main(['extract', {str(path)!r}]) == 0\n"
                          "from schemas import result\n"
                          "assert not any(m.__pydantic_complete__ for m in (result.Result, result.Cell, result.Finding))")
    assert "extractor.api" in loaded and "pydantic.plugin._loader" not in loaded
