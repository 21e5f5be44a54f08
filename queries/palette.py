"""The colours of the map's states, one per meaning, shared by every layer, the map and the notebooks.

Chosen so that any two states of a layer stay apart for the common colour-vision deficiencies and in
black-and-white print: each colour has its own lightness in CIELAB (35, 46, 56, 67, 77, 87, 97, from
« couverte » to « hors registre »), and its own hue where the lightness is close. The test simulates
protanopia, deuteranopia and tritanopia (Machado et al., 2009) and achromatopsia (print in grey) and
requires a CIELAB distance of at least :data:`APART` between any two states of a layer under each
(``tests/queries/test_palette.py``; the palette before this one fell to 1.7 between « en projet » and
« inconnue » in grey).
"""

from __future__ import annotations

__all__ = ["COVERED", "SUSPENDED", "NOT_FOUND", "PROJECT", "UNKNOWN", "NOT_SURVEYED", "OUT", "SURVEYED", "APART"]

#: the smallest CIELAB distance (ΔE 1976) between two states of a layer, under every simulation
APART = 9.0

COVERED = "#006042"       # dark green: covered by an active scheme; the registry's inventory
SUSPENDED = "#7f5fa3"     # violet
NOT_FOUND = "#de5d47"     # red-orange: looked for, none found; a gap
PROJECT = "#d89631"       # ochre: planned; instances known without a survey
UNKNOWN = "#bebebe"       # grey: state unknown
NOT_SURVEYED = "#ecd7b4"  # beige: looked at for other types only
OUT = "#f7f7f2"           # off-white: out of the registry
SURVEYED = "#0085b9"      # blue: surveyed (the knowledge layer)
