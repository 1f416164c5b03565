"""WeCom callback crypto (加解密方案): SHA1 message signature and AES-256-CBC with PKCS#7 to 32.

Written on ``cryptography`` rather than on Tencent's sample or wechatpy (see
docs/platforms.md §WeCom callbacks); its tests are the published vectors
(docs/platforms.md §WeCom test vectors).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32  # WeCom pads to 32 bytes, not AES's 16


class WeComCryptoError(Exception):
    """A callback failed verification or decryption; the message says which check and why."""


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """``sha1`` of the four strings sorted lexicographically and joined."""
    joined = "".join(sorted([token, timestamp, nonce, encrypt]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


class WeComCrypto:
    """Verify, decrypt and encrypt WeCom callback messages for one app (or AI bot).

    Args:
        token: The callback Token from the app's 接收消息 settings.
        encoding_aes_key: The 43-character EncodingAESKey from the same page.
        receive_id: The CorpID for a self-built app; ``""`` for an AI bot (智能机器人).
    """

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise WeComCryptoError(
                f"EncodingAESKey 应为 43 个字符，实际 {len(encoding_aes_key)} 个："
                "请从应用「接收消息」设置页完整复制"
            )
        try:
            # Lenient decoding on purpose: real keys may leave non-zero trailing bits (vector V5 of
            # docs/platforms.md §WeCom test vectors).
            self.key = base64.b64decode(encoding_aes_key + "=")
        except binascii.Error as exc:
            raise WeComCryptoError(f"EncodingAESKey 不是合法的 Base64：{exc}") from None
        if len(self.key) != 32:
            raise WeComCryptoError("EncodingAESKey 解码后应为 32 字节，请核对")
        self.token = token
        self.receive_id = receive_id

    def signs(self, msg_signature: str, timestamp: str, nonce: str, data: str) -> bool:
        """True when ``msg_signature`` signs ``data`` with our token (compared in constant time,
        as bytes: a query may carry any characters)."""
        expected = signature(self.token, timestamp, nonce, data).encode()
        return hmac.compare_digest(expected, msg_signature.lower().encode())

    def check_signature(self, msg_signature: str, timestamp: str, nonce: str, data: str) -> None:
        """Raise unless ``msg_signature`` signs ``data`` with our token."""
        if not self.signs(msg_signature, timestamp, nonce, data):
            raise WeComCryptoError("签名校验失败（msg_signature 不符）：请核对回调 Token")

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Answer the URL-verification GET: check, decrypt and return the echo plaintext."""
        return self.decrypt(msg_signature, timestamp, nonce, echostr)

    def decrypt(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> str:
        """Check the signature, then decrypt ``encrypt`` and return the message text."""
        self.check_signature(msg_signature, timestamp, nonce, encrypt)
        try:
            blob = base64.b64decode(encrypt, validate=True)
        except binascii.Error:
            raise WeComCryptoError("密文不是合法的 Base64") from None
        if not blob or len(blob) % 16:
            raise WeComCryptoError("密文长度不是 AES 块长的整数倍")
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = decryptor.update(blob) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise WeComCryptoError("解密后填充不合法：EncodingAESKey 可能不对")
        content = plain[16:-pad]
        if len(content) < 4:
            raise WeComCryptoError("解密后内容过短：EncodingAESKey 可能不对")
        (length,) = struct.unpack(">I", content[:4])
        if length > len(content) - 4:
            raise WeComCryptoError("解密后长度字段不合法：EncodingAESKey 可能不对")
        message, receive_id = content[4 : 4 + length], content[4 + length :]
        if receive_id.decode("utf-8", "replace") != self.receive_id:
            raise WeComCryptoError(
                f"消息的接收方 ID 不符（应为「{self.receive_id}」）：请核对企业 ID（CorpID）"
            )
        try:
            return message.decode("utf-8")
        except UnicodeDecodeError:
            raise WeComCryptoError("解密后的消息不是 UTF-8 文本") from None

    def encrypt(
        self, plaintext: str, nonce: str, timestamp: str, *, random16: bytes | None = None
    ) -> tuple[str, str]:
        """Encrypt a reply; returns ``(ciphertext, msg_signature)``.

        ``random16`` pins the random prefix (test vectors only).
        """
        body = plaintext.encode("utf-8")
        prefix = random16 if random16 is not None else os.urandom(16)
        raw = prefix + struct.pack(">I", len(body)) + body + self.receive_id.encode("utf-8")
        pad = BLOCK - len(raw) % BLOCK
        raw += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        ciphertext = base64.b64encode(encryptor.update(raw) + encryptor.finalize()).decode()
        return ciphertext, signature(self.token, timestamp, nonce, ciphertext)
