"""One daily plan from lots to customers: pickup routing, then freight
consolidation on what the pickups deliver, with KPIs and plan.json."""

from .params import PlanParams as PlanParams
from .plan import DailyPlan as DailyPlan
from .plan import plan_day as plan_day
from .serialize import plan_schema as plan_schema
from .serialize import write_plan_json as write_plan_json
