"""Network analysis of the graph: overlapping instances, coverage gaps, the actors' network.

Each module is one analysis, a function per measure with the reference it follows (networkx style).
They all read :class:`~store.tables.AnalysisData`, which a session loads once through named
questions, so the answers are the same on the embedded store and on Neo4j.
"""

from store.tables import AnalysisData

__all__ = ["AnalysisData", "load"]


def load(session) -> AnalysisData:
    """The analysis tables of a session (read on first use, then kept: a build never changes)."""
    return session.tables
