"""Solomon-format VRPTW instances (Solomon 1987; Gehring & Homberger 1999)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class SolomonInstance:
    """Row 0 is the depot. Times and distances are the instance's own units."""

    name: str
    num_vehicles: int
    capacity: int
    xy: NDArray[np.float64]
    demand: NDArray[np.int64]
    ready: NDArray[np.float64]
    due: NDArray[np.float64]
    service: NDArray[np.float64]

    @property
    def num_customers(self) -> int:
        return len(self.demand) - 1

    def distances(self) -> NDArray[np.float64]:
        """Euclidean distances in double precision (= travel times)."""
        diff = self.xy[:, None, :] - self.xy[None, :, :]
        return np.sqrt(np.sum(diff * diff, axis=-1))


def read_solomon(path: str | Path) -> SolomonInstance:
    """Read a Solomon-format file; errors name the file and line."""
    path = Path(path)
    lines = path.read_text().splitlines()
    name = lines[0].strip() if lines else ""
    if not name:
        raise ValueError(f"{path}: line 1 must hold the instance name")
    vehicles = capacity = None
    rows: list[list[float]] = []
    section = ""
    for number, line in enumerate(lines[1:], start=2):
        words = line.split()
        if not words:
            continue
        head = words[0].upper()
        if head in {"VEHICLE", "CUSTOMER", "NUMBER", "CUST"}:
            section = head if head in {"VEHICLE", "CUSTOMER"} else section
            continue
        try:
            values = [float(w) for w in words]
        except ValueError:
            raise ValueError(f"{path}, line {number}: expected numbers, got {line.strip()!r}") from None
        if section == "VEHICLE" and vehicles is None:
            if len(values) != 2:
                raise ValueError(f"{path}, line {number}: expected NUMBER CAPACITY")
            vehicles, capacity = int(values[0]), int(values[1])
        elif section == "CUSTOMER":
            if len(values) != 7:
                raise ValueError(f"{path}, line {number}: expected 7 columns, got {len(values)}")
            if int(values[0]) != len(rows):
                raise ValueError(f"{path}, line {number}: customers must be numbered 0, 1, ...")
            rows.append(values)
    if vehicles is None or capacity is None or len(rows) < 2:
        raise ValueError(f"{path}: needs a VEHICLE section and a depot plus customers")
    data = np.array(rows, dtype=np.float64)
    return SolomonInstance(
        name=path.stem, num_vehicles=vehicles, capacity=capacity, xy=data[:, 1:3],
        demand=data[:, 3].astype(np.int64), ready=data[:, 4], due=data[:, 5], service=data[:, 6],
    )
