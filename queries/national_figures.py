"""National counts of scheme types, as the sources that give one say them, with their provenance.

What Maillage knows of France (``queries.france``) sets the registry's instances beside the figure a
source gives for the whole country, so that « 12 CPTS connues » reads against « environ 800 en France ».
The figures are copied from ``../shared/reference/national/`` (its README and
``facts-from-pages-2026.tsv``) and ``../shared/reference/national-schemes.tsv``; each keeps its
producer, date, address and the words read there. A figure is an order of magnitude to compare with,
never a fact of the registry: it names no instance and covers no commune. A type no source counts has
no figure (never one made up).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NationalFigure", "FIGURES", "figures_of"]


@dataclass(frozen=True)
class NationalFigure:
    """One count of a type for all of France, from one source."""

    type: str
    #: how French says the figure: « environ 800 », « 298 actifs »
    text: str
    count: int
    #: the producer and the date, as cited: « FINESS, juillet 2026 »
    cited: str
    source: str
    url: str | None
    excerpt: str
    confidence: str = "verified"
    #: what the figure counts that a reader might misread (an upper bound, a survey's respondents…)
    note: str | None = None


_FINESS = ("FINESS (ANS / DREES), flux national « structures », comptes de juillet 2026 "
           "(../shared/reference/national/README.md)")
_FINESS_NOTE = "borne haute : tous les établissements jamais enregistrés, actifs et fermés"

FIGURES: tuple[NationalFigure, ...] = (
    NationalFigure("CPTS", "environ 800", 820, "FINESS, juillet 2026", _FINESS, None,
                   "FINESS counts of July 2026 (all establishments ever registered, active and inactive, so upper "
                   "bounds): … CPTS 820", note=_FINESS_NOTE),
    NationalFigure("CPTS", "791, dont 498 sous contrat (ACI)", 791, "FCPTS, décembre (année non précisée)",
                   "egora.fr, « Vie et mort d'une CPTS »",
                   "https://egora.fr/actus-pro/exercice-coordonne/bureaucratie-manque-de-temps-absence-de-preparationvie-et-mort-dune",
                   "FCPTS count « en décembre dernier » : 791 CPTS of which 498 had contracted (ACI)"),
    NationalFigure("DAC", "133, sur toute la France", 133, "FACS, 2024",
                   "CNSA, transcription de l'intervention du président de la FACS (2024)",
                   "https://www.cnsa.fr/sites/default/files/2024-08/Transcription-Bru.txt",
                   "133 DAC covering the whole of France including the overseas départements"),
    NationalFigure("CLSM", "298 actifs", 298, "Centre national de ressources et d'appui aux CLSM, 2024 ou après",
                   "Centre national de ressources et d'appui aux CLSM, « Quelles sont les missions du centre national »",
                   "http://clsm.preprod2.keeo.com/quelles-sont-les-missions-du-centre-national-de-ressources-et-dappui-aux-clsm",
                   "À ce jour, 298 Conseils locaux de santé mentale (CLSM) sont actifs en France"),
    NationalFigure("MDPH", "102", 102, "FINESS, juillet 2026", _FINESS, None, "FINESS counts of July 2026 … MDPH 102",
                   note=_FINESS_NOTE),
    NationalFigure("LHSS", "257", 257, "FINESS, juillet 2026", _FINESS, None, "FINESS counts of July 2026 … LHSS 257",
                   note=_FINESS_NOTE),
    NationalFigure("LAM", "71", 71, "FINESS, juillet 2026", _FINESS, None, "FINESS counts of July 2026 … LAM 71",
                   note=_FINESS_NOTE),
    NationalFigure("ACT", "290", 290, "FINESS, juillet 2026", _FINESS, None, "FINESS counts of July 2026 … ACT 290",
                   note=_FINESS_NOTE),
)


def figures_of(type: str) -> list[NationalFigure]:
    """The national figures of ``type``, the first one the figure the summary line cites."""
    return [f for f in FIGURES if f.type == type]
