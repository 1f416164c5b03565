"""A table of bars as a PNG for phones: one line per unit or person, one bar per figure (12345
KPIs, 查岗 response), set in the bundled Noto Sans SC like the 督查通报 chart."""

from __future__ import annotations

from io import BytesIO

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from models.reports.bar_table import BarTable, Cell
from models.reports.chart import BAR, DPI, INK, MUTED, OVERDUE, TRACK, WIDTH, font_family

ROW = 0.56  # inches per line
TOP = 1.25  # title, note and column heads
NAME_RIGHT = 1.75  # unit names end here; the bars share the rest
GAP = 0.12


def render_bars(table: BarTable) -> bytes:
    """Draw ``table`` as a PNG 1080 px wide, as tall as its lines need."""
    height = TOP + max(len(table.rows), 1) * ROW + 0.3
    with rc_context({"font.family": [font_family()], "font.size": 12}):
        figure = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor="white")
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, WIDTH)
        ax.set_ylim(height, 0)  # inches from the top, in reading order
        ax.set_axis_off()
        ax.text(0.2, 0.36, table.title, fontsize=17, color=INK, va="center")
        ax.text(0.2, 0.72, table.note, fontsize=10, color=MUTED, va="center")
        span = (WIDTH - 0.2 - NAME_RIGHT - GAP) / max(len(table.columns), 1)
        for index, head in enumerate(table.columns):
            x = NAME_RIGHT + GAP + index * span
            ax.text(x, TOP - 0.2, head, fontsize=10, color=MUTED, va="center")
        if not table.rows:
            ax.text(WIDTH / 2, TOP + ROW / 2, table.empty, ha="center", va="center", color=MUTED)
        for line, (name, cells) in enumerate(table.rows):
            y = TOP + (line + 0.5) * ROW
            size = min(12.0, (NAME_RIGHT - 0.2) * 72 / 1.05 / max(len(name), 1))
            ax.text(NAME_RIGHT, y, name, ha="right", va="center", color=INK, fontsize=size)
            for index, cell in enumerate(cells):
                _cell(ax, NAME_RIGHT + GAP + index * span, y, span - GAP, cell)
        out = BytesIO()
        figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _cell(ax: Axes, x: float, y: float, width: float, cell: Cell) -> None:
    """The figure's text above a thin bar: readable whatever the bar's length."""
    thick, bar_y = 0.12, y + 0.1
    ax.add_patch(Rectangle((x, bar_y - thick / 2), width, thick, color=TRACK, lw=0))
    colour = OVERDUE if cell.warn else BAR
    if cell.fraction is not None:
        filled = width * max(0.0, min(cell.fraction, 1.0))
        ax.add_patch(Rectangle((x, bar_y - thick / 2), filled, thick, color=colour, lw=0))
    ink = OVERDUE if cell.warn else INK if cell.fraction is not None else MUTED
    ax.text(x, y - 0.09, cell.text, va="center", fontsize=9.5, color=ink)
