"""Geometry of the dashboard's two charts, drawn as SVG by templates/core/_charts.html.

Pure: numbers in, coordinates out (in the SVG's own units; the SVG scales to its
box). Series are told apart by pattern, dash and marker shape as well as colour,
and every value is printed beside its mark, so no chart relies on colour alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 160  # room for the category labels left of the bars
VALUE_ROOM = 40    # room for a value printed right of the longest bar
ROW_GAP = 10
BAR_HEIGHT = 14


@dataclass(frozen=True)
class Bar:
    series: int
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarRow:
    label: str
    y: float  # the middle of the row, for its label
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    rows: tuple[BarRow, ...]
    left: float


def grouped_bars(labels: list[str], values: list[list[int]]) -> BarChart:
    """Return horizontal bars: one row per label, one bar per series in each; `values[s][row]`."""
    longest = max((v for series in values for v in series), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    row_height = BAR_HEIGHT * len(values) + ROW_GAP
    rows = []
    for r, label in enumerate(labels):
        top = ROW_GAP / 2 + r * row_height
        bars = tuple(Bar(s, series[r], LABEL_WIDTH, top + s * BAR_HEIGHT,
                         room * series[r] / longest, BAR_HEIGHT - 2)
                     for s, series in enumerate(values))
        rows.append(BarRow(label, top + BAR_HEIGHT * len(values) / 2, bars))
    return BarChart(WIDTH, row_height * len(labels) + ROW_GAP / 2, tuple(rows), LABEL_WIDTH)


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int


@dataclass(frozen=True)
class Line:
    series: int
    segments: tuple[tuple[Point, ...], ...]  # broken where a value is missing

    @property
    def points(self) -> list[Point]:
        return [p for segment in self.segments for p in segment]


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    left: float
    bottom: float
    lines: tuple[Line, ...]
    x_labels: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, int], ...]


def _tick_step(top: int) -> int:
    """Return a round step (1, 2, 5, 10, 20 ...) giving at most about five ticks up to `top`."""
    raw = max(1, math.ceil(top / 5))
    magnitude = 10 ** (len(str(raw)) - 1)
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= raw)


def lines(labels: list, values: list[list[int | None]], height: float = 240) -> LineChart:
    """Return lines over `labels` (months): one per series, broken where a value is None."""
    left, right, top, bottom = 40.0, 20.0, 22.0, height - 30
    highest = max((v for series in values for v in series if v is not None), default=0)
    step = _tick_step(highest or 1)
    ceiling = step * max(1, math.ceil((highest or 1) / step))
    span = (WIDTH - left - right) / max(1, len(labels) - 1)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / ceiling

    drawn = []
    for s, series in enumerate(values):
        segments, current = [], []
        for i, value in enumerate(series):
            if value is None:
                if current:
                    segments.append(tuple(current))
                current = []
                continue
            current.append(Point(left + i * span, y_of(value), value))
        if current:
            segments.append(tuple(current))
        drawn.append(Line(s, tuple(segments)))
    return LineChart(WIDTH, height, left, bottom, tuple(drawn),
                     tuple((left + i * span, label) for i, label in enumerate(labels)),
                     tuple((y_of(v), v) for v in range(0, ceiling + 1, step)))
