"""Help tests run on the demo county (people of every role)."""

from tests.duty_support import app  # noqa: F401  (overrides the shared fixture)
