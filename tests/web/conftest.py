"""Fixtures of the web dashboard tests: the running site and the browser
(tests/web_support.py)."""

from tests.web.dashboard_data import county  # noqa: F401  (the feature pages' site)
from tests.web_support import browser, live_site, site  # noqa: F401  (the fixtures)
