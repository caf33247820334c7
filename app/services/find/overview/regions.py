"""The overview's map: England and Wales by region, each region shaded by how many projects it has.

The shapes are simplified outlines drawn by hand (regions.json, longitude and latitude), projected here onto
the SVG's plane. Like the charts (app/charts.py), the SVG is one image to assistive technology, named and
described in words; the table beside it gives every number.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import Any, cast

from markupsafe import Markup, escape

from app.charts import WITHHELD
from app.services.find.overview.model import RegionCount

WIDTH = 420
PADDING = 12
# Lightest to darkest GOV.UK-like blues; 0 is a region with no projects. Every step differs in lightness, and
# the number is in the table, so colour is never the only way to read it.
# The last shade (NOT_SHOWN) is a withheld count's: white, labelled "not shown" rather than a number.
SHADES = ["#f3f2f1", "#d2e2f1", "#a5c5e3", "#6f9fd1", "#1d70b8", "#003078", "#ffffff"]
INK = {0: "#0b0c0c", 1: "#0b0c0c", 2: "#0b0c0c", 3: "#0b0c0c", 4: "#ffffff", 5: "#ffffff", 6: "#0b0c0c"}
LATITUDE = math.radians(52.5)  # the map's scale is true at this latitude


@cache
def _data() -> dict[str, Any]:
    text = (Path(__file__).parent / "regions.json").read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


def outlines() -> dict[str, list[tuple[float, float]]]:
    return {
        name: [tuple(point) for point in ring] for name, ring in _data().items() if not name.startswith("_")
    }


@cache
def _projected() -> tuple[dict[str, list[tuple[float, float]]], dict[str, tuple[float, float]], float]:
    rings = outlines()
    points = [(lon * math.cos(LATITUDE), -lat) for ring in rings.values() for lon, lat in ring]
    west, north = min(x for x, _ in points), min(y for _, y in points)
    east, south = max(x for x, _ in points), max(y for _, y in points)
    scale = (WIDTH - 2 * PADDING) / (east - west)
    projected = {
        name: [
            (PADDING + (lon * math.cos(LATITUDE) - west) * scale, PADDING + (-lat - north) * scale)
            for lon, lat in ring
        ]
        for name, ring in rings.items()
    }
    labels = {
        name: (PADDING + (lon * math.cos(LATITUDE) - west) * scale, PADDING + (-lat - north) * scale)
        for name, (lon, lat) in _data()["_labels"].items()
    }
    return projected, labels, PADDING * 2 + (south - north) * scale


def map_svg(regions: list[RegionCount], *, chart_id: str = "regions-map") -> Markup:
    projected, label_points, height = _projected()
    shapes, labels = [], []
    for region in regions:
        ring = projected.get(region.region)
        if not ring:
            continue
        path = "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z"
        shapes.append(
            f'<path d="{path}" fill="{SHADES[region.shade]}" stroke="#0b0c0c" stroke-width="0.8">'
            f"<title>{escape(region.label)}: {_count(region)}</title></path>"
        )
        x, y = label_points[region.region]
        labels.append(
            f'<text x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle" font-size="15" font-weight="bold" '
            f'fill="{INK[region.shade]}">{_label(region)}</text>'
        )
    description = (
        "Map of England and Wales by region. "
        + "; ".join(f"{region.label}: {_count(region)}" for region in regions)
        + ". Darker regions have more projects."
    )
    # Safe: every piece of text in it went through escape() or is a number.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-map" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="Arial, sans-serif">'
        f'<title id="{chart_id}-title">Projects by region</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{''.join(shapes)}{''.join(labels)}</svg>"
    )


def _count(region: RegionCount) -> str:
    return f"{region.projects:,}" if region.projects is not None else f"{WITHHELD} (not shown)"


def _label(region: RegionCount) -> str:
    return f"{region.projects:,}" if region.projects is not None else "not shown"
