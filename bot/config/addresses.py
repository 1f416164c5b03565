"""Where the bot may send data on its own: public https addresses, no credentials in the URL.

Used when config is loaded (``tickets.webhook.url``) and again for each address a host name
resolves to before a POST (bot/adapters/webhook/resolve.py), so neither a literal such as
``http://0x7f000001/`` nor a name resolving to 127.0.0.1 reaches an internal service.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def literal_ip(host: str) -> IP | None:
    """The address ``host`` spells, in any form a resolver accepts, or None for a name.

    Besides dotted quads and IPv6 this reads what ``inet_aton`` reads: ``2130706433``,
    ``0x7f000001``, ``0177.0.0.1``, ``127.1``.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if not host or not all(c.isalnum() or c == "." for c in host) or not host.isascii():
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def internal(ip: IP) -> str | None:
    """Why ``ip`` is not a public address (loopback, link-local, private …), or None."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind, flagged in (
        ("回环", ip.is_loopback),
        ("链路本地", ip.is_link_local),
        ("私有", ip.is_private),
        ("组播", ip.is_multicast),
        ("未指定", ip.is_unspecified),
        ("保留", ip.is_reserved or not ip.is_global),
    ):
        if flagged:
            return f"{kind}地址 {ip}"
    return None


def check_url(url: str, *, allow_private: bool, allow_http: bool) -> str:
    """``url`` when the bot may post to it.

    Raises:
        ValueError: a Chinese message naming the problem and the config key that allows it.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("不是合法的地址，例如 https://12345.example.cn/steps") from None
    blank = any(c.isspace() for c in url)
    if parts.scheme not in ("https", "http") or not parts.hostname or blank:
        raise ValueError("应为 https:// 开头的完整地址，例如 https://12345.example.cn/steps")
    if parts.scheme == "http" and not allow_http:
        raise ValueError("须使用 https://（明文 http 仅在 allow_plain_http: true 时允许）")
    if parts.username is not None or parts.password is not None:
        raise ValueError("地址中不得含用户名或密码；鉴权由签名完成")
    if port == 0:
        raise ValueError("端口不能为 0")
    host = parts.hostname.rstrip(".")
    ip = literal_ip(host)
    why = internal(ip) if ip is not None else None
    if host == "localhost" or host.endswith(".localhost"):
        why = f"回环地址 {host}"
    if why is not None and not allow_private:
        raise ValueError(
            f"指向{why}，不允许（政务外网等内网接收方须显式设置 allow_private_targets: true）"
        )
    return url
