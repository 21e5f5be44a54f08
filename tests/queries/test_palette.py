"""The map's states stay apart for colour-blind readers and in grey print: every layer's palette under a
simulation of protanopia, deuteranopia, tritanopia and achromatopsia (``tests/vision.py``)."""

from __future__ import annotations

import pytest
from vision import KINDS, closest, distance

from analysis.ask import GAP_COLOURS
from queries.france import KNOWLEDGE_COLOURS
from queries.layer import COVERAGE_COLOURS
from queries.palette import APART

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name, colours", [("couverture", COVERAGE_COLOURS), ("lacunes", GAP_COLOURS),
                                           ("connaissance", KNOWLEDGE_COLOURS)])
def test_every_pair_of_states_stays_apart_under_each_deficiency(name, colours):
    gap, kind, a, b = closest(colours)
    assert gap >= APART, f"{name} : « {a} » et « {b} » se confondent en {kind} (ΔE {gap:.1f} < {APART})"
    assert len(set(colours.values())) == len(colours)


def test_the_simulation_can_tell_a_palette_that_fails():
    """The old palette: « en projet » and « inconnue » 1.7 apart in grey; red and green under deuteranopia."""
    assert closest({"en-projet": "#f4a261", "inconnue": "#b0b0b0"})[0] < 2
    assert distance("#d62728", "#2ca02c", "deutéranopie") < distance("#d62728", "#2ca02c", "normale") / 2
    assert set(KINDS) >= {"protanopie", "deutéranopie", "tritanopie", "achromatopsie"}
