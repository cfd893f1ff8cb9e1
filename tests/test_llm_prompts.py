"""Versioned prompt files: validated on load; a missing template variable is an error."""
import pytest

from extractor.errors import ConfigError
from extractor.readers.llm import prompts
from extractor.readers.llm.prompts import load_prompt
from extractor.readers.llm.tasks import PROMPT_PINS


@pytest.fixture
def prompt_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(prompts, "PROMPTS_DIR", tmp_path)
    load_prompt.cache_clear()
    yield tmp_path
    load_prompt.cache_clear()


GOOD = "id: t\nversion: 2\ndescription: d\nmax_tokens: 10\nsystem: s\nuser: 'text: {text}'\n"


@pytest.mark.parametrize("ref", sorted(set(PROMPT_PINS.values())))
def test_every_pinned_prompt_loads_and_renders_the_part_text(ref):
    prompt = load_prompt(ref)
    assert prompt.ref == ref
    messages = prompt.render(text="表格原文", numbers=3)
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "表格原文" in messages[1]["content"]


def test_a_missing_template_variable_is_an_error(prompt_dir):
    (prompt_dir / "t.v2.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ConfigError, match="no value for text"):
        load_prompt("t.v2").render(numbers=1)


def test_unknown_keys_are_rejected(prompt_dir):
    (prompt_dir / "t.v2.yaml").write_text(GOOD + "temperature: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="temperature"):
        load_prompt("t.v2")


def test_the_file_name_must_match_its_declared_version(prompt_dir):
    (prompt_dir / "t.v1.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ConfigError, match="declares t.v2"):
        load_prompt("t.v1")


def test_a_missing_prompt_file_is_a_config_error(prompt_dir):
    with pytest.raises(ConfigError, match="not found"):
        load_prompt("nope.v1")
