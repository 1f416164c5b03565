"""Fixtures of the web dashboard tests: the running site and the browser
(tests/web_support.py)."""

from tests.web_support import browser, live_site, site  # noqa: F401  (the fixtures)
