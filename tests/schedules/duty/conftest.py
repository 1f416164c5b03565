"""Duty tests run on the demo county with the committed duty config and a fair roster."""

from tests.duty_support import app  # noqa: F401  (overrides the shared fixture)
