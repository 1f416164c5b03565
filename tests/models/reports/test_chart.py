"""The 督查通报 chart: drawn from a real demo-county report, every Chinese glyph in the bundled
font, bars as long as the on-time rates, cards in their colours, long names kept in the page."""

from __future__ import annotations

import warnings
from datetime import date
from io import BytesIO

import pylopdf_fonts_zh_cn
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_rgb
from PIL import Image

from bot.app import App
from bot.cli.demo import UNITS
from bot.core.clock import FakeClock
from models.deadlines.rates import Rate
from models.proposals.kpi import ProposalKpis
from models.reports import chart
from models.reports.report import Report, UnitRow, build
from tests.handlers.proposals.test_proposals import NEW
from tests.handlers.supervision.test_supervision import say
from tests.schedules.supervision.test_supervision_pushes import TZ, at
from tests.support import RecordingAdapter

# One item per demo unit: unit, due date, and the liaison and local time it is closed.
ITEMS: tuple[tuple[str, str, str, tuple[int, ...]], ...] = (
    ("县水利局", "2026-12-01", "孙伟", (2026, 11, 27, 10, 0)),  # on time
    ("县林业局", "2026-12-02", "", ()),  # never done: 红牌, named
    ("县水利局", "2026-12-08", "孙伟", (2026, 12, 10, 10, 0)),  # late
    ("城关镇", "2026-12-11", "吴磊", (2026, 12, 10, 11, 0)),  # on time
    ("河口乡", "2026-12-15", "", ()),
    ("县应急管理局", "2026-12-21", "", ()),
    ("县政府办公室", "2026-12-31", "", ()),
    ("县公安局", "2027-01-04", "", ()),  # due on the report day: 橙牌
    ("县自然资源局", "2027-01-05", "", ()),  # due the next day: 黄牌
)


async def county_report(app: App, clock: FakeClock, console: RecordingAdapter) -> Report:
    """December 2026's report as of Monday 2027-01-04: items of every demo unit, a proposal."""
    await say(app, console, "陈静", NEW)
    await say(app, console, "孙伟", "建议提案 面商 1 面商")
    await say(app, console, "孙伟", "建议提案 答复 1 A")
    await say(app, console, "陈静", "建议提案 评价 1 满意")
    for unit, due, _, _ in ITEMS:
        await say(app, console, "陈静", f"督办 立项 {unit} {due} {unit}年度任务")
    closing = sorted((when, number, who) for number, (*_, who, when) in enumerate(ITEMS, 1) if who)
    for when, number, who in closing:
        await at(app, clock, console, *when)
        await say(app, console, who, f"/task_sign {number}")
        await say(app, console, who, f"/task_done {number} 已完成")
        await say(app, console, "陈静", f"/task_close {number}")
    await at(app, clock, console, 2027, 1, 4, 9, 0)
    async with app.sessions() as session:
        return await build(session, "month", clock.now(), TZ, app.config)


def drawn(report: Report) -> Image.Image:
    """Render, failing on any warning (a missing glyph is one), and open the PNG."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.render_png(report)
    assert [str(w.message) for w in caught] == []
    image = Image.open(BytesIO(png))
    assert image.format == "PNG"
    return image.convert("RGB")


def _px(value: float) -> int:
    return round(value * chart.DPI)


def _colour(name: str) -> tuple[int, ...]:
    return tuple(round(c * 255) for c in to_rgb(name))


def bar_share(image: Image.Image, index: int) -> float:
    """How much of row ``index``'s track is bar-coloured, read just inside the bar's top edge
    (clear of the label)."""
    y = _px(chart.TOP + (index + 0.5) * chart.ROW - chart.ROW * 0.62 / 2) + 3
    xs = range(_px(chart.BAR_LEFT) + 1, _px(chart.BAR_RIGHT) - 1)
    bar = _colour(chart.BAR)
    return sum(image.getpixel((x, y)) == bar for x in xs) / len(xs)


def card_shown(image: Image.Image, index: int, card: str) -> bool:
    """True when row ``index`` has the card's coloured box (read beside the digit)."""
    x = _px(chart.COLUMNS[card] - 0.15)
    return image.getpixel((x, _px(chart.TOP + (index + 0.5) * chart.ROW))) == _colour(
        chart.CARDS[card]
    )


async def test_the_county_chart(app: App, clock: FakeClock, console: RecordingAdapter) -> None:
    report = await county_report(app, clock, console)
    assert {row.unit for row in report.units} == set(UNITS)  # every unit name is drawn
    assert report.proposals.meet.value == 1
    image = drawn(report)
    rows = [*report.units, report.total]
    assert image.width == 1080
    assert abs(image.height - _px(chart.TOP + len(rows) * chart.ROW + chart.BOTTOM)) <= 1
    for index, row in enumerate(rows):
        assert bar_share(image, index) == pytest.approx(row.rate.value or 0, abs=0.01), row
        for card, count in row.cards.items():
            assert card_shown(image, index, card) == (count > 0), (row.unit, card)
    shares = [bar_share(image, i) for i in range(len(report.units))]
    assert shares == sorted(shares, reverse=True) and shares[0] == 1  # best first
    assert report.total.cards == {"黄牌": 1, "橙牌": 1, "红牌": 4}


def test_the_font_is_the_bundled_noto_sans_sc() -> None:
    family = chart.font_family()
    assert family == "Noto Sans SC"
    found = font_manager.findfont(font_manager.FontProperties(family=family))
    assert found == str(pylopdf_fonts_zh_cn.sans_path())


def _report(*units: UnitRow) -> Report:
    none = Rate(0, 0)
    proposals = ProposalKpis(0, none, none, none, none, none)
    return Report(
        "督查通报（12月07日—12月13日）",
        date(2026, 12, 7),
        date(2026, 12, 13),
        list(units),
        [],
        [],
        proposals,
    )


def test_a_glyph_the_font_lacks_is_reported() -> None:
    """The check above can fail: an emoji is not in Noto Sans SC."""
    with pytest.warns(UserWarning, match="missing from font"):
        chart.render_png(_report(UnitRow("消防救援大队🚒", due=1, on_time=1)))


def test_long_names_stay_on_the_page_and_an_empty_week_says_so() -> None:
    long = _report(
        UnitRow("县人力资源和社会保障局", due=2, on_time=1),
        UnitRow("县住房和城乡建设局", due=1),
        UnitRow("某" * 20, due=1, on_time=1),
    )
    image = drawn(long)
    margin = image.crop((0, 0, _px(0.12), image.height)).getcolors()
    assert [colour for _, colour in margin or []] == [(255, 255, 255)]  # nothing spills left
    assert [bar_share(image, i) for i in range(3)] == pytest.approx([0.5, 0, 1], abs=0.01)
    empty = drawn(_report())
    assert abs(empty.height - _px(chart.TOP + chart.ROW + chart.BOTTOM)) <= 1
    assert len(empty.getcolors(65536) or []) > 10  # title, heads and the 本期无督办事项 line
