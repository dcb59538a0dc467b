"""Whatever a person types into a case file, reading it gives either a case or a
CaseError naming the file: never another exception (which the CLI would show as
a traceback)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.exceptions import CaseError
from planner.io import read_case

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny"
TABLES = ("sites.csv", "lots.csv", "orders.csv", "fleet.csv")
TOMLS = ("settings.toml", "products.toml", "markets.toml", "lanes.toml")

cell_text = st.one_of(
    st.sampled_from(["", "-1", "0", "1e309", "nan", "inf", "24:00", "25:61", "2025-02-30",
                     "2025-06-12T04:00+25:00", "true", "farm-a", "ph-chu", "lychee", ";;", " "]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)
toml_scalar = st.one_of(
    st.text(max_size=8), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
toml_value = st.one_of(toml_scalar, st.lists(toml_scalar, max_size=3),
                       st.dictionaries(st.sampled_from(["a", "q10", "id"]), toml_scalar, max_size=2))


def _toml_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _read(folder: Path) -> None:
    try:
        read_case(folder)
    except CaseError as exc:
        assert exc.problems and all(isinstance(p, str) and "\n" not in p for p in exc.problems)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(TABLES), row=st.integers(0, 6), col=st.integers(0, 20), text=cell_text)
def test_any_cell_text_gives_a_case_or_a_case_error(file, row, col, text):
    rows = list(csv.reader(io.StringIO((TINY / file).read_text(encoding="utf-8"))))
    r = row % len(rows)
    rows[r][col % len(rows[r])] = text
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        shutil.copytree(TINY, folder)
        (folder / file).write_text(out.getvalue(), encoding="utf-8")
        _read(folder)


def _keys(data: dict, prefix: tuple = ()) -> list[tuple]:
    """Paths to every value of a parsed TOML document (into tables and arrays of tables)."""
    paths = []
    for key, value in data.items():
        if isinstance(value, dict):
            paths += _keys(value, (*prefix, key))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for i, item in enumerate(value):
                paths += _keys(item, (*prefix, key, i))
        else:
            paths.append((*prefix, key))
    return paths


def _dump(data: dict) -> str:
    """A small TOML writer for the shapes of the tiny case (tables, arrays of tables)."""
    lines, tables = [], []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append(([key], value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                lines.append(f"[[{key}]]")
                lines += [f"{k} = {_toml_literal(v)}" for k, v in item.items()]
        else:
            lines.append(f"{key} = {_toml_literal(value)}")
    while tables:
        path, table = tables.pop(0)
        lines.append("[" + ".".join(f'"{p}"' for p in path) + "]")
        for key, value in table.items():
            if isinstance(value, dict):
                tables.append(([*path, key], value))
            else:
                lines.append(f'"{key}" = {_toml_literal(value)}')
    return "\n".join(lines) + "\n"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(file=st.sampled_from(TOMLS), pick=st.integers(0, 200), value=toml_value,
       key=st.sampled_from([None, "departures", "schedule", "daily", "cutoff_h", "model",
                            "activation_energy_j_mol", "treatment", "graph", "countries"]))
def test_any_toml_value_gives_a_case_or_a_case_error(file, pick, value, key):
    data = tomllib.loads((TINY / file).read_text(encoding="utf-8"))
    path = _keys(data)[pick % len(_keys(data))]
    node = data
    for step in path[:-1]:
        node = node[step]
    node[key or path[-1]] = value  # replace a value, or set one the file leaves out
    text = _dump(data)
    assert tomllib.loads(text) == data  # the document we meant to write
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        shutil.copytree(TINY, folder)
        (folder / file).write_text(text, encoding="utf-8")
        _read(folder)
