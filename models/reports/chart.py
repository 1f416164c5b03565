"""督查通报 as a PNG chart for phones: per-unit 按期办结率 bars with 超期 and 红黄牌 counts,
and the 建议提案 KPIs, set in the Noto Sans SC that the install brings (no system font needed)."""

from __future__ import annotations

from functools import cache
from io import BytesIO

import pylopdf_fonts_zh_cn
from matplotlib import font_manager, rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Rectangle

from models.reports.report import Report, UnitRow

WIDTH = 7.2  # inches; at DPI this is 1080 px, the width a phone shows without scaling down
DPI = 150
ROW = 0.5  # inches per unit line
TOP = 1.3  # title, period and column heads
BOTTOM = 1.25  # 建议提案 block
# Layout across the page (inches): unit names | bar | 超期 and one column per card.
NAME_RIGHT, BAR_LEFT, BAR_RIGHT = 1.55, 1.65, 4.55
COLUMNS = {"超期": 4.9, "黄牌": 5.55, "橙牌": 6.15, "红牌": 6.75}
BAR = "#2F6DB5"
TRACK = "#E8EDF4"
MUTED = "#8A8F98"
INK = "#1F2328"
OVERDUE = "#C0392B"
CARDS = {"黄牌": "#E6B400", "橙牌": "#F08A24", "红牌": "#D62728"}


@cache
def font_family() -> str:
    """Register the bundled Noto Sans SC with matplotlib once; return its family name."""
    path = str(pylopdf_fonts_zh_cn.sans_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def render_png(report: Report) -> bytes:
    """Draw the report as a PNG, 1080 px wide and as tall as the unit list needs."""
    rows = [*report.units, report.total] if report.units else []
    height = TOP + max(len(rows), 1) * ROW + BOTTOM
    # rc_context keeps the font choice local: no global matplotlib state changes.
    with rc_context({"font.family": [font_family()], "font.size": 13}):
        figure = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
        FigureCanvasAgg(figure)  # Agg, whatever backend the environment asks for
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(height, 0)  # y in inches from the top, like reading order
        ax.set_axis_off()
        _header(ax, report)
        if not rows:
            ax.text(WIDTH / 2, TOP + ROW / 2, "本期无督办事项", ha="center", va="center")
        for index, row in enumerate(rows):
            y = TOP + (index + 0.5) * ROW
            if index == len(rows) - 1:  # the county line, set off from the units
                _rule(ax, y - ROW / 2)
            _unit(ax, y, row)
        _proposals(ax, report, height - BOTTOM)
        out = BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _rule(ax: Axes, y: float) -> None:
    ax.plot([0.2, WIDTH - 0.2], [y, y], color=TRACK, linewidth=1.5)


def _header(ax: Axes, report: Report) -> None:
    ax.text(0.2, 0.38, report.title, fontsize=18, color=INK, va="center")
    period = f"统计期间：{report.start} 至 {report.end}（到期事项）"
    ax.text(0.2, 0.74, period, fontsize=11, color=MUTED, va="center")
    heads = TOP - 0.22
    ax.text(NAME_RIGHT, heads, "单位", ha="right", va="center", fontsize=11, color=MUTED)
    ax.text(BAR_LEFT, heads, "按期办结率", va="center", fontsize=11, color=MUTED)
    for name, x in COLUMNS.items():
        ax.text(x, heads, name, ha="center", va="center", fontsize=11, color=MUTED)
    _rule(ax, TOP - 0.02)


def _unit(ax: Axes, y: float, row: UnitRow) -> None:
    name, size = _fit(row.unit)
    ax.text(NAME_RIGHT, y, name, ha="right", va="center", color=INK, fontsize=size)
    span, thick = BAR_RIGHT - BAR_LEFT, ROW * 0.62
    ax.add_patch(Rectangle((BAR_LEFT, y - thick / 2), span, thick, color=TRACK, lw=0))
    rate = row.rate.value
    if rate is None:
        ax.text(BAR_LEFT + 0.08, y, "无到期事项", va="center", fontsize=11, color=MUTED)
    else:
        ax.add_patch(Rectangle((BAR_LEFT, y - thick / 2), span * rate, thick, color=BAR, lw=0))
        inside = rate > 0.6  # a long bar has room for its label; a short one gets it after
        x = BAR_LEFT + span * rate + (-0.08 if inside else 0.08)
        ax.text(
            x,
            y,
            str(row.rate),
            ha="right" if inside else "left",
            va="center",
            fontsize=11,
            color="white" if inside else INK,
        )
    overdue = OVERDUE if row.overdue else MUTED
    ax.text(COLUMNS["超期"], y, str(row.overdue), ha="center", va="center", color=overdue)
    for card, count in row.cards.items():
        x = COLUMNS[card]
        if count:
            box = FancyBboxPatch(
                (x - 0.21, y - 0.15),
                0.42,
                0.3,
                boxstyle="round,pad=0,rounding_size=0.06",
                color=CARDS[card],
                lw=0,
            )
            ax.add_patch(box)
        colour = "white" if count else MUTED
        ax.text(x, y, str(count), ha="center", va="center", color=colour)


def _fit(name: str) -> tuple[str, float]:
    """Shrink a long unit name (县人力资源和社会保障局) to its column, cutting only past 8 pt."""
    room = (NAME_RIGHT - 0.2) * 72 / 1.05  # points; a Han character is about 1 em wide
    size = min(13.0, room / len(name))
    if size >= 8:
        return name, size
    keep = int(room / 8) - 1
    return name[:keep] + "…", 8.0


def _proposals(ax: Axes, report: Report, top: float) -> None:
    ax.text(0.2, top + 0.3, "建议提案", fontsize=12, color=INK, va="center")
    kpis = report.proposals
    for index, (name, rate) in enumerate(
        (("见面率", kpis.meet), ("办结率", kpis.completion), ("满意率", kpis.satisfaction))
    ):
        x = 0.2 + index * 2.35
        count = (
            f"（{rate.numerator}/{rate.denominator}）" if rate.denominator else "（无可统计件）"
        )
        ax.text(x, top + 0.62, name + count, fontsize=10, color=MUTED, va="center")
        value = "—" if rate.value is None else f"{rate.value:.1%}"
        ax.text(x, top + 0.95, value, fontsize=18, color=INK, va="center")
