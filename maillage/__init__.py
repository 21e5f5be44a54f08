"""Maillage: who covers which French territory, for whom, in health and social coordination."""

__version__ = "0.1.0"
