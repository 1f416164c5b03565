"""The webhook's name resolution: every address a host name resolves to must be public.

aiohttp connects only to addresses its resolver returns, so refusing here (and not in a check
before the request) also closes the gap where a name resolves to a public address when checked
and to 127.0.0.1 when connected. IP literals never reach a resolver; the adapter checks those
with :func:`bot.config.addresses.check_url` before each POST.
"""

from __future__ import annotations

import ipaddress
import socket

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.config.addresses import internal


class InternalAddress(OSError):
    """A host name resolved to an address the webhook may not reach."""


class PublicOnlyResolver(AbstractResolver):
    """Resolves with aiohttp's default resolver and refuses any non-public answer.

    Args:
        inner: The resolver asked (aiohttp's default when None; tests pass their own).
    """

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self.inner = inner or DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """The addresses of ``host``, all public.

        Raises:
            InternalAddress: one of them is loopback, link-local, private or reserved.
        """
        found = await self.inner.resolve(host, port, family)
        for result in found:
            why = internal(ipaddress.ip_address(result["host"].split("%")[0]))
            if why is not None:
                raise InternalAddress(f"{host} 解析到{why}")
        return found

    async def close(self) -> None:
        """Release the inner resolver."""
        await self.inner.close()
