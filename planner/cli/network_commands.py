"""``planner network build|fetch|calibrate``: road graphs from OpenStreetMap and
the great-circle fit to them. osmnx and geopandas are imported by the commands,
so that other ``planner`` commands start fast."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..exceptions import TravelTimeError
from .case_commands import load_or_exit

if TYPE_CHECKING:
    import networkx as nx

    from ..travel.osm_graph import NetworkParams

console = Console()
err = Console(stderr=True)
network = typer.Typer(help="Road graphs from OpenStreetMap for travel times.", no_args_is_help=True)

OutOpt = Annotated[Path, typer.Option("--out", help="GraphML file to write (e.g. data/roads.graphml).")]
ProfilesOpt = Annotated[
    Path | None,
    typer.Option("--profiles", help="TOML file of vehicle profiles ([profile.<name>] tables).", exists=True),
]


def _params(profiles: Path | None) -> NetworkParams:
    from ..travel.osm_graph import NetworkParams

    try:
        return NetworkParams.from_file(profiles) if profiles else NetworkParams()
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


def _report(G: nx.MultiDiGraph, out: Path, seconds: float) -> None:
    from ..travel.osm_graph import graph_profiles, time_attr

    table = Table(title=f"{out}: {len(G):,} nodes, {G.number_of_edges():,} edges ({seconds:.1f} s)")
    for col in ("profile", "edges", "km of road"):
        table.add_column(col, justify="right" if col != "profile" else "left")
    for p in graph_profiles(G):
        usable = [d["length"] for _, _, d in G.edges(data=True) if time_attr(p) in d]
        table.add_row(p, f"{len(usable):,}", f"{sum(usable) / 1000:,.1f}")
    console.print(table)


@network.command()
def build(
    osm: Annotated[Path, typer.Option("--osm", help="OSM XML (.osm), PBF (.pbf) or Overpass JSON (.json) file.")],
    out: OutOpt,
    profiles: ProfilesOpt = None,
) -> None:
    """Build a road graph from a local OpenStreetMap file."""
    from ..travel.osm_graph import graph_from_file, save_graph

    params = _params(profiles)
    start = time.perf_counter()
    try:
        with console.status(f"building the road graph from {osm}"):
            G = graph_from_file(osm, params=params)
            save_graph(G, out)
    except (ValueError, FileNotFoundError) as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    _report(G, out, time.perf_counter() - start)


def _bbox(text: str) -> tuple[float, float, float, float]:
    try:
        south, west, north, east = (float(x) for x in text.split(","))
    except ValueError:
        raise typer.BadParameter(f"expected S,W,N,E in degrees, got {text!r}") from None
    return south, west, north, east


@network.command()
def fetch(
    out: OutOpt,
    bbox: Annotated[str | None, typer.Option("--bbox", help="S,W,N,E in degrees.")] = None,
    polygon: Annotated[Path | None, typer.Option("--polygon", help="GeoJSON file of the area.", exists=True)] = None,
    profiles: ProfilesOpt = None,
) -> None:
    """Download a road graph from the Overpass API (needs the network)."""
    import geopandas as gpd

    from ..travel.osm_graph import graph_from_bbox, graph_from_polygon, save_graph

    if (bbox is None) == (polygon is None):
        raise typer.BadParameter("give exactly one of --bbox or --polygon")
    params = _params(profiles)
    start = time.perf_counter()
    try:
        with console.status("downloading OpenStreetMap data"):
            if bbox is not None:
                G = graph_from_bbox(*_bbox(bbox), params=params)
            else:
                area = gpd.read_file(polygon).to_crs("EPSG:4326").union_all()
                G = graph_from_polygon(area, params=params)
            save_graph(G, out)
    except (TravelTimeError, ValueError) as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    _report(G, out, time.perf_counter() - start)


@network.command("calibrate")
def calibrate_command(
    graph: Annotated[Path, typer.Option("--graph", help="Road graph written by `network build`.")],
    case: Annotated[Path, typer.Option("--case", help="Case folder whose settings.toml [travel] is updated.")],
    sample: Annotated[int, typer.Option(help="Points per profile (pairs: its square).")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed of the sample.")] = 0,
    select: Annotated[bool, typer.Option(
        "--select", help="Also make the case use this graph (provider = osm, graph relative to the case).",
    )] = False,
) -> None:
    """Fit the great-circle detour factor and speeds to a road graph; write them to the case."""
    from ..travel.calibrate import CalibrationParams, calibrate, calibrated_settings
    from ..travel.osm_graph import load_graph
    from ..travel.osm_provider import OsmProvider

    loaded = load_or_exit(case)
    try:
        provider = OsmProvider(load_graph(graph))
        with console.status("routing sample pairs"):
            fit = calibrate(provider, params=CalibrationParams(sample_size=sample, seed=seed))
    except (TravelTimeError, ValueError) as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(2) from None
    travel = calibrated_settings(loaded.settings.travel, fit)
    if select:
        travel = replace(travel, provider="osm", graph=Path(os.path.relpath(graph.resolve(), case.resolve())).as_posix())
    from ..io.writer import reading_tables, write_settings

    write_settings(replace(loaded, settings=replace(loaded.settings, travel=travel)), case,
                   keep=reading_tables(case))  # [files] and [checks], which the case does not hold
    console.print(fit.summary(), markup=False, highlight=False)
    console.print(f"[green]wrote[/green] {case / 'settings.toml'} \\[travel]: "
                  f"provider = {travel.provider}, detour_factor = {travel.detour_factor}, "
                  f"speeds_kmh = {dict(travel.speeds_kmh)}" + (f", graph = {travel.graph}" if travel.graph else ""))


def register(app: typer.Typer) -> None:
    app.add_typer(network, name="network")
