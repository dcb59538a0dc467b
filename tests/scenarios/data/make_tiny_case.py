"""Regenerate ``tiny-luc-ngan/``: a very small Luc Ngan case from the seeded
case generator (a handful of farms, lots and orders, one vehicle per type),
the base case of the test scenarios. Run: .venv/bin/python tests/scenarios/data/make_tiny_case.py"""

from pathlib import Path

from planner.casegen import CaseSpec, generate_case
from planner.io import write_case

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    case = generate_case(CaseSpec(seed=7, n_farms=8, n_lots=10, n_orders=40, b2b_share=0.1,
                                  fleet_scale=0.01))
    folder = HERE / "tiny-luc-ngan"
    folder.mkdir(exist_ok=True)
    write_case(case, folder)
    print(f"wrote {folder}: {len(case.lots)} lots, {len(case.orders)} orders")
