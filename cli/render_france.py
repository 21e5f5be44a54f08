"""What Maillage knows of France, as text: per type, its summary line, then one line per département."""

from __future__ import annotations

from core.text import french_date
from queries.france import DepartementKnowledge, FranceKnowledge

__all__ = ["knowledge_lines"]


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _looked(what: str, as_of, held: int, total: int) -> str:
    when = f" au {french_date(as_of)}" if as_of else ""
    part = "" if held == total else f", {held} des {total} communes"
    return f"{what}{when}{part}"


def departement_line(d: DepartementKnowledge) -> str:
    """« 31 Haute-Garonne (Occitanie) — inventaire au 1er novembre 2026 · 3 dispositif(s) : … · 586 communes
    couvertes (1 415 757 habitants) »"""
    looked = []
    if d.inventory:
        looked.append(_looked("inventaire", d.inventory_as_of, d.inventory_communes, d.communes))
    if d.surveyed:
        looked.append(_looked("recensé", d.surveyed_as_of, d.surveyed_communes, d.communes))
    state = " ; ".join(looked) or d.label.split(" :")[0].lower()
    found = f"{len(d.instances)} dispositif(s) : {', '.join(d.instances)}" if d.instances else "aucun dispositif connu"
    covered = (f" · {d.communes_covered} des {d.communes} communes couvertes ({_number(d.population_covered)} habitants)"
               if d.communes_covered else "")
    return f"  {d.code:<3} {d.name} ({d.region_name}) — {state} · {found}{covered}"


def knowledge_lines(answer: FranceKnowledge) -> list[str]:
    lines = [f"Ce que le registre sait de la France, au {french_date(answer.on)} (sur {answer.departements_total} "
             "départements ; un département non cité sous un type est hors registre pour lui) :"]
    for t in answer.types:
        lines.append("")
        lines.append(t.summary)
        for f in t.national:
            note = f" ; {f.note}" if f.note else ""
            lines.append(f"  chiffre national : {f.text} ({f.cited}{note}) — source : {f.source}"
                         + (f" <{f.url}>" if f.url else ""))
        lines += [departement_line(d) for d in t.departements]
    return lines
