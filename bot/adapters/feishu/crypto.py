"""Feishu (Lark) signatures and event decryption: custom-bot signing, X-Lark-Signature, AES."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class FeishuCryptoError(Exception):
    """An event failed verification or decryption; the message says which check and why."""


def sign_bot(secret: str, timestamp_s: int) -> str:
    """``sign`` for a custom bot webhook: HMAC keyed by ``"{ts}\\n{secret}"`` over nothing.

    The roles are the reverse of DingTalk's (docs/platforms.md §Feishu signing); the timestamp
    is in seconds.
    """
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def event_signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    """``X-Lark-Signature``: sha256 hex of timestamp + nonce + encrypt key + raw body."""
    head = (timestamp + nonce + encrypt_key).encode("utf-8")
    return hashlib.sha256(head + body).hexdigest()


def event_signed(timestamp: str, nonce: str, encrypt_key: str, body: bytes, sign: str) -> bool:
    """True when ``sign`` is the event signature of ``body`` (compared in constant time)."""
    expected = event_signature(timestamp, nonce, encrypt_key, body).encode()
    return hmac.compare_digest(expected, sign.encode())


def decrypt(encrypt_key: str, encrypted: str) -> str:
    """Decrypt an ``{"encrypt": …}`` event body: AES-256-CBC, key sha256(encrypt key)."""
    try:
        blob = base64.b64decode(encrypted, validate=True)
    except binascii.Error:
        raise FeishuCryptoError("加密事件不是合法的 Base64") from None
    if len(blob) < 32 or len(blob) % 16:
        raise FeishuCryptoError("加密事件长度不合法")
    key = hashlib.sha256(encrypt_key.encode("utf-8")).digest()
    decryptor = Cipher(algorithms.AES(key), modes.CBC(blob[:16])).decryptor()
    plain = decryptor.update(blob[16:]) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= 16 or plain[-pad:] != bytes([pad]) * pad:
        raise FeishuCryptoError("解密后填充不合法：Encrypt Key 可能不对")
    try:
        return plain[:-pad].decode("utf-8")
    except UnicodeDecodeError:
        raise FeishuCryptoError("解密后的事件不是 UTF-8 文本") from None


def encrypt(encrypt_key: str, plaintext: str, iv: bytes) -> str:
    """The inverse of :func:`decrypt` (how Feishu encrypts; used by the local fake server)."""
    key = hashlib.sha256(encrypt_key.encode("utf-8")).digest()
    data = plaintext.encode("utf-8")
    pad = 16 - len(data) % 16
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(
        iv + encryptor.update(data + bytes([pad]) * pad) + encryptor.finalize()
    ).decode()
