"""DingTalk signing against docs/platforms.md §DingTalk test vectors."""

from __future__ import annotations

import pytest

from bot.adapters.dingtalk.signing import callback_signed, sign_webhook


@pytest.mark.parametrize(
    ("secret", "timestamp", "expected"),
    [
        ("this is secret", 1577262236757, "hmPWwU%2B7lVdm3ZZz0r9tSfx0L4Q26jWOZr9%2BGs6EZQM%3D"),
        ("SEC0123456789abcdef", 1700000000000, "TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D"),
    ],
)
def test_webhook_sign_is_url_encoded_once(secret: str, timestamp: int, expected: str) -> None:
    assert sign_webhook(secret, timestamp) == expected


def test_callback_vector_from_the_official_java_sample() -> None:
    sign = "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA="
    assert callback_signed("this is a secret", "1577262236757", sign)


def test_callback_rejects_wrong_secret_stamp_url_encoded_and_non_ascii_signs() -> None:
    sign, ts = "DJrE6qdyVGCQz9z5r2MDuNcNAhwYnuAkyj13cx169CA=", "1577262236757"
    assert not callback_signed("this is secret", ts, sign)
    assert not callback_signed("this is a secret", "1577262236758", sign)
    assert not callback_signed("this is a secret", ts, sign.replace("=", "%3D"))
    assert not callback_signed("this is a secret", ts, "签名")  # compared as bytes, no TypeError
