"""WeCom callbacks cannot be forged or replayed: signed, within the freshness window, each
signature once (on every instance); WeCom's own retries of a message are still handled once;
and the URL check decrypts no captured message."""

from __future__ import annotations

import re

import aiohttp
import pytest

from bot.adapters.wecom import create_adapter
from bot.core.clock import FakeClock
from bot.testing.wecom import ENV, FakeWeCom
from tests.adapters.refusals import SECRET_TEXT, refused, refused_elsewhere
from tests.adapters.rig import Rig


async def test_forged_unsigned_and_oversized_callbacks_are_refused(
    rig: Rig, wecom: FakeWeCom, caplog: pytest.LogCaptureFixture
) -> None:
    plain = wecom.text_message("zhangsan", f"/whoami {SECRET_TEXT}", "101")
    posting = wecom.post_plain(rig.url, plain, sign="0" * 40)
    await refused(rig, wecom, caplog, posting, 403, "forged")
    # A genuine signature over another ciphertext.
    params, _ = wecom.sealed(wecom.text_message("zhangsan", "你好", "102"))
    _, other = wecom.sealed(plain)
    await refused(rig, wecom, caplog, wecom.post(rig.url, other, params=params), 403, "forged")
    params, data = wecom.sealed(plain)
    del params["msg_signature"]
    await refused(rig, wecom, caplog, wecom.post(rig.url, data, params=params), 403, "unsigned")
    huge = wecom.text_message("zhangsan", "汛" * 100_000, "103")
    await refused(rig, wecom, caplog, wecom.post_plain(rig.url, huge), 413, "bytes")


async def test_a_correctly_signed_old_or_future_callback_is_refused(
    rig: Rig, wecom: FakeWeCom, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    now, window = int(clock.now().timestamp()), rig.adapter.config.callback_window_seconds
    for stamp in ("1577836800", str(now - window - 1), str(now + window + 1)):  # 2020-01-01
        params, data = wecom.sealed(wecom.text_message("zhangsan", "/whoami", stamp), stamp=stamp)
        posting = wecom.post(rig.url, data, params=params)
        await refused(rig, wecom, caplog, posting, 403, "stale")
    edge = wecom.text_message("zhangsan", "/whoami", "104")
    params, data = wecom.sealed(edge, stamp=str(now - window))
    assert (await wecom.post(rig.url, data, params=params))[0] == 200


async def test_a_replay_is_refused_and_wecom_retries_are_handled_once(
    rig: Rig, wecom: FakeWeCom, caplog: pytest.LogCaptureFixture
) -> None:
    plain = wecom.text_message("zhangsan", "我是谁", "105")
    params, data = wecom.sealed(plain)
    assert (await wecom.post(rig.url, data, params=params))[0] == 200
    await rig.settle()
    # The identical request again (a replay, or a retry sent byte for byte): refused.
    await refused(rig, wecom, caplog, wecom.post(rig.url, data, params=params), 403, "replayed")
    # A retry WeCom signs afresh: accepted, and dropped by the inbox (same MsgId).
    assert await wecom.post_plain(rig.url, plain) == 200
    await rig.settle()
    assert len(wecom.texts("zhangsan")) == 1
    # Another instance behind the same URL knows the signature too.
    posting = lambda url: wecom.post(url, data, params=params)  # noqa: E731
    await refused_elsewhere(rig, wecom, caplog, create_adapter, ENV, posting)


async def _get(url: str, params: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, params=params) as resp:
        return resp.status, await resp.text()


async def test_url_check_echoes_once_and_decrypts_no_message(
    rig: Rig, wecom: FakeWeCom, caplog: pytest.LogCaptureFixture
) -> None:
    check = wecom.url_check("1288432023552776189")
    assert await _get(rig.url, check) == (200, "1288432023552776189")
    await refused(rig, wecom, caplog, _get(rig.url, check), 403, "replayed")
    forged = {**check, "nonce": "1", "echostr": wecom.url_check("1")["echostr"]}
    await refused(rig, wecom, caplog, _get(rig.url, forged), 403, "forged")
    # Tencent's published check (docs/platforms.md §WeCom test vectors, V3): genuine, from 2016.
    vector = {
        "msg_signature": "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
        "timestamp": "1476416373",
        "nonce": "47744683",
        "echostr": "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbh"
        "nFyq6SVHyA==",
    }
    await refused(rig, wecom, caplog, _get(rig.url, vector), 403, "stale")
    # A message sent as an echo, to have it decrypted: refused, before or after it came.
    params, data = wecom.sealed(wecom.text_message("zhangsan", SECRET_TEXT, "106"))
    encrypt = re.search(r"CDATA\[([^\]]+)\]\]></Encrypt>", data.decode())
    assert encrypt is not None
    oracle = {**params, "echostr": encrypt.group(1)}
    await refused(rig, wecom, caplog, _get(rig.url, oracle), 403, "message")
    assert (await wecom.post(rig.url, data, params=params))[0] == 200
    await refused(rig, wecom, caplog, _get(rig.url, oracle), 403, "message")
