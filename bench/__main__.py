"""Run one benchmark by name, or list them."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys

from bench._machine import benchmarks


def main(argv: list[str]) -> int:
    names = benchmarks()
    if not argv:
        print("可用的基准测试 (benchmarks):")
        for name in names:
            doc = (importlib.import_module(f"bench.{name}").__doc__ or "").strip().splitlines()
            print(f"  {name:<12} {doc[0] if doc else ''}")
        print("运行：python -m bench NAME")
        return 0
    name = argv[0].replace("-", "_")  # telegram-broadcast → bench/telegram_broadcast.py
    if name not in names:
        print(f"没有名为 {name} 的基准测试；可选：{', '.join(names)}", file=sys.stderr)
        return 2
    module = importlib.import_module(f"bench.{name}")
    result = module.run(argv[1:])
    if inspect.iscoroutine(result):
        result = asyncio.run(result)
    print(json.dumps(result, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
