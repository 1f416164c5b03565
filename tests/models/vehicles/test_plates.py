"""Mainland plates (GA 36): province, office letter (no I or O), five characters or six for a
new-energy vehicle; the separator typed is dropped."""

from __future__ import annotations

import pytest

from bot.core.errors import UserError
from models.vehicles.records import parse_plate, show_plate


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("赣A·12345", "赣A12345"),
        ("赣A12345", "赣A12345"),
        ("赣a 1234x", "赣A1234X"),
        ("京AD12345", "京AD12345"),
        ("粤B12345F", "粤B12345F"),
    ],
)
def test_accepted(typed: str, stored: str) -> None:
    assert parse_plate(typed) == stored
    assert show_plate(stored) == f"{stored[:2]}·{stored[2:]}"


@pytest.mark.parametrize(
    "typed", ["XX12345", "赣I12345", "赣A1234", "赣A123456", "赣AO1234", "赣A·1234Ｘ", ""]
)
def test_refused_with_the_format(typed: str) -> None:
    with pytest.raises(UserError, match="例如 赣A·12345"):
        parse_plate(typed)
