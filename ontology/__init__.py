"""The Maillage vocabulary, SKOS concept schemes and SHACL shapes, as Turtle files.

This room holds data only; :data:`HERE` lets the rest of the package find the files.
"""

from pathlib import Path

__all__ = ["HERE", "VOCABULARY_FILES", "SHAPES_FILE"]

HERE = Path(__file__).resolve().parent
#: Files whose triples go into every graph (classes, properties and concept schemes).
VOCABULARY_FILES = tuple(
    HERE / name for name in ("maillage.ttl", "scheme-types.ttl", "publics.ttl", "roles.ttl", "statuses.ttl", "expectations.ttl",
                          "freshness.ttl")
)
SHAPES_FILE = HERE / "shapes.ttl"
