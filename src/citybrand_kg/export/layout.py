"""Node placement for the pictures: spring layout, then labels pushed apart until none overlap.

Public functions::

    place(nodes: list[dict], edges: list[dict], *, font_size: int = 14, seed: int = 7) -> Placement
    text_width(text: str, font_size: float) -> float

``nodes`` need ``id`` and ``label``; ``edges`` need ``source`` and ``target``. Each node is a box
(its circle with its label under it). Each connected component gets networkx's spring layout
(fixed seed) in a block sized for its boxes; entities without relations go in a grid block; the
blocks are shelved in rows. Overlapping boxes are then pushed apart along their shorter overlap,
growing the canvas when they cannot be separated. Deterministic for a given input.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

LEGEND_WIDTH = 190
MARGIN = 24
ROUNDS = 6
STEPS = 250
GAP = 36.0


@dataclass(frozen=True)
class Placement:
    width: int
    height: int
    font_size: int
    centres: dict[str, tuple[float, float]]  # circle centres
    radii: dict[str, float]


def text_width(text: str, font_size: float) -> float:
    """Rendered width estimate: wide (CJK, full-width) characters one em, others 0.6 em."""
    return sum(font_size if unicodedata.east_asian_width(ch) in ("W", "F") else 0.6 * font_size for ch in text)


def place(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], *, font_size: int = 14, seed: int = 7) -> Placement:
    ids = [node["id"] for node in nodes]
    if not ids:
        return Placement(LEGEND_WIDTH + 2 * MARGIN, 200, font_size, {}, {})
    network = nx.Graph()
    network.add_nodes_from(ids)
    network.add_edges_from((e["source"], e["target"]) for e in edges if e["source"] != e["target"])
    radii = np.array([min(5.0 + 2.0 * math.sqrt(network.degree(i)), 16.0) for i in ids])
    widths = np.array([max(text_width(n["label"], font_size) + 6, 2 * r) for n, r in zip(nodes, radii)])
    heights = 2 * radii + 1.4 * font_size + 4
    boxes = _Boxes(ids, widths, heights)
    xy, width, height = _pack(network, boxes, seed)
    for _ in range(ROUNDS):
        xy, overlaps = _separate(xy, widths, heights, width, height)
        if not overlaps:
            break
        xy, width, height = xy * 1.12, width * 1.12, height * 1.12
    offsets = heights / 2 - radii  # the circle sits at the top of its box
    left, top = LEGEND_WIDTH + MARGIN, MARGIN
    centres = {i: (float(x + left), float(y + top - off)) for i, (x, y), off in zip(ids, xy, offsets)}
    canvas = (math.ceil(width + LEGEND_WIDTH + 2 * MARGIN), math.ceil(max(height, 300) + 2 * MARGIN))
    return Placement(canvas[0], canvas[1], font_size, centres, dict(zip(ids, map(float, radii))))


@dataclass(frozen=True)
class _Boxes:
    ids: list[str]
    widths: np.ndarray
    heights: np.ndarray

    def index(self) -> dict[str, int]:
        return {node: number for number, node in enumerate(self.ids)}


def _pack(network: nx.Graph, boxes: _Boxes, seed: int) -> tuple[np.ndarray, float, float]:
    """Lay out each connected component on its own, then shelve the components in rows."""
    index = boxes.index()
    components = sorted((sorted(c) for c in nx.connected_components(network) if len(c) > 1),
                        key=lambda c: (-len(c), c[0]))
    singles = sorted(n for n in network if network.degree(n) == 0)
    blocks = [_spring_block(network.subgraph(c), [index[n] for n in c], boxes, seed) for c in components]
    if singles:
        blocks.append(_grid_block([index[n] for n in singles], boxes))
    total = sum(w * h for _, _, w, h in blocks)
    row_width = max(max(w for _, _, w, _ in blocks), math.sqrt(total) * 1.4)
    xy = np.zeros((len(boxes.ids), 2))
    x = y = row_height = width = 0.0
    for members, local, w, h in blocks:
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height + GAP, 0.0
        xy[members] = local + np.array([x, y])
        x, row_height, width = x + w + GAP, max(row_height, h), max(width, x + w)
    return xy, width, y + row_height


def _spring_block(
    component: nx.Graph, members: list[int], boxes: _Boxes, seed: int
) -> tuple[list[int], np.ndarray, float, float]:
    widths, heights = boxes.widths[members], boxes.heights[members]
    if len(members) == 2:  # a pair: one above the other, an edge's length apart
        block_w, gap = float(widths.max()), 30.0
        local = np.array([[block_w / 2, heights[0] / 2], [block_w / 2, heights[0] + gap + heights[1] / 2]])
        return members, local, block_w, float(heights.sum()) + gap
    area = float(np.sum(widths * heights)) * 3.0
    block_w, block_h = max(math.sqrt(area) * 1.25, float(widths.max())), max(math.sqrt(area) / 1.25, float(heights.max()))
    start = nx.spring_layout(component, seed=seed, iterations=300)
    points = np.array([start[boxes.ids[m]] for m in members], dtype=float)
    low, high = points.min(axis=0), points.max(axis=0)
    unit = (points - low) / np.where(high - low > 1e-9, high - low, 1.0)
    local = np.column_stack([widths / 2 + unit[:, 0] * (block_w - widths),
                             heights / 2 + unit[:, 1] * (block_h - heights)])
    return members, local, block_w, block_h


def _grid_block(members: list[int], boxes: _Boxes) -> tuple[list[int], np.ndarray, float, float]:
    """Entities without relations, in a grid sorted by IRI."""
    columns = max(1, math.ceil(math.sqrt(len(members) * 2)))
    cell_w = float(boxes.widths[members].max()) + 8
    cell_h = float(boxes.heights[members].max()) + 4
    local = np.array([[(k % columns + 0.5) * cell_w, (k // columns + 0.5) * cell_h] for k in range(len(members))])
    rows = math.ceil(len(members) / columns)
    return members, local, columns * cell_w, rows * cell_h


def _separate(
    xy: np.ndarray, widths: np.ndarray, heights: np.ndarray, width: float, height: float
) -> tuple[np.ndarray, int]:
    """Push overlapping boxes apart; returns the new centres and how many pairs still overlap."""
    xy = xy.copy()
    n = len(xy)
    order = np.arange(n)
    low = np.column_stack([widths / 2, heights / 2])
    high = np.maximum(np.column_stack([width - widths / 2, height - heights / 2]), low)
    count = 0
    for _ in range(STEPS):
        dx = xy[:, 0][:, None] - xy[:, 0][None, :]
        dy = xy[:, 1][:, None] - xy[:, 1][None, :]
        ox = (widths[:, None] + widths[None, :]) / 2 + 2 - np.abs(dx)
        oy = (heights[:, None] + heights[None, :]) / 2 + 2 - np.abs(dy)
        hit = (ox > 0) & (oy > 0) & (order[:, None] != order[None, :])
        count = int(hit.sum()) // 2
        if count == 0:
            break
        sx = np.where(dx == 0, np.where(order[:, None] < order[None, :], -1.0, 1.0), np.sign(dx))
        sy = np.where(dy == 0, np.where(order[:, None] < order[None, :], -1.0, 1.0), np.sign(dy))
        along_x = hit & (ox <= oy)
        along_y = hit & (ox > oy)
        move_x = np.sum(np.where(along_x, sx * ox / 2, 0.0), axis=1)
        move_y = np.sum(np.where(along_y, sy * oy / 2, 0.0), axis=1)
        xy[:, 0] += 0.6 * move_x
        xy[:, 1] += 0.6 * move_y
        xy = np.clip(xy, low, high)
    return xy, count
