"""Colours shared by the HTML and PNG reports, so one vehicle or mode has one
colour everywhere."""

from __future__ import annotations

from collections.abc import Iterable

import matplotlib
from matplotlib.colors import to_hex

# Distinct, dark-enough colours for lines on white: tab10, Dark2, Set1, then
# the darker shades of tab20b and tab20c (34 in all, so a day's fleet rarely
# shares a colour; the legend names each vehicle's).
_SOURCES = (("tab10", None), ("Dark2", None), ("Set1", None), ("tab20b", (0, 4, 8, 12, 16, 1, 5, 9, 13, 17)),
            ("tab20c", (0, 4, 8, 12)))
_SKIP = {"#7f7f7f", "#999999", "#666666", "#ffff33", "#a6761d", "#e6ab02", "#bcbd22"}


def _palette() -> tuple[str, ...]:
    out: list[str] = []
    for name, picks in _SOURCES:
        colors = matplotlib.colormaps[name].colors  # type: ignore[attr-defined]
        for i, c in enumerate(colors):
            hexa = to_hex(c)
            if (picks is None or i in picks) and hexa not in _SKIP and hexa not in out:
                out.append(hexa)
    return tuple(out)


PALETTE = _palette()  # grey is kept for context (farms, graticule)

# Timeline states: never a vehicle's colour, so a bar's colour always means a state.
STATE_COLORS = {"drive": "#9db4c8", "wait": "#ffffff", "pickup": "#e8a33d", "delivery": "#1b7a3e"}

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
