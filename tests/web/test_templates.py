"""Every template of the dashboard: a form that posts carries the CSRF field, nothing is loaded
from another site, and nothing switches autoescaping off."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [*ROOT.glob("bot/web/templates/*.html"), *ROOT.glob("handlers/*/templates/*.html")]
)
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) >= 10


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_template_keeps_to_the_rules(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for form in FORM.findall(text):
        if re.search(r'method="post"', form, re.I):
            assert 'name="csrf"' in form, f"a POST form without the CSRF field: {form[:80]}"
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), "loads from another site"
    assert "| safe" not in text and "autoescape false" not in text, "autoescaping switched off"
