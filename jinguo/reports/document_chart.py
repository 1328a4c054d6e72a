"""The report's bar chart, drawn once with reportlab.graphics.charts.

The PDF embeds the Drawing itself (vector, Chinese labels in the CID font STSong-Light). Word
needs a raster image: reportlab's own PNG backend needs rlPyCairo, which we do not ship, so
`drawing_png` paints the Drawing's primitive shapes with Pillow. Pillow has no Chinese font
on a bare server, so the PNG's category labels are numbers ("1", "2", …) and the document
prints the key to them under the image.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import reportlab
from PIL import Image, ImageDraw, ImageFont
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import (
    Drawing,
    Group,
    Line,
    Polygon,
    PolyLine,
    Rect,
    String,
    UserNode,
    mmult,
)
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

from jinguo.cases.documents import FONT

WIDTH, HEIGHT = 460, 220
BAR_COLOR = colors.HexColor("#c2185b")
LATIN_FONT = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"


@dataclass(frozen=True)
class Chart:
    title: str
    labels: list[str]
    values: list[int | float]


def chart_drawing(chart: Chart, *, numbered: bool = False) -> Drawing:
    """A vertical bar chart of `chart`; with `numbered`, categories are "1", "2", … (for the
    PNG, which cannot draw Chinese)."""
    # The labels are set in the CID font: registered here too, not only by the PDF writers
    # (a Word report or a lone chart is drawn before any PDF in a fresh process).
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    drawing = Drawing(WIDTH, HEIGHT)
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 45, 35, WIDTH - 60, HEIGHT - 55
    bars.data = [list(chart.values) or [0]]
    labels = [str(i + 1) for i in range(len(chart.labels))] if numbered else chart.labels
    bars.categoryAxis.categoryNames = labels or [""]
    bars.categoryAxis.labels.fontName = "Helvetica" if numbered else FONT
    bars.categoryAxis.labels.fontSize = 8
    bars.categoryAxis.labels.boxAnchor = "n"
    bars.valueAxis.valueMin = 0
    top = max([*chart.values, 0])
    bars.valueAxis.valueMax = max(int(top * 1.2) + 1, 5)
    bars.valueAxis.labels.fontName = "Helvetica"
    bars.valueAxis.labels.fontSize = 8
    bars.valueAxis.labelTextFormat = "%d"
    bars.bars[0].fillColor = BAR_COLOR
    bars.bars[0].strokeColor = None
    bars.barLabels.fontName = "Helvetica"
    bars.barLabels.fontSize = 7
    bars.barLabels.nudge = 6
    bars.barLabelFormat = "%d"
    drawing.add(bars)
    return drawing


# --- PNG: a small Pillow painter for the primitive shapes a bar chart is made of ----------

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1, 0, 0, 1, 0, 0)


def _rgb(color: colors.Color | None) -> tuple[int, int, int] | None:
    if color is None:
        return None
    rgb = color.rgb()
    return (int(rgb[0] * 255), int(rgb[1] * 255), int(rgb[2] * 255))


class _Painter:
    def __init__(self, drawing: Drawing, scale: float) -> None:
        self.scale = scale
        self.height = drawing.height
        size = (int(drawing.width * scale), int(drawing.height * scale))
        self.image = Image.new("RGB", size, "white")
        self.draw = ImageDraw.Draw(self.image)

    def point(self, m: _Matrix, x: float, y: float) -> tuple[float, float]:
        px = m[0] * x + m[2] * y + m[4]
        py = m[1] * x + m[3] * y + m[5]
        return px * self.scale, (self.height - py) * self.scale

    def width(self, shape: object) -> int:
        return max(1, round(float(getattr(shape, "strokeWidth", 1) or 1) * self.scale))

    def paint(self, node: object, m: _Matrix) -> None:
        if isinstance(node, UserNode):
            self.paint(node.provideNode(), m)
        elif isinstance(node, Group):
            self.group(node, m)
        elif isinstance(node, Rect):
            self.rect(node, m)
        elif isinstance(node, Line):
            self.line(node, m)
        elif isinstance(node, Polygon | PolyLine):
            self.poly(node, m)
        elif isinstance(node, String):
            self.text(node, m)

    def group(self, node: Group, m: _Matrix) -> None:
        inner = mmult(m, node.transform) if getattr(node, "transform", None) else m
        for child in node.contents:
            self.paint(child, inner)

    def rect(self, node: Rect, m: _Matrix) -> None:
        corners = [
            self.point(m, node.x, node.y),
            self.point(m, node.x + node.width, node.y + node.height),
        ]
        (x0, y0), (x1, y1) = corners
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        fill, outline = _rgb(node.fillColor), _rgb(node.strokeColor)
        self.draw.rectangle(box, fill=fill, outline=outline, width=self.width(node))

    def line(self, node: Line, m: _Matrix) -> None:
        stroke = _rgb(node.strokeColor)
        if stroke is not None:
            ends = [self.point(m, node.x1, node.y1), self.point(m, node.x2, node.y2)]
            self.draw.line(ends, fill=stroke, width=self.width(node))

    def poly(self, node: Polygon | PolyLine, m: _Matrix) -> None:
        pts = node.points
        xy = [self.point(m, pts[i], pts[i + 1]) for i in range(0, len(pts) - 1, 2)]
        if isinstance(node, Polygon):
            self.draw.polygon(xy, fill=_rgb(node.fillColor), outline=_rgb(node.strokeColor))
        elif _rgb(node.strokeColor) is not None and len(xy) > 1:
            self.draw.line(xy, fill=_rgb(node.strokeColor), width=self.width(node))

    def text(self, node: String, m: _Matrix) -> None:
        size = max(6, round(node.fontSize * self.scale))
        font = ImageFont.truetype(str(LATIN_FONT), size)
        x, y = self.point(m, node.x, node.y)
        length = self.draw.textlength(node.text, font=font)
        anchor = getattr(node, "textAnchor", "start")
        if anchor == "middle":
            x -= length / 2
        elif anchor == "end":
            x -= length
        fill = _rgb(node.fillColor) or (0, 0, 0)
        self.draw.text((x, y), node.text, font=font, fill=fill, anchor="ls")


def drawing_png(drawing: Drawing, *, scale: float = 2.0) -> bytes:
    painter = _Painter(drawing, scale)
    painter.paint(drawing.expandUserNodes(), _IDENTITY)
    buffer = io.BytesIO()
    painter.image.save(buffer, format="PNG")
    return buffer.getvalue()


def chart_key(labels: Sequence[str]) -> str:
    """ "1 嵩合社区　2 港口村" — the key to the PNG's numbered categories."""
    return "　".join(f"{i + 1} {label}" for i, label in enumerate(labels))
