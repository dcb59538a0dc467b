"""report.png: the pickup and lanes maps drawn with geopandas/matplotlib."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from PIL import Image

from planner.outputs.report_png import write_report_png
from planner.outputs.style import mode_color, vehicle_colors


def _pixels_near(img: np.ndarray, hex_color: str, alpha: float, tol: float = 12) -> int:
    """Pixels of ``hex_color`` drawn with ``alpha`` over white."""
    rgb = np.array(to_rgb(hex_color)) * 255 * alpha + 255 * (1 - alpha)
    return int((np.abs(img[..., :3].astype(float) - rgb).max(axis=-1) <= tol).sum())


def test_png_has_the_pickup_regional_and_long_haul_maps(tiny_plan, tiny_case, tmp_path) -> None:
    path = write_report_png(tiny_plan, tiny_case, tmp_path / "sub" / "report.png", dpi=60)
    with Image.open(path) as im:
        assert im.format == "PNG" and im.size == (20 * 60, round(7.5 * 60))
        img = np.asarray(im.convert("RGB"))
    colors = vehicle_colors(["moto-1", "reefer-1"])
    third = img.shape[1] // 3
    pickup, regional, world = img[:, :third], img[:, third: 2 * third], img[:, 2 * third:]
    assert _pixels_near(pickup, colors["moto-1"], 0.85) > 50  # the motorbike's route
    assert _pixels_near(pickup, colors["reefer-1"], 0.85) > 50  # the reefer's route
    assert _pixels_near(pickup, mode_color("air"), 0.8) < 10  # (the legend's red cross)
    assert _pixels_near(regional, mode_color("reefer_truck"), 0.8) > 100  # Chu - Hanoi - Noi Bai
    assert _pixels_near(world, mode_color("air"), 0.8) > 100  # the flight to Los Angeles
    assert _pixels_near(world, colors["reefer-1"], 0.85) < 10  # no pickup route out there


def test_png_without_far_lanes_has_two_maps(tiny_plan, tiny_case, tmp_path) -> None:
    del tiny_plan["shipments"][2]  # no flight: every lane end is near Luc Ngan
    path = write_report_png(tiny_plan, tiny_case, tmp_path / "report.png", dpi=40)
    with Image.open(path) as im:
        assert im.size == (600, 300)


def test_png_of_an_empty_plan(tiny_plan, tiny_case, tmp_path) -> None:
    for key in ("routes", "deliveries", "shipments", "orders"):
        tiny_plan[key] = []
    path = write_report_png(tiny_plan, tiny_case, tmp_path / "report.png", dpi=40)
    with Image.open(path) as im:
        assert im.size == (600, 300)
