"""Feishu events cannot be forged or replayed: every event is signed (only the URL challenge
comes unsigned, and it stores nothing), within the window, each signature once."""

from __future__ import annotations

import json

import pytest

from bot.adapters.feishu import create_adapter
from bot.core.clock import FakeClock
from bot.testing.feishu import ENV, VERIFICATION, FakeFeishu
from tests.adapters.refusals import SECRET_TEXT, refused, refused_elsewhere, traces
from tests.adapters.rig import Rig


async def test_an_event_without_its_signature_is_refused(
    rig: Rig, feishu: FakeFeishu, caplog: pytest.LogCaptureFixture
) -> None:
    """The reported hole: the signature headers removed, the event was stored."""
    event = feishu.message_event("ou_zhangsan", f"/whoami {SECRET_TEXT}", "ev-u1")
    raw, headers = feishu.sealed(event)
    await refused(rig, feishu, caplog, feishu.post(rig.url, raw), 403, "unsigned")
    no_stamp = {k: v for k, v in headers.items() if k != "X-Lark-Request-Timestamp"}
    await refused(rig, feishu, caplog, feishu.post(rig.url, raw, no_stamp), 403, "unsigned")
    no_nonce = {k: v for k, v in headers.items() if k != "X-Lark-Request-Nonce"}
    await refused(rig, feishu, caplog, feishu.post(rig.url, raw, no_nonce), 403, "unsigned")


async def test_forged_and_oversized_events_are_refused(
    rig: Rig, feishu: FakeFeishu, caplog: pytest.LogCaptureFixture
) -> None:
    event = feishu.message_event("ou_zhangsan", f"/whoami {SECRET_TEXT}", "ev-f1")
    posting = feishu.post_event(rig.url, event, key="guessed key")
    await refused(rig, feishu, caplog, posting, 403, "forged")
    _, headers = feishu.sealed(feishu.message_event("ou_zhangsan", "你好", "ev-f2"))
    raw, _ = feishu.sealed(event)
    await refused(rig, feishu, caplog, feishu.post(rig.url, raw, headers), 403, "forged")
    huge = feishu.message_event("ou_zhangsan", "汛" * 100_000, "ev-f3")
    await refused(rig, feishu, caplog, feishu.post_event(rig.url, huge), 413, "bytes")


async def test_stale_and_future_events_are_refused(
    rig: Rig, feishu: FakeFeishu, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    now, window = int(clock.now().timestamp()), rig.adapter.config.callback_window_seconds
    for stamp in (now - window - 1, now + window + 1):
        event = feishu.message_event("ou_zhangsan", "/whoami", f"ev-s{stamp}")
        raw, headers = feishu.sealed(event, stamp=str(stamp))
        posting = feishu.post(rig.url, raw, headers)
        await refused(rig, feishu, caplog, posting, 403, "stale")
    edge = feishu.message_event("ou_zhangsan", "/whoami", "ev-s")
    raw, headers = feishu.sealed(edge, stamp=str(now - window))
    assert (await feishu.post(rig.url, raw, headers))[0] == 200


async def test_a_replay_is_refused_and_a_resent_event_is_handled_once(
    rig: Rig, feishu: FakeFeishu, caplog: pytest.LogCaptureFixture
) -> None:
    event = feishu.message_event("ou_zhangsan", "/whoami", "ev-r1")
    raw, headers = feishu.sealed(event)
    assert (await feishu.post(rig.url, raw, headers))[0] == 200
    await refused(rig, feishu, caplog, feishu.post(rig.url, raw, headers), 403, "replayed")
    assert (await feishu.post_event(rig.url, event))[0] == 200  # re-sent, signed afresh
    await rig.settle()
    assert len(feishu.texts("ou_zhangsan")) == 1
    posting = lambda url: feishu.post(url, raw, headers)  # noqa: E731
    await refused_elsewhere(rig, feishu, caplog, create_adapter, ENV, posting)


async def test_the_unsigned_url_challenge_is_answered_and_stores_nothing(
    rig: Rig, feishu: FakeFeishu
) -> None:
    challenge = {"challenge": "c-1", "token": VERIFICATION, "type": "url_verification"}
    before = await traces(rig, feishu)
    for _ in range(2):  # answered again: a challenge has nothing to replay
        status, answer = await feishu.post_event(rig.url, challenge, sign=False)
        assert (status, answer) == (200, {"challenge": "c-1"})
    status, text = await feishu.post(rig.url, json.dumps(challenge).encode())
    assert status == 400 and "error" in json.loads(text)  # unencrypted: we set an Encrypt Key
    assert await traces(rig, feishu) == before
