"""How colours look to readers with the common colour-vision deficiencies, and how far apart they stay.

Protanopia, deuteranopia and tritanopia are simulated with the matrices of Machado, Oliveira and
Fernandes (2009, severity 1.0) in linear sRGB; achromatopsia (and a print in grey) by the relative
luminance alone. Distances are CIELAB ΔE 1976 under D65.
"""

from __future__ import annotations

import itertools

MACHADO: dict[str, tuple] = {
    "protanopie": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deutéranopie": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881)),
    "tritanopie": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}

def _linear(c: float) -> float:
    c /= 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

def rgb(hexa: str) -> tuple[float, ...]:
    return tuple(_linear(int(hexa[i:i + 2], 16)) for i in (1, 3, 5))

def simulate(c, kind: str) -> tuple[float, ...]:
    if kind == "normale":
        return c
    if kind == "achromatopsie":
        y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
        return (y, y, y)
    m = MACHADO[kind]
    return tuple(min(1, max(0, sum(m[i][j] * c[j] for j in range(3)))) for i in range(3))

def lab(c) -> tuple[float, float, float]:
    r, g, b = c
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883
    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))

def distance(a: str, b: str, kind: str) -> float:
    p, q = lab(simulate(rgb(a), kind)), lab(simulate(rgb(b), kind))
    return sum((u - v) ** 2 for u, v in zip(p, q)) ** 0.5

KINDS = ("normale", "protanopie", "deutéranopie", "tritanopie", "achromatopsie")

def closest(palette: dict[str, str]) -> tuple[float, str, str, str]:
    """The two states closest under any simulation: (distance, simulation, state, state)."""
    return min((distance(palette[a], palette[b], k), k, a, b) for a, b in itertools.combinations(palette, 2) for k in KINDS)
