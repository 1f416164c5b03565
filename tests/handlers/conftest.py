"""Fixtures of the handler tests: the county of the unit-scope tests."""

from tests.scope_support import county  # noqa: F401  (the fixture)
