"""Errors raised by nianbao. One root, user mistakes apart from runtime failures::

    NianbaoError                  root of everything nianbao raises on purpose
    ├── InputError                the user's input is unusable → exit 2, one line on stderr
    │   ├── UnsupportedFormat     file type we do not read (.xls, .png, …)
    │   ├── EmptyDocument         empty file, or no text at all after loading
    │   ├── NoTextLayer           PDF whose pages carry no text (scanned)
    │   ├── UnreadableDocument    corrupt or binary file, undecodable text, special file
    │   ├── TooLarge              over a size limit, or reading it needs too much memory
    │   ├── TooSlow               its parser ran past the time limit (a damaged file)
    │   └── NotAReport            readable, but not a 政府信息公开工作年度报告
    ├── ConfigError               bad settings: unknown backend, LLM backend without endpoint
    └── BackendError              a reader failed at run time → exit 1
        ├── EndpointError         the model endpoint is unreachable / keeps failing
        │   └── EndpointDown      it cannot serve any request: unreachable, or refuses our key
        └── ModelOutputError      the model's output stayed unusable after re-asks

Validation never raises on bad data: it returns findings (see ``extractor.validate``).
SDK errors are translated at the boundary that calls the SDK (``raise … from e``).
"""
from __future__ import annotations


class NianbaoError(Exception):
    """Root of all errors nianbao raises on purpose."""

    exit_code = 1


class InputError(NianbaoError):
    """The input document cannot be used. The message is one line, for the user."""

    exit_code = 2


class UnsupportedFormat(InputError):
    """Raised for a file type none of the loaders reads."""


class EmptyDocument(InputError):
    """Raised for an empty file or a document with no text after loading."""


class NoTextLayer(InputError):
    """Raised for a PDF without a text layer (a scan); OCR it first."""


class UnreadableDocument(InputError):
    """Raised for a corrupt or binary file, or text in no known encoding."""


class TooLarge(InputError):
    """Raised for a file, its unpacked parts or its text over a limit, or a parse that ran out
    of memory (``extractor.load.guard``)."""


class TooSlow(InputError):
    """Raised when a file's parser ran past the wall-clock limit and was killed."""


class NotAReport(InputError):
    """Raised when the text has none of the marks of an annual report."""


class ConfigError(NianbaoError):
    """Raised for unusable settings (unknown backend, LLM backend without endpoint)."""

    exit_code = 2


class BackendError(NianbaoError):
    """A reader failed at run time. ``usage`` keeps what the failed attempts cost (a ``schemas.Usage``)."""

    def __init__(self, message: str, usage=None):
        super().__init__(message)
        self.usage = usage


class EndpointError(BackendError):
    """The model endpoint could not be reached or kept failing after retries."""


class EndpointDown(EndpointError):
    """The endpoint cannot serve any request: nothing answers at its address, or it refuses the
    key (401/403). Every other document would fail the same way: a batch stops starting them."""


class ModelOutputError(BackendError):
    """The model's output stayed invalid after the bounded re-asks.

    ``answer`` is the last answer when it was valid in itself and failed only the checks
    against the document's text (e.g. values for rows the text does not have): the caller
    may still use it, grounded, rather than lose the rows that were right.
    """

    def __init__(self, message: str, usage=None, answer=None):
        super().__init__(message, usage)
        self.answer = answer
