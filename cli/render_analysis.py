"""The analyses as text a planner reads in a terminal (French)."""

from __future__ import annotations

from analysis.ask import GapAnswer, NetworkAnswer, OverlapAnswer
from analysis.gaps import CATEGORIES
from core.text import french_date

__all__ = ["overlaps_text", "gaps_text", "network_text"]


def _int(n: int) -> str:
    return f"{n:,}".replace(",", " ")


#: sector codes of the registry as planners say them
SECTORS = {"sanitaire": "sanitaire", "social": "social", "medico-social": "médico-social"}


def _period(start, end) -> str:
    return f"{french_date(start) if start else '…'} → {french_date(end) if end else '…'}"


def overlaps_text(answer: OverlapAnswer, limit: int = 30) -> str:
    when = f"au {french_date(answer.on)}" if answer.on else "toutes périodes"
    lines = [f"Chevauchements — {answer.territory}, {when} : {len(answer.overlaps)} paire(s)", ""]
    for o in answer.overlaps[:limit]:
        lines += [
            f"■ score {o.score:.2f} · {o.a_type} « {o.a_name} » ↔ {o.b_type} « {o.b_name} » ({o.reason})"
            + (" ≈ périmètre déduit : chevauchement déduit" if o.inferred else ""),
            f"    {len(o.communes)} commune(s), {_int(o.population)} hab. · âges {o.ages[0]}-{o.ages[1]} · "
            f"période {_period(o.start, o.end)}",
        ]
        lines += [f"    source : {s['title']} — « {s['excerpt']} »" for s in o.sources[:4]]
    if len(answer.overlaps) > limit:
        lines.append(f"… et {len(answer.overlaps) - limit} autre(s) (--json ou --csv pour tout voir)")
    return "\n".join(lines)


def gaps_text(answer: GapAnswer, rows: list[dict] | None = None, limit: int = 60) -> str:
    """The table of populations by status; with ``rows`` (``analysis.ask.gap_rows``), the communes in
    lacune named with their population, largest first (at most ``limit``: the CSV has them all)."""
    lines = [f"Couverture et lacunes — {answer.territory}, au {french_date(answer.on)}", "",
             f"{'dép.':<5} {'type':<6} {'âges':<7} " + " ".join(f"{c:>13}" for c in CATEGORIES) + "  attendu"]
    notes = []
    for r in answer.reports:
        due = "" if not r.expected else f"oui{' (échéance ' + french_date(r.due) + ')' if r.due else ''}"
        lines.append(f"{r.departement:<5} {r.type:<6} {r.ages[0]}-{r.ages[1]:<5} "
                     + " ".join(f"{_int(r.population[c]):>13}" for c in CATEGORIES) + f"  {due or 'non'}")
        notes += [f"  {r.departement} {r.type} : {n}" for n in r.notes]
    lines += ["", "Population municipale (INSEE). « couvert » : un dispositif du type en activité ; « lacune » : "
              "non couverte là où le registre déclare un recensement complet et récent du type ; « inconnu » : "
              "non couverte, le registre a regardé sans tout recenser, ou seulement atteinte par un dispositif dont "
              "l'état à cette date n'est pas connu ; « type non recensé » : le registre a regardé ce territoire pour "
              "d'autres types seulement ; « hors registre » : le registre n'a pas regardé ce territoire."]
    lacunes = sorted((r for r in rows or () if r["statut"] == "lacune"), key=lambda r: (-(r["population"] or 0), r["code"]))
    if lacunes:
        lines += ["", f"Communes en lacune : {len(lacunes)}"]
        lines += [f"  {r['departement']} {r['type']} · {r['commune']} ({r['code']}) : {_int(r['population'] or 0)} hab."
                  for r in lacunes[:limit]]
        if len(lacunes) > limit:
            lines.append(f"  … et {len(lacunes) - limit} autre(s) (--csv pour toutes)")
    if notes:
        lines += ["", "À savoir :"] + notes
    return "\n".join(lines)


def network_text(answer: NetworkAnswer) -> str:
    """Every actor counted is printed, each name whole (the column is as wide as the longest)."""
    width = max([len("acteur"), *(len(a.name) for a in answer.actors)])
    lines = [f"Réseau des acteurs — {answer.territory} : {len(answer.actors)} acteur(s)", "",
             f"{'acteur':<{width}} {'disp.':>5} {'liens':>5} {'intermédiarité':>14} {'courtage':>8} {'comm.':>5}  secteurs"]
    for a in answer.actors:
        lines.append(f"{a.name:<{width}} {a.instances:>5} {a.degree:>5} {a.betweenness:>14.3f} {a.brokerage:>8} "
                     f"{a.community:>5}  {', '.join(SECTORS.get(s, s) for s in a.sectors) or '—'}")
    if answer.redundancies:
        lines += ["", "Acteurs présents dans de nombreux dispositifs d'un même département :"]
        lines += [f"  {r.name} — département {r.departement} : {len(r.instances)} dispositifs ({', '.join(r.instances)})"
                  for r in answer.redundancies]
    return "\n".join(lines)
