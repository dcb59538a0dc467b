"""Harvest-peak scenarios: scenario files, the day-by-day simulator, Dask
replications, results with confidence intervals, comparisons and reports.

Depends on the planner's public facade (and ``planner.domain``/``planner.io``
/``planner.casegen`` to build cases); the planner never imports it."""

from .compare import Comparison as Comparison
from .compare import compare as compare
from .distributions import Distribution as Distribution
from .errors import ClusterError as ClusterError
from .errors import ResultsError as ResultsError
from .errors import ScenarioError as ScenarioError
from .reader import load_scenario as load_scenario
from .report import write_report as write_report
from .results import ResultSet as ResultSet
from .results import load_results as load_results
from .results import write_results as write_results
from .runner import Replications as Replications
from .runner import run_replications as run_replications
from .simulator import DailyPlanner as DailyPlanner
from .simulator import RunResult as RunResult
from .simulator import simulate_run as simulate_run
from .spec import ScenarioSpec as ScenarioSpec
