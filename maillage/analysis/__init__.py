"""Network analysis of the graph: overlapping instances, coverage gaps, the actors' network.

Each module is one analysis, a function per measure with the reference it follows (networkx style).
They all read :class:`~maillage.analysis.table.AnalysisData`, loaded once per backend through named
questions, so the answers are the same on the embedded store and on Neo4j.
"""

from .table import AnalysisData, load

__all__ = ["AnalysisData", "load"]
