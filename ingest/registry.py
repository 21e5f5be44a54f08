"""The registry of scheme instances: YAML files a planner edits, one per scope (see registry/FORMAT.md).

Reading turns each entry into RDF and remembers, for every node it mints, the file, entry and field it
came from, so that a SHACL violation can be reported where the planner will fix it. Only what SHACL
cannot see is checked here: YAML syntax, unknown fields, duplicate ids, malformed references and scope.
Everything else (unknown codes, ages, dates, types, dangling actors or sources) is left to the shapes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from maillage.core.errors import Problem
from maillage.core.namespaces import ENTRY_ID as ID
from maillage.core.terms import match_territory as parse_territory
from .vocabulary import DCTERMS, M, ORG, PROV, PUBLIC, ROLE, STATUS, TYPE, iri

from .geography import Geography

__all__ = ["Where", "RegistryGraph", "read_registry", "read_entries"]

# The fields each kind of entry may have: a typo ("agse") is reported, not silently ignored.
FIELDS = {
    "file": {"scope", "synthetic", "sources", "actors", "territories", "instances", "inventories", "surveyed"},
    "source": {"title", "file", "url", "date", "retrieved", "confidence"},
    "actor": {"id", "name", "kind", "sector", "based_in", "source", "note", "confidence"},
    "territory": {"id", "name", "kind", "members", "from", "to", "confidence", "note", "source"},
    "instance": {"id", "type", "name", "level", "description", "source", "status", "roles", "coverage", "note", "confidence",
                 "aggregate"},
    "status": {"value", "from", "to", "source", "note", "confidence"},
    "role": {"role", "actor", "function", "from", "to", "source", "note", "confidence"},
    "coverage": {"territory", "ages", "publics", "from", "to", "source", "note", "confidence"},
    "citation": {"ref", "excerpt", "paraphrase", "observed", "confidence"},
    "inventory": {"id", "type", "territory", "as_of", "source", "note", "confidence"},
    "survey": {"id", "territory", "types", "as_of", "source", "note"},
}
#: libyaml's safe loader when present: 10 times faster on a national (synthetic) registry.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Where:
    """Where a node of the graph was written: a file, an entry id, a field path inside the entry."""

    file: str
    entry: str
    field: str


@dataclass
class RegistryGraph:
    """The registry as RDF, with where each node came from and what it refers to."""

    graph: Graph = field(default_factory=Graph)
    where: dict[str, Where] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: official territories referenced (kind, code), whose description SHACL needs to see
    referenced: set[tuple[str, str]] = field(default_factory=set)
    #: custom territory id -> the codes of its current communes
    custom_communes: dict[str, set[str]] = field(default_factory=dict)
    #: file -> scope (kind, code); coverage checks against it after every file is read
    scopes: dict[str, tuple[str, str]] = field(default_factory=dict)
    coverage_refs: list[tuple[Where, str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: "kind:id" -> file that declared it, and source key -> (file, entry): duplicates across files
    seen_ids: dict[str, str] = field(default_factory=dict)
    sources: dict[str, tuple[str, dict]] = field(default_factory=dict)
    #: files marked ``synthetic: true``; a registry may not mix them with real files
    synthetic_files: set[str] = field(default_factory=set)

    def problem(self, where: Where, rule: str, message: str) -> None:
        self.problems.append(Problem(where.file, where.entry, where.field, rule, message))


def _date(value: object) -> Literal:
    # A malformed date is kept as an ill-typed literal: the SHACL datatype rule reports it.
    if isinstance(value, dt.date):
        return Literal(value.isoformat(), datatype=XSD.date)
    return Literal(str(value), datatype=XSD.date)


def _int(value: object) -> Literal:
    if isinstance(value, bool) or not isinstance(value, int):
        return Literal(str(value), datatype=XSD.integer)
    return Literal(value, datatype=XSD.integer)


class _Reader:
    def __init__(self, out: RegistryGraph):
        self.out = out
        self.g = out.graph

    # -- helpers --------------------------------------------------------------------------------
    def node(self, iri_: str, where: Where) -> URIRef:
        self.out.where[iri_] = where
        return URIRef(iri_)

    def fields(self, entry: object, kind: str, where: Where) -> dict:
        if not isinstance(entry, dict):
            self.out.problem(where, "structure", f"entrée attendue sous forme de dictionnaire ({kind})")
            return {}
        unknown = sorted(set(entry) - FIELDS[kind])
        for name in unknown:
            self.out.problem(
                Where(where.file, where.entry, f"{where.field}.{name}".lstrip(".")),
                "champ-inconnu",
                f"champ inconnu « {name} » (champs permis : {', '.join(sorted(FIELDS[kind]))})",
            )
        return entry

    def period(self, s: URIRef, entry: dict) -> None:
        if entry.get("from") is not None:
            self.g.add((s, M.validFrom, _date(entry["from"])))
        if entry.get("to") is not None:
            self.g.add((s, M.validTo, _date(entry["to"])))

    def notes(self, s: URIRef, entry: dict) -> None:
        if entry.get("note"):
            self.g.add((s, M.note, Literal(str(entry["note"]), lang="fr")))
        if entry.get("confidence"):
            self.g.add((s, M.confidence, Literal(str(entry["confidence"]))))

    def citation(self, s: URIRef, cited: object, where: Where) -> None:
        """``source: {ref, excerpt}`` becomes a PROV qualified derivation of ``s``."""
        if cited is None:
            return  # SHACL reports the missing source, with the rule's message
        here = Where(where.file, where.entry, f"{where.field}.source".lstrip("."))
        cited = self.fields(cited, "citation", here)
        d = self.node(f"{s}/source", here)
        self.g.add((s, PROV.qualifiedDerivation, d))
        self.g.add((d, RDF.type, PROV.Derivation))
        if cited.get("ref") is not None:
            entity = URIRef(iri("source", str(cited["ref"])))
            self.g.add((d, PROV.entity, entity))
            self.g.add((s, PROV.wasDerivedFrom, entity))
        if cited.get("excerpt") is not None:
            self.g.add((d, M.excerpt, Literal(str(cited["excerpt"]))))
        if cited.get("paraphrase") is not None:
            self.g.add((d, M.paraphrase, Literal(str(cited["paraphrase"]), lang="fr")))
        if cited.get("observed") is not None:
            self.g.add((d, M.observed, _date(cited["observed"])))
            self._not_future(cited["observed"], Where(here.file, here.entry, f"{here.field}.observed"), "constat")
        if cited.get("confidence"):
            self.g.add((d, M.confidence, Literal(str(cited["confidence"]))))

    def territory_ref(self, text: object, where: Where) -> URIRef | None:
        parsed = parse_territory(text)
        if parsed is None:
            self.out.problem(
                where, "reference-territoire",
                f"référence de territoire mal formée « {text} » (attendu commune:31395, epci:200068641, "
                "departement:31, region:76 ou territoire:<id>)",
            )
            return None
        kind, code = parsed
        if kind != "territoire":
            self.out.referenced.add((kind, code))
        return URIRef(iri(kind, code))

    def entry_id(self, entry: dict, kind: str, file: str, index: int, seen: dict[str, str]) -> str | None:
        ident = entry.get("id")
        where = Where(file, f"{kind}[{index}]", "id")
        if ident is None or not ID.match(str(ident)):
            self.out.problem(where, "identifiant", f"identifiant manquant ou invalide « {ident} » (lettres minuscules, chiffres, tirets)")
            return None
        key = f"{kind}:{ident}"
        if key in seen:
            self.out.problem(Where(file, str(ident), "id"), "identifiant-unique", f"identifiant « {ident} » déjà utilisé dans {seen[key]}")
            return None
        seen[key] = file
        return str(ident)

    # -- entries --------------------------------------------------------------------------------
    def source(self, key: str, entry: object, file: str, defined: dict[str, tuple[str, dict]]) -> None:
        where = Where(file, f"sources.{key}", "")
        entry = self.fields(entry, "source", where)
        if key in defined and defined[key][1] != entry:
            self.out.problem(where, "source-unique", f"source « {key} » déjà définie autrement dans {defined[key][0]}")
            return
        defined[key] = (file, entry)
        s = self.node(iri("source", key), where)
        self.g.add((s, RDF.type, M.SourceDocument))
        if entry.get("title"):
            self.g.add((s, DCTERMS.title, Literal(str(entry["title"]), lang="fr")))
        if entry.get("date") is not None:
            self.g.add((s, DCTERMS.date, _date(entry["date"])))
        if entry.get("retrieved") is not None:
            self.g.add((s, M.retrieved, _date(entry["retrieved"])))
            self._not_future(entry["retrieved"], Where(file, f"sources.{key}", "retrieved"), "consultation")
        for name, prop in (("file", M.file), ("url", M.url), ("confidence", M.confidence)):
            if entry.get(name):
                self.g.add((s, prop, Literal(str(entry[name]))))

    def _not_future(self, value: object, where: Where, what: str) -> None:
        """A day a page was read, or a source attests a fact, cannot be after today."""
        if isinstance(value, dt.date) and value > dt.date.today():
            self.out.problem(where, "date-future", f"date de {what} dans le futur : {value.isoformat()} "
                                                   f"(nous sommes le {dt.date.today().isoformat()})")

    def entry(self, kind: str, cls: URIRef, ident: str, entry: dict, file: str) -> tuple[URIRef, Where]:
        """The node of an actor, territory or instance, with its id and name."""
        where = Where(file, ident, "")
        s = self.node(iri(kind, ident), where)
        self.g.add((s, RDF.type, cls))
        self.g.add((s, M.entryId, Literal(ident)))
        if entry.get("name"):
            self.g.add((s, RDFS.label, Literal(str(entry["name"]), lang="fr")))
        return s, where

    def part(self, s: URIRef, link: URIRef, cls: URIRef, kind: str, section: str, i: int, item: object, where: Where):
        """A status, role or coverage of an instance: its own node, reported as ``section[i]``."""
        here = Where(where.file, where.entry, f"{section}[{i}]")
        item = self.fields(item, kind, here)
        n = self.node(f"{s}/{kind}/{i}", here)
        self.g.add((s, link, n))
        self.g.add((n, RDF.type, cls))
        return n, item, here

    def actor(self, ident: str, entry: dict, file: str) -> None:
        s, where = self.entry("actor", ORG.Organization, ident, entry, file)
        if entry.get("kind"):
            self.g.add((s, M.actorKind, Literal(str(entry["kind"]))))
        sectors = entry.get("sector") or []
        for sector in [sectors] if isinstance(sectors, str) else sectors:
            self.g.add((s, M.sector, Literal(str(sector))))
        if entry.get("based_in"):
            t = self.territory_ref(entry["based_in"], Where(file, ident, "based_in"))
            if t is not None:
                self.g.add((s, M.basedIn, t))
        self.notes(s, entry)
        self.citation(s, entry.get("source"), where)

    def territory(self, ident: str, entry: dict, file: str) -> None:
        s, where = self.entry("territoire", M.CustomTerritory, ident, entry, file)
        if entry.get("kind"):
            self.g.add((s, M.territoryKind, Literal(str(entry["kind"]))))
        members = entry.get("members") or []
        for i, member in enumerate(members if isinstance(members, list) else [members]):
            here = Where(file, ident, f"members[{i}]")
            t = self.territory_ref(member, here)
            if t is None:
                continue
            if parse_territory(member)[0] not in ("commune", "epci"):  # type: ignore[index]
                self.out.problem(here, "membre-territoire", f"« {member} » : un territoire de projet se compose de communes et d'EPCI")
                continue
            self.g.add((s, M.member, t))
        self.period(s, entry)
        self.notes(s, entry)
        self.citation(s, entry.get("source"), where)

    def instance(self, ident: str, entry: dict, file: str) -> None:
        s, where = self.entry("instance", M.SchemeInstance, ident, entry, file)
        g = self.g
        g.add((s, M.registryFile, Literal(file)))
        if entry.get("type") is not None:
            g.add((s, M.schemeType, TYPE[str(entry["type"])]))
        if entry.get("level"):
            g.add((s, M.level, Literal(str(entry["level"]))))
        if entry.get("description"):
            g.add((s, RDFS.comment, Literal(str(entry["description"]), lang="fr")))
        if entry.get("aggregate") is not None:
            g.add((s, M.aggregate, Literal(entry["aggregate"] is True)))
        self.notes(s, entry)
        self.citation(s, entry.get("source"), where)
        for section, kind, link, cls, fill in (
            ("status", "status", M.hasStatus, M.StatusPeriod, self.status),
            ("roles", "role", M.hasRole, M.Role, self.role),
            ("coverage", "coverage", M.hasCoverage, M.Coverage, self.coverage),
        ):
            for i, item in enumerate(_list(entry.get(section))):
                n, item, here = self.part(s, link, cls, kind, section, i, item, where)
                fill(n, item, here)
                self.period(n, item)
                self.notes(n, item)
                self.citation(n, item.get("source"), here)

    def inventory(self, ident: str, entry: dict, file: str) -> None:
        """A sourced statement that this registry lists every instance of a type in a territory."""
        where = Where(file, ident, "")
        s = self.node(iri("inventory", ident), where)
        self.g.add((s, RDF.type, M.Inventory))
        self.g.add((s, M.entryId, Literal(ident)))
        if entry.get("type") is not None:
            self.g.add((s, M.schemeType, TYPE[str(entry["type"])]))
        t = self.territory_ref(entry.get("territory"), Where(file, ident, "territory"))
        if t is not None:
            self.g.add((s, M.territory, t))
        if entry.get("as_of") is not None:
            self.g.add((s, M.asOf, _date(entry["as_of"])))
        self.notes(s, entry)
        self.citation(s, entry.get("source"), where)

    def survey(self, ident: str, entry: dict, file: str) -> None:
        """The registry's statement that it has looked at a territory, for some types (all by default)."""
        where = Where(file, ident, "")
        s = self.node(iri("survey", ident), where)
        self.g.add((s, RDF.type, M.Survey))
        self.g.add((s, M.entryId, Literal(ident)))
        for type_ in _list(entry.get("types")):
            self.g.add((s, M.schemeType, TYPE[str(type_)]))
        at = Where(file, ident, "territory")
        t = self.territory_ref(entry.get("territory"), at)
        if t is not None:
            self.g.add((s, M.territory, t))
            self.out.coverage_refs.append((at, file, str(entry.get("territory"))))
        if entry.get("as_of") is not None:
            self.g.add((s, M.asOf, _date(entry["as_of"])))
        self.notes(s, entry)
        if entry.get("source") is not None:
            self.citation(s, entry.get("source"), where)

    def status(self, n: URIRef, item: dict, here: Where) -> None:
        if item.get("value") is not None:
            self.g.add((n, M.status, STATUS[str(item["value"])]))

    def role(self, n: URIRef, item: dict, here: Where) -> None:
        if item.get("role") is not None:
            self.g.add((n, M.roleKind, ROLE[str(item["role"])]))
        if item.get("actor") is not None:
            self.g.add((n, M.actor, URIRef(iri("actor", str(item["actor"])))))
        if item.get("function"):
            self.g.add((n, M.function, Literal(str(item["function"]), lang="fr")))

    def coverage(self, n: URIRef, item: dict, here: Where) -> None:
        at = Where(here.file, here.entry, f"{here.field}.territory")
        t = self.territory_ref(item.get("territory"), at)
        if t is not None:
            self.g.add((n, M.territory, t))
            self.out.coverage_refs.append((at, here.file, str(item.get("territory"))))
        low, high = _ages(item.get("ages"))
        self.g.add((n, M.minAge, _int(low)))
        self.g.add((n, M.maxAge, _int(high)))
        for public in _list(item.get("publics")) or ["tout-public"]:
            self.g.add((n, M.public, PUBLIC[str(public)]))


def _list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ages(value: object) -> tuple[object, object]:
    """``[0, 12]``, ``"0-12"`` or nothing (every age). Bounds are checked by SHACL, not here."""
    if value is None:
        return 0, 120
    if isinstance(value, str) and "-" in value.strip()[1:]:
        low, _, high = value.strip().partition("-")
        value = [low.strip(), high.strip()]
    if isinstance(value, list) and len(value) == 2:
        return tuple(int(v) if isinstance(v, str) and v.lstrip("-").isdigit() else v for v in value)  # type: ignore[return-value]
    return value, value


def read_entries(out: RegistryGraph, file: str, data: object) -> None:
    """Add one registry document (already parsed) to ``out``."""
    reader = _Reader(out)
    top = Where(file, "(fichier)", "")
    data = reader.fields(data, "file", top)
    scope = data.get("scope")
    if isinstance(scope, dict) and len(scope) == 1 and next(iter(scope)) in ("departement", "region"):
        kind, code = next(iter(scope.items()))
        out.scopes[file] = (kind, str(code))
    else:
        out.problem(Where(file, "(fichier)", "scope"), "portee", "portée manquante : « scope: {departement: \"31\"} » ou « {region: \"76\"} »")
    seen, defined = out.seen_ids, out.sources
    sources = data.get("sources") or {}
    if not isinstance(sources, dict):
        out.problem(Where(file, "sources", ""), "structure", "« sources » doit associer un identifiant à chaque source")
        sources = {}
    for key, entry in sources.items():
        reader.source(str(key), entry, file, defined)
    for section, kind, method in (
        ("actors", "actor", reader.actor),
        ("territories", "territory", reader.territory),
        ("instances", "instance", reader.instance),
        ("inventories", "inventory", reader.inventory),
        ("surveyed", "survey", reader.survey),
    ):
        for i, entry in enumerate(_list(data.get(section))):
            entry = reader.fields(entry, kind, Where(file, f"{section}[{i}]", ""))
            if not entry:
                continue
            ident = reader.entry_id(entry, kind, file, i, seen)
            if ident is not None:
                method(ident, entry, file)
    if data.get("synthetic") is True:
        out.synthetic_files.add(file)


def read_registry(
    folder: Path, geo: Geography, extra: Iterable[tuple[str, object]] = (), shared: Path | None = None
) -> RegistryGraph:
    """Read every ``*.yaml`` (and, through ``extra``, already-parsed CSV documents) of ``folder``.

    With ``shared`` (the folder of the project's documents), a source's ``file`` must exist there.
    """
    out = RegistryGraph()
    for path in sorted(folder.glob("*.yaml")):
        out.files.append(path.name)
        try:
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = f"ligne {mark.line + 1}" if mark else "(fichier)"
            out.problems.append(Problem(path.name, line, "", "syntaxe-yaml", f"YAML illisible : {getattr(err, 'problem', err)}"))
            continue
        read_entries(out, path.name, data)
    for name, data in extra:
        out.files.append(name)
        read_entries(out, name, data)
    # Every record of a generated file says so, down to its statuses, roles and citations: marked once
    # all files are read, in one pass over the nodes.
    for node, where in out.where.items():
        if where.file in out.synthetic_files:
            out.graph.add((URIRef(node), M.synthetic, Literal(True)))
    if out.synthetic_files and set(out.files) - out.synthetic_files:
        real = sorted(set(out.files) - out.synthetic_files)
        out.problem(Where(real[0], "(fichier)", "synthetic"), "melange-synthetique",
                    "un registre ne mélange pas données réelles et synthétiques : fichiers synthétiques "
                    f"{', '.join(sorted(out.synthetic_files))} à côté de {', '.join(real)}")
    _resolve_custom_territories(out, geo)
    _check_scopes(out, geo)
    if shared is not None and shared.is_dir():
        _check_files(out, shared)
    return out


def _check_files(out: RegistryGraph, shared: Path) -> None:
    for key, (file, entry) in sorted(out.sources.items()):
        name = entry.get("file") if isinstance(entry, dict) else None
        if name and not (shared / str(name)).is_file():
            out.problem(Where(file, f"sources.{key}", "file"), "fichier-source",
                        f"fichier source introuvable : {name} (cherché dans {shared})")


def _resolve_custom_territories(out: RegistryGraph, geo: Geography) -> None:
    for s, member in out.graph.subject_objects(M.member):
        ident = str(s).rsplit("/", 1)[1]
        kind, code = str(member).split("/")[-2:]
        out.custom_communes.setdefault(ident, set()).update(geo.communes_of(kind, code))


def _communes(geo: Geography, out: RegistryGraph, kind: str, code: str) -> set[str]:
    if kind == "territoire":
        return out.custom_communes.get(code, set())
    if not geo.exists(kind, code):
        return set()
    return set(geo.communes_of(kind, code))


def _check_scopes(out: RegistryGraph, geo: Geography) -> None:
    """A file covers only territories inside its scope (the 31 file cannot cover Lozère)."""
    inside_of: dict[tuple[str, str], set[str]] = {}  # a scope's communes, computed once per scope
    for where, file, text in out.coverage_refs:
        scope = out.scopes.get(file)
        parsed = parse_territory(text)
        if scope is None or parsed is None:
            continue
        kind, code = parsed
        if kind == scope[0] and code == scope[1]:
            continue
        if kind == "region" or (kind == "departement" and scope[0] == "departement"):
            outside = True
        else:
            if scope not in inside_of:
                inside_of[scope] = set(geo.communes_of(*scope)) if geo.exists(*scope) else set()
            inside = inside_of[scope]
            outside = bool(_communes(geo, out, kind, code) - inside)
        if outside:
            out.problem(where, "portee", f"« {text} » sort de la portée du fichier ({scope[0]} {scope[1]})")
