"""From a listing's cell to the territory a coverage names: an INSEE code (current, or a commune
déléguée's, or a former code: the place resolver's table, :mod:`ingest.place_aliases`), or a commune's
name inside its département.

A name is matched only when exactly one commune of that département bears it (folded: case, accents
and hyphens aside); two are an ambiguity the planner settles with the code. Whatever was not the
current commune's own code is read with a French note saying how ("04198, Saint-Vincent-les-Forts,
commune déléguée d'Ubaye-Serre-Ponçon").
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path

from core.text import fold

from .geography import Geography
from .place_aliases import alias_table

__all__ = ["Resolver", "Found"]

#: (territory reference, current commune's code, note or None), or "rule: message" when refused
Found = tuple[str, str, str | None] | str
_CODE = re.compile(r"^(?:[0-9]{5}|2[AB][0-9]{3})$")
_KINDS = {"arrondissement-municipal": "arrondissement municipal", "commune-deleguee": "commune déléguée",
          "commune-associee": "commune associée"}


def _of(name: str) -> str:
    return f"d'{name}" if fold(name[:1]) in tuple("aeiouyh") else f"de {name}"


class Resolver:
    def __init__(self, geo: Geography, package: Path | None):
        self.geo, self.package = geo, package

    @cached_property
    def _aliases(self) -> dict[str, list[dict]]:
        """The geography package's other codes and names (read once, and only if a code is not current)."""
        if self.package is None:
            return {}
        table: dict[str, list[dict]] = {}
        for alias in alias_table(self.package)["aliases"]:
            table.setdefault(alias["code"], []).append(alias)
        return table

    @cached_property
    def _names(self) -> dict[tuple[str, str], list[str]]:
        names: dict[tuple[str, str], list[str]] = {}
        for c in self.geo.communes.values():
            names.setdefault((c.departement, fold(c.name)), []).append(c.code)
        return names

    def _commune(self, code: str) -> str:
        return self.geo.communes[code].name

    def by_code(self, written: str, level: str, departement: str | None) -> Found:
        code = written.upper()
        padded = code.zfill(5) if code.isdigit() and len(code) == 4 else code  # Excel drops the leading 0
        if not _CODE.match(padded):
            return f"code-invalide: « {written} » n'est pas un code INSEE (cinq caractères, 2A/2B pour la Corse)"
        notes = [f"code « {written} » lu {padded} (le zéro initial manquait)"] if padded != code else []
        code = padded
        found = self._current(code, level)
        if isinstance(found, str):
            return found
        territory, commune, note = found
        if departement and self.geo.communes[commune].departement != departement.zfill(2):
            return (f"departement-different: {code} ({self._commune(commune)}) est dans le département "
                    f"{self.geo.communes[commune].departement}, pas {departement}")
        notes += [note] if note else []
        return territory, commune, " ; ".join(notes) or None

    def _current(self, code: str, level: str) -> Found:
        if level == "commune" and code in self.geo.communes:
            return f"commune:{code}", code, None
        aliases = self._aliases.get(code, [])
        if level == "arrondissement":
            part = self.geo.arrondissements.get(code)
            if part is None:
                return f"code-inconnu: {code} n'est pas un arrondissement municipal de Paris, Lyon ou Marseille"
            return f"arrondissement:{code}", part.commune, None  # a territory of its own (decision 0142)
        current = {a["commune"] for a in aliases if a["commune"] in self.geo.communes}
        if len(current) > 1:
            return f"code-ambigu: {code} désigne plusieurs communes actuelles ({', '.join(sorted(current))})"
        if not current:
            return f"code-inconnu: {code} ne correspond à aucune commune, actuelle ou ancienne, du paquet géographique"
        parent = current.pop()
        said = [f"{a['name']}, {_KINDS[a['kind']]} {_of(self._commune(parent))}" for a in aliases if a["kind"] in _KINDS]
        if not said:  # a commune déléguée's code is also a former code: said once, as the déléguée
            said = [f"ancien code INSEE d'une commune fusionnée dans {self._commune(parent)} ({parent})"]
        return f"commune:{parent}", parent, f"{code} : " + " ; ".join(said) + f", lu comme {parent}"

    def by_name(self, written: str, departement: str) -> Found:
        departement = departement.zfill(2) if departement.isdigit() else departement.upper()
        if departement not in self.geo.departements:
            return f"departement-inconnu: département « {departement} » inconnu"
        codes = self._names.get((departement, fold(written)), [])
        if len(codes) == 1:
            return f"commune:{codes[0]}", codes[0], None
        if codes:
            return (f"nom-ambigu: « {written} » désigne {len(codes)} communes du département {departement} "
                    f"({', '.join(sorted(codes))}) : donnez le code INSEE")
        return f"commune-inconnue: aucune commune du département {departement} ne s'appelle « {written} »"
