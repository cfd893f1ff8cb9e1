"""Versioned prompt files (``<part>.v<N>.yaml``). A prompt an eval has used is never edited
in place: add a new version. The loader lives in ``extractor.readers.llm``."""
from pathlib import Path

PROMPTS_DIR = Path(__file__).parent
