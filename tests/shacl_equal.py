"""Both SHACL engines over the same data graph: Maillage's evaluator and pySHACL, the reference."""

from __future__ import annotations

import pyshacl

from ingest import shacl_core
from ingest.validate import compiled_shapes, report_results


def both_engines(data) -> tuple[set, set]:
    """(Maillage's results, pySHACL's results) of validating ``data`` with the project's shapes."""
    shapes = compiled_shapes()
    ours = set(shacl_core.results(shacl_core.compile_shapes(shapes), data))
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    reference = set() if conforms else set(report_results(report))
    return ours, reference
