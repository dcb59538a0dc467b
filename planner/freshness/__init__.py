"""Shelf-life models: remaining shelf life consumed at a temperature-dependent rate."""

from .models import ArrheniusModel as ArrheniusModel
from .models import FreshnessModel as FreshnessModel
from .models import Q10Model as Q10Model
from .models import model_for as model_for
