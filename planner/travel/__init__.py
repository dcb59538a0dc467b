"""Travel times and distances between locations, for a vehicle profile."""

from .factory import provider_for as provider_for
from .great_circle import GreatCircleProvider as GreatCircleProvider
from .great_circle import haversine_m as haversine_m
from .provider import TravelMatrix as TravelMatrix
from .provider import TravelTimeProvider as TravelTimeProvider
