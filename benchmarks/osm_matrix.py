"""Road-network travel times on central Hanoi (../shared/osm/hanoi-center.overpass.json).

Measures: building the graph, the GraphML cache, a 2,000 x 2,000 seconds+metres
matrix per vehicle profile (time and peak memory; target < 5 s), against
networkx / osmnx pair by pair (and networkx one-to-all) on a sample scaled up
to 4,000,000 pairs; and the calibrated great-circle detour factor with its error.

    .venv/bin/python benchmarks/osm_matrix.py [--points 2000] [--out benchmarks/results/osm_matrix.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import tracemalloc
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import osmnx as ox
from rich.console import Console
from rich.table import Table

from planner.domain.geo import Location
from planner.travel.calibrate import CalibrationParams, calibrate
from planner.travel.osm_graph import graph_from_file, load_graph, save_graph, time_attr
from planner.travel.osm_provider import OsmProvider

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "osm" / "hanoi-center.overpass.json"
BBOX = (21.0081, 105.8122, 21.0421, 105.8657)  # S, W, N, E
console = Console(width=150)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def stops(provider: OsmProvider, count: int, seed: int) -> list[Location]:
    """Uniform random points of the extract within 300 m of every profile's roads."""
    rng = np.random.default_rng(seed)
    s, w, n, e = BBOX
    points = [Location(float(a), float(b))
              for a, b in zip(rng.uniform(s, n, 3 * count), rng.uniform(w, e, 3 * count), strict=True)]
    near = np.ones(len(points), dtype=bool)
    for profile in provider.profiles:
        near &= provider.snap(points, profile).distance_m <= 300
    kept = [p for p, ok in zip(points, near, strict=True) if ok]
    return kept[:count]


def cpu_timed(fn, *args, **kwargs) -> tuple[float, float]:
    """Wall and CPU seconds of a call (CPU time shows the cost on a shared, busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu


def matrix_figures(provider: OsmProvider, points: list[Location], profile: str) -> dict[str, float]:
    provider.matrix(points[:10], points[:10], profile)  # build the profile's tree and weights once
    runs = [cpu_timed(provider.matrix, points, points, profile) for _ in range(3)]
    tracemalloc.start()
    m = provider.matrix(points, points, profile)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "seconds": min(w for w, _ in runs), "cpu_seconds": min(c for _, c in runs),
        "load_average_1min": os.getloadavg()[0], "peak_mb": peak / 1e6, "result_mb": (m.seconds.nbytes + m.metres.nbytes) / 1e6,
        "mean_trip_s": float(m.seconds.mean()), "mean_trip_m": float(m.metres.mean()),
    }


def profile_graph(G: nx.MultiDiGraph, profile: str) -> nx.MultiDiGraph:
    attr = time_attr(profile)
    return nx.MultiDiGraph(G.edge_subgraph([(u, v, k) for u, v, k, d in G.edges(keys=True, data=True) if attr in d]))


def baselines(G: nx.MultiDiGraph, points: list[Location], profile: str, pairs: int, sources: int) -> dict[str, float]:
    """Seconds per pair (scaled to len(points)**2) for pair-by-pair and one-to-all."""
    Gp = profile_graph(G, profile)
    attr = time_attr(profile)
    start = time.perf_counter()
    projected = ox.project_graph(Gp)  # osmnx's nearest_nodes uses a KD-tree on projected graphs
    xy = gpd.GeoSeries(gpd.points_from_xy([p.lon for p in points], [p.lat for p in points]), crs="EPSG:4326")
    xy = xy.to_crs(projected.graph["crs"])
    nodes = ox.distance.nearest_nodes(projected, xy.x.to_numpy(), xy.y.to_numpy())
    snap_s = time.perf_counter() - start
    strong = max(nx.strongly_connected_components(Gp), key=len)
    nodes = [n for n in nodes if n in strong]
    rng = np.random.default_rng(1)
    orig = [nodes[i] for i in rng.integers(len(nodes), size=pairs)]
    dest = [nodes[i] for i in rng.integers(len(nodes), size=pairs)]
    _, nx_s = timed(lambda: [nx.shortest_path_length(Gp, a, b, weight=attr) for a, b in zip(orig, dest, strict=True)])
    _, ox_s = timed(ox.routing.shortest_path, Gp, orig, dest, weight=attr, cpus=1)
    _, one_s = timed(lambda: [nx.single_source_dijkstra_path_length(Gp, a, weight=attr) for a in orig[:sources]])
    n = len(points)
    return {
        "nearest_nodes_s": snap_s,
        "networkx_pair_s": nx_s / pairs, "networkx_pairs_scaled_s": nx_s / pairs * n * n,
        "osmnx_pair_s": ox_s / pairs, "osmnx_pairs_scaled_s": ox_s / pairs * n * n,
        "networkx_one_to_all_scaled_s": one_s / sources * n,
        "sample_pairs": pairs, "sample_sources": sources,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=300, help="sample for the pair-by-pair baselines")
    parser.add_argument("--sources", type=int, default=20, help="sample for the one-to-all baseline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "osm_matrix.json")
    args = parser.parse_args()

    G, build_s = timed(graph_from_file, SOURCE)
    with tempfile.TemporaryDirectory() as tmp:
        path, save_s = timed(save_graph, G, Path(tmp) / "hanoi-center.graphml")
        size_mb = path.stat().st_size / 1e6
        loaded, load_s = timed(load_graph, path)
    provider, init_s = timed(OsmProvider, loaded)
    points = stops(provider, args.points, args.seed)
    n = len(points)
    results = {
        "source": SOURCE.name, "machine": platform.processor() or platform.machine(),
        "graph": {"nodes": len(G), "edges": G.number_of_edges(), "build_s": build_s, "save_s": save_s,
                  "graphml_mb": size_mb, "load_s": load_s, "provider_init_s": init_s},
        "points": n, "profiles": {},
    }
    for profile in provider.profiles:
        figures = matrix_figures(provider, points, profile)
        figures |= baselines(loaded, points, profile, args.pairs, args.sources)
        results["profiles"][profile] = figures
    fit, fit_s = timed(calibrate, provider, params=CalibrationParams(sample_size=300, seed=args.seed))
    results["calibration"] = {
        "detour_factor": fit.detour_factor, "detour_mape": fit.detour_mape, "detour_p90": fit.detour_p90,
        "speeds_kmh": fit.speeds_kmh, "speed_mape": fit.speed_mape, "pairs": fit.pairs, "seconds": fit_s,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    print_tables(results)
    console.print(f"wrote {args.out}")


def markdown(r: dict) -> str:
    """The figures as a Markdown table, for notes and issues."""
    g, n = r["graph"], r["points"]
    lines = [
        f"# {r['source']}: {g['nodes']:,} nodes, {g['edges']:,} edges",
        "",
        f"Build {g['build_s']:.1f} s; GraphML {g['graphml_mb']:.1f} MB, save {g['save_s']:.1f} s, "
        f"load {g['load_s']:.1f} s; provider {g['provider_init_s']:.2f} s.",
        "",
        f"| profile | {n:,} x {n:,} matrix (s) | CPU (s) | peak MB (result alone) | networkx pairs, scaled (s) "
        "| osmnx pairs, scaled (s) | networkx one-to-all, scaled (s) | load avg |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for profile, f in r["profiles"].items():
        lines.append(
            f"| {profile} | {f['seconds']:.2f} | {f['cpu_seconds']:.2f} | {f['peak_mb']:.0f} ({f['result_mb']:.0f}) "
            f"| {f['networkx_pairs_scaled_s']:,.0f} | {f['osmnx_pairs_scaled_s']:,.0f} "
            f"| {f['networkx_one_to_all_scaled_s']:,.0f} | {f['load_average_1min']:.1f} |")
    c = r["calibration"]
    lines += ["", f"Calibrated detour factor {c['detour_factor']:.3f}: road metres off by {c['detour_mape']:.1%} "
              f"on average, {c['detour_p90']:.1%} at the 90th percentile.", ""]
    lines += [f"- {p}: {v:.1f} km/h, seconds off by {c['speed_mape'][p]:.1%} ({c['pairs'][p]:,} pairs)"
              for p, v in c["speeds_kmh"].items()]
    return "\n".join(lines) + "\n"


def print_tables(r: dict) -> None:
    g = r["graph"]
    console.print(f"[bold]{r['source']}[/bold]: {g['nodes']:,} nodes, {g['edges']:,} edges; build {g['build_s']:.1f} s, "
                  f"GraphML {g['graphml_mb']:.1f} MB (save {g['save_s']:.1f} s, load {g['load_s']:.1f} s), "
                  f"provider {g['provider_init_s']:.2f} s")
    n = r["points"]
    table = Table(title=f"{n:,} x {n:,} seconds + metres matrix")
    for col in ("profile", "matrix s", "CPU s", "peak MB", "networkx pairs s (scaled)", "osmnx pairs s (scaled)",
                "networkx one-to-all s (scaled)", "speed-up vs pairs"):
        table.add_column(col, justify="right")
    for profile, f in r["profiles"].items():
        table.add_row(profile, f"{f['seconds']:.2f}", f"{f['cpu_seconds']:.2f}", f"{f['peak_mb']:.0f}", f"{f['networkx_pairs_scaled_s']:,.0f}",
                      f"{f['osmnx_pairs_scaled_s']:,.0f}", f"{f['networkx_one_to_all_scaled_s']:,.1f}",
                      f"{f['networkx_pairs_scaled_s'] / f['seconds']:,.0f}x")
    console.print(table)
    console.print(f"load average while measuring: {max(f['load_average_1min'] for f in r['profiles'].values()):.1f} "
                  f"on {os.cpu_count()} CPUs")
    c = r["calibration"]
    console.print(f"calibrated detour factor {c['detour_factor']:.3f}: metres off by {c['detour_mape']:.1%} "
                  f"on average ({c['detour_p90']:.1%} at p90); speeds " +
                  ", ".join(f"{p} {v:.1f} km/h (seconds off {c['speed_mape'][p]:.1%})" for p, v in c["speeds_kmh"].items()))


if __name__ == "__main__":
    main()
