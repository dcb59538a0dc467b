"""Places named by people: ISO 3166 countries and subdivisions (pycountry),
country outlines (Natural Earth) and Vietnam's administrative units before
and after the 2025 merger (vietnamadminunits)."""
