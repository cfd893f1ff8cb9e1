"""The package version: the one place it is written (pyproject.toml reads it from here).

A constant, not ``importlib.metadata.version("nianbao")``: that import costs 25–45 ms of
every start-up, and it said ``0+unknown`` in a source tree that was not installed.
"""
__version__ = "0.1.0"
