"""rjieba may segment the ticket index only while it yields jieba's tokens: checked here on the
ticket corpus (the benchmark's generator, the test tickets, the dictionary, ASCII edge cases) with
the user dictionary and the command words taught to both."""

from __future__ import annotations

import handlers
from bench.tickets import ISSUES, PLACES, QUERIES, TAILS, UNITS, synthetic
from bot.app import load_config
from bot.core import segment
from bot.core.routing import CommandTable
from models.tickets.search import index_tokens, teach
from models.tickets.settings import TICKETS
from tests.models.tickets.test_tickets_search import TEXTS

EDGE = [
    "12345-20231108-000123号工单，来电人王小明13912345678反映GD2024-000123问题",
    "Wi-Fi信号差，降雨量120.5mm，路灯不亮",
    "工单12345-20231108-000123进度",
    "查一下路灯不亮的工单",
    "咨询12345热线：城关镇人民路井盖缺失、噪音扰民、占道经营",
]


def test_rjieba_is_installed_and_used() -> None:
    assert segment._fast() is not None


def test_index_tokens_equal_jieba_on_the_ticket_corpus() -> None:
    CommandTable(handlers.ROUTERS)  # teaches the command words, as the running bot does
    teach(TICKETS.of(load_config()).dictionary)
    corpus = [text for row in synthetic(3000, seed=7) for text in row[:3]]
    corpus += [t for row in TEXTS for t in row] + ISSUES + PLACES + UNITS + TAILS + QUERIES + EDGE
    corpus += list(TICKETS.of(load_config()).dictionary)
    # The index is matched as a set of words (AND of tokens; no phrase queries, no ranking).
    differ = [
        text
        for text in corpus
        if set(index_tokens(text).split())
        != set(index_tokens(text, cut=segment.for_search_jieba).split())
    ]
    assert differ == []
    assert len(corpus) > 9000
