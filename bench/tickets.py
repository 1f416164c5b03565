"""12345 tickets at scale on SQLite: bulk ingest, number lookup, keyword top-20 vs a LIKE scan."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import load_config
from bot.store.engine import make_engine, make_sessionmaker
from bot.store.migrate import upgrade
from models.tickets.search import index_tokens, scan, search, split_query, teach
from models.tickets.settings import TICKETS

START = datetime(2026, 1, 1)  # noqa: DTZ001 — stored naive UTC, as the UTCDateTime type does
PLACES = [
    "城关镇",
    "河口乡",
    "南山林场",
    "人民路",
    "解放路",
    "幸福小区",
    "东关村",
    "西河村",
    "新华街",
]
UNITS = [
    "县住建局",
    "县城管局",
    "县水利局",
    "县交通运输局",
    "县市场监管局",
    "供电公司",
    "自来水公司",
]
ISSUES = [
    "路灯不亮，晚上行人看不清",
    "小区噪音扰民，夜里施工不停",
    "井盖缺失，存在安全隐患",
    "道路积水严重，车辆无法通行",
    "占道经营，影响通行",
    "自来水停水两天，没有通知",
    "物业公司乱收费，要求退还",
    "垃圾清运不及时，气味很大",
    "学校门口交通拥堵，希望增设信号灯",
    "农民工工资被拖欠，请求帮助",
    "咨询医保报销政策和办理时限",
    "建议增设公交站点方便老人出行",
]
TAILS = ["请尽快处理。", "已反映多次。", "希望有关部门重视。", "联系12345热线后仍未解决。", ""]
RARE = [("堰塞湖", 0.0003), ("溃坝", 0.001)]
QUERIES = [
    "路灯",
    "噪音",
    "井盖",
    "积水",
    "占道",
    "停水",
    "垃圾",
    "拥堵",
    "工资",
    "医保",
    "公交",
    "物业",
    "扰民",
    "不亮",
    "信号灯",
    "乱收费",
    "溃坝",
    "堰塞湖",
    "安全隐患",
    "城关镇",
    "河口乡",
    "南山林场",
    "人民路",
    "解放路",
    "幸福小区",
    "东关村",
    "新华街",
    "县住建局",
    "县城管局",
    "县水利局",
    "供电公司",
    "自来水公司",
    "12345热线",
    "路灯 不亮",
    "噪音 扰民",
    "井盖 缺失",
    "积水 严重",
    "城关镇 路灯",
    "河口乡 垃圾",
    "办理时限",
    "增设公交站点",
    "农民工",
    "气味",
    "施工",
    "通知",
    "老人",
    "退还",
    "重视",
    "反映",
    "尽快",
    "处理",
    "出行",
]


def synthetic(n: int, seed: int = 12345) -> list[tuple[str, str, str, str]]:
    """``n`` tickets (number, content, address, received ISO), the same for the same seed."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        place, unit = rng.choice(PLACES), rng.choice(UNITS)
        text = f"{place}{rng.choice(ISSUES)}{rng.choice(TAILS)}"
        if rng.random() < 0.4:
            text += f"涉及{unit}。"
        for word, share in RARE:
            if rng.random() < share:
                text += f"附近发现{word}迹象。"
        # spread over 2026 in registration order; stored as SQLite's naive-UTC text
        at = START + timedelta(minutes=i * 525_600 // max(n, 1))
        number = f"12345-{at:%Y%m%d}-{i:07d}"
        address = f"{place}{rng.randint(1, 300)}号"
        rows.append((number, text, address, at.strftime("%Y-%m-%d %H:%M:%S.%f")))
    return rows


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)


def _ingest(path: Path, rows: list[tuple[str, str, str, str]]) -> dict[str, float]:
    began = time.perf_counter()
    tokens = [index_tokens(num, text, addr) for num, text, addr, _ in rows]
    segmented = time.perf_counter() - began
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    began_insert = time.perf_counter()
    sql = (
        "INSERT INTO tickets (number, channel, category, urgency, caller_name, caller_phone,"
        " content, address, tokens, received_at, due_at, co_orgs, status, return_reason, reply,"
        " visit_result, typical, merged_into, overdue_count, client, created_at, updated_at)"
        " VALUES (?, '电话', '投诉', '一般', '', '', ?, ?, ?, ?, ?, '[]', '办理中', '', '', '',"
        " 0, '', 0, 'bench', ?, ?)"
    )
    batch = 20000
    for start in range(0, len(rows), batch):
        chunk = [
            (num, text, addr, tok, at, at, at, at)
            for (num, text, addr, at), tok in zip(
                rows[start : start + batch], tokens[start : start + batch], strict=True
            )
        ]
        conn.executemany(sql, chunk)
        conn.commit()
    conn.execute("INSERT INTO ticket_fts(ticket_fts) VALUES ('optimize')")
    conn.commit()
    inserted = time.perf_counter() - began_insert
    conn.close()
    total = segmented + inserted
    return {
        "segment_s": round(segmented, 2),
        "insert_s": round(inserted, 2),
        "ingest_per_s": round(len(rows) / total),
    }


def _lookups(path: Path, rows: list[tuple[str, str, str, str]], count: int) -> dict[str, float]:
    conn = sqlite3.connect(path)
    rng = random.Random(7)
    samples = []
    for _ in range(count):
        number = rng.choice(rows)[0]
        began = time.perf_counter()
        found = conn.execute("SELECT id FROM tickets WHERE number = ?", (number,)).fetchone()
        samples.append(time.perf_counter() - began)
        assert found is not None
    conn.close()
    return {"lookup_p50_ms": _p(samples, 0.5), "lookup_p99_ms": _p(samples, 0.99)}


async def _queries(url: str, reps: int) -> dict[str, Any]:
    engine = make_engine(url)
    ours: list[float] = []
    like: list[float] = []
    recalls: dict[str, float] = {}
    async with make_sessionmaker(engine)() as session:
        for _ in range(reps):
            for query in QUERIES:
                began = time.perf_counter()
                await search(session, query, limit=20)
                ours.append(time.perf_counter() - began)
                began = time.perf_counter()
                await scan(session, split_query(query), limit=20)
                like.append(time.perf_counter() - began)
        for query in QUERIES:
            truth = set(await scan(session, split_query(query), limit=10**9))
            got = set(await search(session, query, limit=10**9))
            recalls[query] = len(truth & got) / len(truth) if truth else 1.0
    await engine.dispose()
    worst = min(recalls, key=lambda q: recalls[q])
    p99_ours, p99_like = _p(ours, 0.99), _p(like, 0.99)
    return {
        "queries": len(QUERIES),
        "keyword_top20_p50_ms": _p(ours, 0.5),
        "keyword_top20_p99_ms": p99_ours,
        "like_top20_p50_ms": _p(like, 0.5),
        "like_top20_p99_ms": p99_like,
        "p99_speedup": round(p99_like / p99_ours, 1) if p99_ours else None,
        "recall_mean": round(statistics.fmean(recalls.values()), 4),
        "recall_min": round(recalls[worst], 4),
        "recall_min_query": worst,
    }


def run(argv: list[str]) -> dict[str, Any]:
    """``python -m bench tickets [N] [REPS]``: N synthetic tickets (default 1,000,000)."""
    n = int(argv[0]) if argv else 1_000_000
    reps = int(argv[1]) if len(argv) > 1 else 3
    teach(TICKETS.of(load_config()).dictionary)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        url = f"sqlite+aiosqlite:///{path}"
        engine = make_engine(url)
        asyncio.run(upgrade(engine))
        asyncio.run(engine.dispose())
        began = time.perf_counter()
        rows = synthetic(n)
        generated = time.perf_counter() - began
        result: dict[str, Any] = {"tickets": n, "generate_s": round(generated, 2)}
        result.update(_ingest(path, rows))
        result.update(_lookups(path, rows, 2000))
        result.update(asyncio.run(_queries(url, reps)))
        result["db_mb"] = round(path.stat().st_size / 2**20, 1)
    for key, value in result.items():
        print(f"{key:>24}: {value}")
    return result
