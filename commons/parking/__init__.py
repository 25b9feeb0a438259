"""Tidal parking: tariffs, session pricing, the monthly bill and its shares, utilisation."""
