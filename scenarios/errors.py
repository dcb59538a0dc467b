"""Errors of the scenario package. Each subclasses a built-in."""

from __future__ import annotations

from collections.abc import Sequence


class ScenarioError(ValueError):
    """A scenario file is invalid. ``problems`` lists every problem, each
    naming the file, the table and the key."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        head = f"{len(self.problems)} problem(s) in the scenario"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class ResultsError(ValueError):
    """A results folder is missing or does not hold simulation results."""


class ClusterError(RuntimeError):
    """The Dask cluster cannot run the replications: its scheduler cannot be
    reached, or it has had no worker for longer than allowed. One line."""
