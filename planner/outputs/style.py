"""Colours shared by the HTML and PNG reports, so one vehicle or mode has one
colour everywhere."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib
from matplotlib.colors import to_hex

# Distinct, dark-enough colours for lines on white: tab10 then Dark2.
PALETTE = tuple(
    to_hex(c)
    for name in ("tab10", "Dark2")
    for c in matplotlib.colormaps[name].colors  # type: ignore[attr-defined]
    if to_hex(c) != "#7f7f7f"  # grey is kept for context (farms, graticule)
)

MODE_COLORS = {
    "road": "#8c564b",
    "reefer_truck": "#1f77b4",
    "air": "#d62728",
    "rail": "#2ca02c",
    "sea": "#17becf",
}
TEMPERATURE_LABELS = {"ambient": "ambient", "iced": "iced", "reefer": "reefer"}
UNASSIGNED_COLOR = "#d62728"
SITE_COLOR = "#333333"
CONTEXT_COLOR = "#9a9a9a"


def vehicle_colors(vehicle_ids: Iterable[str]) -> dict[str, str]:
    """A colour for each vehicle, by its sorted position, cycling the palette."""
    return {v: PALETTE[i % len(PALETTE)] for i, v in enumerate(sorted(set(vehicle_ids)))}


def mode_color(mode: str) -> str:
    return MODE_COLORS.get(mode, SITE_COLOR)
