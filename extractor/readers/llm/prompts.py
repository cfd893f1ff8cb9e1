"""Versioned prompt files: ``prompts/<id>.v<N>.yaml``, loaded and validated.

A prompt file holds a ``system`` and a ``user`` template with ``{name}`` variables. Unknown
keys in the file, a file whose name does not match its ``id``/``version``, and a template
variable left without a value are errors, not silent blanks.
"""
from __future__ import annotations

import string
from functools import cache

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from extractor.errors import ConfigError
from prompts import PROMPTS_DIR


class Prompt(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int = Field(ge=1)
    description: str
    max_tokens: int = Field(gt=0, description="completion cap per request: the answer's size, with room")
    system: str
    user: str

    @property
    def ref(self) -> str:
        """``p3.v1``: what Result.provenance.prompts records."""
        return f"{self.id}.v{self.version}"

    @property
    def variables(self) -> set[str]:
        return {name for tpl in (self.system, self.user)
                for _, name, _, _ in string.Formatter().parse(tpl) if name is not None}

    def render(self, **values: object) -> list[dict[str, str]]:
        """The chat messages; every template variable must be given."""
        missing = self.variables - values.keys()
        if missing:
            raise ConfigError(f"prompt {self.ref}: no value for {', '.join(sorted(missing))}")
        return [{"role": "system", "content": self.system.format(**values).strip()},
                {"role": "user", "content": self.user.format(**values).strip()}]


@cache
def load_prompt(ref: str) -> Prompt:
    """Load ``prompts/<ref>.yaml`` (``ref`` like ``"p3.v1"``)."""
    path = PROMPTS_DIR / f"{ref}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        prompt = Prompt.model_validate(data)
    except FileNotFoundError as e:
        raise ConfigError(f"prompt file not found: {path}") from e
    except (yaml.YAMLError, ValidationError) as e:
        raise ConfigError(f"invalid prompt file {path.name}: {e}") from e
    if prompt.ref != ref:
        raise ConfigError(f"prompt file {path.name} declares {prompt.ref}")
    return prompt
