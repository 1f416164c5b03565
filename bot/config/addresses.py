"""Where the bot may send data on its own: public https addresses, no credentials in the URL;
and the platform hosts it calls (:func:`check_base`: 政务微信 or 专有钉钉 on a 政务外网 host).

Used when config is loaded (``tickets.webhook.url``) and again for each address a host name
resolves to before a POST (bot/adapters/webhook/resolve.py), so neither a literal such as
``http://0x7f000001/`` nor a name resolving to 127.0.0.1 reaches an internal service.
"""

from __future__ import annotations

import ipaddress
import re
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


_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


def check_host(host: str) -> bool:
    """Whether ``host`` is an IP address or a DNS name (ASCII labels, 253 characters at most)."""
    if literal_ip(host) is not None:
        return True
    labels = host.rstrip(".").split(".")
    return len(host) <= 253 and all(_LABEL.match(label) for label in labels)


def check_base(url: str, *, allow_http: bool, path: bool = True) -> str:
    """``url`` without its trailing ``/`` when it names a platform's API (or, with ``path``
    False, an origin ``scheme://host[:port]``): https (http only with ``allow_plain_http``, for
    local fakes), a valid host, a port in range, no credentials, query or fragment. Private
    addresses are allowed: a government deployment lives on the 政务外网.

    Raises:
        ValueError: a Chinese message naming the problem.
    """
    example = "https://zwwx.example.gov.cn" if path else "https://oapi.example.gov.cn"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError(f"不是合法的地址，例如 {example}") from None
    if (
        parts.scheme not in ("https", "http")
        or not parts.hostname
        or parts.netloc != parts.netloc.strip()
    ):
        raise ValueError(f"应为 https:// 开头的地址，例如 {example}")
    if parts.scheme == "http" and not allow_http:
        raise ValueError(
            "须使用 https://（明文 http 仅供本机测试，需设置 allow_plain_http: true）"
        )
    if parts.username is not None or parts.password is not None or parts.query or parts.fragment:
        raise ValueError(f"只写协议、主机和端口{'（及路径前缀）' if path else ''}，例如 {example}")
    if port == 0 or any(c.isspace() for c in url) or not check_host(parts.hostname):
        raise ValueError(f"主机名或端口不合法，例如 {example}")
    if not path and parts.path not in ("", "/"):
        raise ValueError(f"只写协议、主机和端口，不含路径，例如 {example}")
    return url.rstrip("/")
