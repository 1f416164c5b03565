"""Fixtures of the web dashboard tests: the running site (tests/web_support.py)."""

from tests.web_support import site  # noqa: F401  (the fixture)
