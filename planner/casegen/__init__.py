"""Seeded generators of planning cases (the embedded Luc Ngan case and scaled variants)."""

from .luc_ngan import CaseSpec as CaseSpec
from .luc_ngan import generate_case as generate_case
from .luc_ngan import generate_lots as generate_lots
from .luc_ngan import generate_orders as generate_orders
