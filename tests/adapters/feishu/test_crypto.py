"""Feishu signing and event decryption against docs/platforms.md §Feishu test vectors."""

from __future__ import annotations

import pytest

from bot.adapters.feishu.crypto import (
    FeishuCryptoError,
    decrypt,
    encrypt,
    event_signature,
    event_signed,
    sign_bot,
)


def test_official_decrypt_vector() -> None:
    assert decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=") == "hello world"


def test_wrong_key_or_garbage_is_a_clean_error() -> None:
    with pytest.raises(FeishuCryptoError):
        decrypt("other key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=")
    with pytest.raises(FeishuCryptoError, match="Base64"):
        decrypt("test key", "not base64!")


def test_encrypt_round_trip() -> None:
    assert decrypt("k", encrypt("k", '{"值班": 1}', b"0123456789abcdef")) == '{"值班": 1}'


def test_custom_bot_sign_and_the_dingtalk_style_mistake() -> None:
    assert sign_bot("demo-secret", 1599360473) == "3/MaVZ8JLIy4TUG+7KSFJqvUkTKd+HWY8g+56DZWq8s="
    assert sign_bot("demo-secret", 1599360473) != "+y4hoW+2wrJQJ+Ccwm+K1OKBY3kTQ7fsX6PjcCKo06U="


def test_event_signature() -> None:
    body = b'{"encrypt":"abc"}'
    sign = event_signature("1600000000", "n1", "key", body)
    assert event_signed("1600000000", "n1", "key", body, sign)
    assert not event_signed("1600000000", "n2", "key", body, sign)
    assert not event_signed("1600000000", "n1", "key", body + b" ", sign)
    assert not event_signed("1600000000", "n1", "key", body, "签名")  # no TypeError
