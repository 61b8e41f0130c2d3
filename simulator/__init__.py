"""City energy-transition scenario simulator (Wuhan first)."""

__version__ = "0.1.0"
