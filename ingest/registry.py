"""The registry of scheme instances: YAML files a planner edits, one per scope (see registry/FORMAT.md).

Reading turns each entry into RDF and remembers, for every node it mints, the file, entry and field it
came from, so that a SHACL violation can be reported where the planner will fix it. Only what SHACL
cannot see is checked here: YAML syntax and limits (``_safe_yaml``), unknown fields, the type of each
value, duplicate ids, malformed references, scope (of coverages, inventories and file names), the order
of statuses, personal data (``privacy``) and provenance against the documents (``provenance``).
Everything else (unknown codes, age bounds, date syntax, dangling actors or sources) is left to the shapes.
A value of the wrong kind (a list where a date goes, ``ages: 12``) is reported here and never becomes a
literal: no ill-typed literal is ever made, so rdflib has nothing to warn about.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import NamedTuple

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef

from core.dates import read_date
from core.errors import InvalidDate, Problem
from core.namespaces import BASE
from core.namespaces import ENTRY_ID as ID
from core.terms import match_territory as parse_territory

from . import listings, provenance
from ._fastgraph import graph_from_triples, ntriples_terms, ntriples_text, triple_graph
from ._safe_yaml import is_date, load_yaml
from .geography import Geography
from .vocabulary import DCTERMS, M, ORG, PROV, PUBLIC, ROLE, STATUS, TYPE, iri
from .privacy import personal_data
from .identifiers import identifier_problems, identifier_triples
from .schema import allowed_fields
from .values import length_refusal, number_refusal, shown, text_refusal, url_refusal

__all__ = ["Where", "RegistryGraph", "joined_ntriples", "read_registry", "read_part", "read_yaml_part", "read_yaml_bytes", "registry_files", "conflicts",
           "merge_parts", "read_together", "read_entries", "Readings", "read_folder", "merge", "merge_problems", "IGNORED", "REGISTRY_KINDS"]

# The fields each kind of entry may have (declared in ingest/schema.py): a typo ("agse") is reported,
# not silently ignored.
FIELDS = allowed_fields()
SCOPE_FILE = re.compile(r"^(region-)?([0-9]{2,3}|2A|2B)(?:-[A-Za-z0-9_-]+)?$")
#: a code of a vocabulary or an id someone wrote (type, status, role, public, actor, source): it
#: becomes part of an IRI, so it may hold nothing an IRI cannot
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")  # \Z: "$" would let a final newline into an IRI
#: what a registry folder may hold besides ``*.yaml`` and ``*.csv``: notes for people, and hidden files
#: (``.gitkeep``, an editor's swap file); anything else (``48.yml``, ``31.yaml.txt``) is an error
IGNORED = ("*.md", ".*")
#: free texts checked for personal data
PERSONAL = ("name", "note", "function", "description")


class Where(NamedTuple):
    """Where a node of the graph was written: a file, an entry id, a field path inside the entry.

    A named tuple, not a dataclass: a national registry's readings hold hundreds of thousands, which
    every build unpickles (a tuple is made in one call, a dataclass attribute by attribute)."""

    file: str
    entry: str
    field: str


def joined_ntriples(parts: Iterable[str | Path]) -> str:
    """N-Triples texts and files (a reading's ``.nt``, remembered by ``file_verdicts``) as one text."""
    return "".join(t if isinstance(t, str) else t.read_text(encoding="utf-8") for t in parts)


def _kept(merge: str, factory=None, default=None):
    """A field of :class:`RegistryGraph`, with how :func:`merge_parts` joins the parts' values:
    ``extend`` (lists, in the parts' order), ``update`` (dicts), ``union`` (sets), ``distinct`` (a
    list without repeats), or ``own`` (a part's, or the merged registry's, never joined). Declared
    here, beside the field, so that a new field cannot be silently left out of the merge
    (``tests/ingest/test_registry_merge.py``)."""
    if factory is not None:
        return field(default_factory=factory, metadata={"merge": merge})
    return field(default=default, metadata={"merge": merge})


@dataclass
class RegistryGraph:
    """The registry as RDF, with where each node came from and what it refers to: a part (one
    file, or a slice of one, read on its own: :func:`read_part`) or the registry merged from them
    (:func:`merge`). Its fields fall in two groups: what a reading holds (from ``ntriples`` to
    ``external``), and the cross-file facts a merge adds (``custom_communes``, ``covering``,
    ``sources_verified``). What the incremental layer remembers of the parts (their reading keys,
    their cards) is its own (``file_verdicts.Ledger``)."""

    #: the graph of each file as N-Triples (a file read on its own, or in a worker process), or the
    #: path of the file that holds them (a reading remembered: read only when needed), until
    #: :attr:`graph` is first asked for; then everything is in that one index graph
    ntriples: list[str | Path] = _kept("extend", list)
    where: dict[str, Where] = _kept("update", dict)
    problems: list[Problem] = _kept("extend", list)
    #: official territories referenced (kind, code), whose description SHACL needs to see
    referenced: set[tuple[str, str]] = _kept("union", set)
    #: file -> scope (kind, code); coverage checks against it after every file is read
    scopes: dict[str, tuple[str, str]] = _kept("update", dict)
    coverage_refs: list[tuple[Where, str, str]] = _kept("extend", list)
    files: list[str] = _kept("distinct", list)  # a file cut into slices is one file
    #: "kind:id" -> file that declared it, and source key -> (file, entry): duplicates across files
    seen_ids: dict[str, str] = _kept("update", dict)
    sources: dict[str, tuple[str, dict]] = _kept("update", dict)
    #: files marked ``synthetic: true``; a registry may not mix them with real files
    synthetic_files: set[str] = _kept("union", set)
    #: (where, source key, excerpt) of every citation, checked against its document
    citations: list[tuple[Where, str, str]] = _kept("extend", list)
    #: (where, territory reference) of each actor's ``based_in`` and each inventory's territory
    based_in: list[tuple[Where, str]] = _kept("extend", list)
    #: entries minted by this part (file) → their ``rdf:type`` IRIs: what another file's SHACL stubs say
    types: dict[str, list[str]] = _kept("update", dict)
    #: (custom territory id, member kind, member code) of each ``members`` entry, resolved on merge
    members: list[tuple[str, str, str]] = _kept("extend", list)
    #: instance IRI → its number of coverages (what a build counts, without parsing the graph)
    covered: dict[str, int] = _kept("update", dict)
    #: FINESS number → instance; instance → (type, territories covered, actors of its roles); actor →
    #: where it is based (what ``seats.seat_links`` matches a seat with)
    finess: dict[str, str] = _kept("update", dict)
    ties: dict[str, tuple[str, set[str], set[str]]] = _kept("update", dict)
    based: dict[str, str] = _kept("update", dict)
    #: a part's name: its file's, or the file's and which of its slices it is (``ingest.slices``)
    label: str = _kept("own", default="")
    #: registry nodes this part refers to without minting them (an actor, source or territory of
    #: another file), whose types its validation needs
    external: set[str] = _kept("own", set)

    # -- the cross-file facts, made by the merge ------------------------------------------------
    #: custom territory id -> the codes of its current communes
    custom_communes: dict[str, set[str]] = _kept("own", dict)
    #: the labels of the parts with a coverage, whose cards a build needs (``file_verdicts.every_card``)
    covering: set[str] = _kept("own", set)
    #: whether the documents folder was there to check files and excerpts against
    sources_verified: bool = _kept("own", default=False)
    documents: Path | None = _kept("own", default=None)

    _graph: Graph | None = field(default=None, repr=False, metadata={"merge": "own"})
    _added: list[tuple] = field(default_factory=list, repr=False, metadata={"merge": "own"})

    @property
    def graph(self) -> Graph:
        """The whole registry as one index graph (``_fastgraph``), made from the files' N-Triples on first use."""
        if self._graph is None:
            # The files' lines and the added ones made distinct as text (a source two files define
            # alike is one triple), each term decoded once: no literal is hashed to find a repeat.
            graph = graph_from_triples(ntriples_terms(self.ntriples_text() + self.added_ntriples()))
            self._graph, self.ntriples, self._added = graph, [], []
        return self._graph

    def add(self, triple: tuple) -> None:
        """Add a triple made after reading (provenance, a seat's link) without parsing the graph."""
        if self._graph is None:
            self._added.append(triple)
        elif triple not in self._graph:
            self._graph.add(triple)

    def ntriples_text(self) -> str:
        """The files' N-Triples, those remembered on disk read now."""
        return joined_ntriples(self.ntriples)

    def added_ntriples(self) -> str:
        return _nt(self._added) if self._added else ""

    def ntriples_parts(self) -> list[str | Path]:
        """The registry's graph as N-Triples texts and files (the cached readings' ``.nt``), unread:
        a worker process given them reads the files itself."""
        if self._graph is not None:
            return [ntriples_text(self._graph)]
        return [*self.ntriples, self.added_ntriples()]

    def serialize_ntriples(self) -> bytes:
        """The registry's graph as N-Triples, without parsing it when it was read file by file."""
        return joined_ntriples(self.ntriples_parts()).encode()

    def counts(self) -> tuple[int, int]:
        """(instances with a coverage, coverages)."""
        if self._graph is not None:
            g = self._graph
            return (sum(1 for _ in g.subjects(predicate=M.hasCoverage, unique=True)),
                    sum(1 for _ in g.objects(predicate=M.hasCoverage)))
        return len(self.covered), sum(self.covered.values())

    def problem(self, where: Where, rule: str, message: str) -> None:
        self.problems.append(Problem(where.file, where.entry, where.field, rule, message))


def _nt(triples: Iterable[tuple]) -> str:
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return graph.serialize(format="nt")


def _kind_of(value: object) -> str:
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un dictionnaire"
    if isinstance(value, bool):
        return f"le booléen {str(value).lower()}"
    if isinstance(value, dt.datetime):
        return f"la date et heure {value.isoformat(sep=' ')}"
    return f"« {value} »"


class _Reader:
    def __init__(self, out: RegistryGraph):
        self.out = out
        self.g = out.graph
        self._refs: dict[str, URIRef] = {}

    # -- helpers --------------------------------------------------------------------------------
    def ref(self, text: str) -> URIRef:
        """One URIRef per IRI of the file: rdflib checks the text of each one it makes, and two equal
        but distinct ones compare in Python wherever the graph's indexes meet them."""
        found = self._refs.get(text)
        if found is None:
            found = self._refs[text] = URIRef(text)
        return found

    def node(self, iri_: str, where: Where) -> URIRef:
        self.out.where[iri_] = where
        return self.ref(iri_)

    def date(self, value: object, where: Where) -> Literal | None:
        """A date literal; a value that is no date at all is reported and makes no literal."""
        if is_date(value):
            return _date_literal(value.isoformat())
        if isinstance(value, dt.datetime):
            self.out.problem(where, "type-date", f"{_kind_of(value)} : une date sans heure est attendue (AAAA-MM-JJ)")
            return None
        if isinstance(value, str):
            try:
                return _date_literal(read_date(value).isoformat())
            except InvalidDate:
                # Not a date: a plain string, which the shapes' datatype rule reports with its value.
                return Literal(value)
        hint = f" (une année seule : {value}-01-01 ?)" if isinstance(value, int) and not isinstance(value, bool) else ""
        self.out.problem(where, "type-date", f"{_kind_of(value)} : une date AAAA-MM-JJ est attendue{hint}")
        return None

    def text(self, entry: dict, name: str, where: Where) -> str | None:
        """A field holding one simple value, as text; a list or dictionary there is reported."""
        value = entry.get(name)
        if value is None or value == "":
            return None
        here = Where(where.file, where.entry, f"{where.field}.{name}".lstrip("."))
        if isinstance(value, (list, dict)):
            self.out.problem(here, "type-valeur", f"« {name} » attend une valeur simple, pas {_kind_of(value)}")
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        refused = text_refusal(text, name)
        if refused:
            self.out.problem(here, *refused)
            return None
        if name in PERSONAL:
            found = personal_data(text)
            if found:
                self.out.problem(here, *found)
        return text

    def code(self, value: object, name: str, where: Where) -> str | None:
        """A code or id that goes into an IRI: a simple word, or reported."""
        if value is None:
            return None
        refused = number_refusal(value, name) or (isinstance(value, str) and (text_refusal(value, name)
                                                                               or length_refusal(value, name)))
        if refused:
            self.out.problem(where, *refused)
            return None
        if isinstance(value, (list, dict, bool)) or not CODE.match(str(value)):
            shown_value = f"« {shown(value)} »" if isinstance(value, str) else _kind_of(value)
            self.out.problem(where, "valeur-invalide",
                             f"« {name} » : {shown_value} n'est pas un code valide (lettres, chiffres, « - », « . »)")
            return None
        return str(value)

    def fields(self, entry: object, kind: str, where: Where) -> dict:
        if not isinstance(entry, dict):
            self.out.problem(where, "structure", f"entrée attendue sous forme de dictionnaire ({kind}), trouvé {_kind_of(entry)}")
            return {}
        unknown = sorted(str(name) for name in set(entry) if name not in FIELDS[kind])
        for name in unknown:
            self.out.problem(
                Where(where.file, where.entry, f"{where.field}.{name}".lstrip(".")),
                "champ-inconnu",
                f"champ inconnu « {shown(name)} » (champs permis : {', '.join(sorted(FIELDS[kind]))})",
            )
        return entry

    def period(self, s: URIRef, entry: dict, where: Where) -> None:
        for name, prop in (("from", M.validFrom), ("to", M.validTo)):
            if entry.get(name) is not None:
                value = self.date(entry[name], Where(where.file, where.entry, f"{where.field}.{name}".lstrip(".")))
                if value is not None:
                    self.g.add((s, prop, value))

    def notes(self, s: URIRef, entry: dict, where: Where) -> None:
        note = self.text(entry, "note", where)
        if note:
            self.g.add((s, M.note, Literal(note, lang="fr")))
        confidence = self.text(entry, "confidence", where)
        if confidence:
            self.g.add((s, M.confidence, _plain_literal(confidence)))

    def citation(self, s: URIRef, cited: object, where: Where) -> None:
        """``source: {ref, excerpt}`` becomes a PROV qualified derivation of ``s``."""
        if cited is None:
            return  # SHACL reports the missing source, with the rule's message
        here = Where(where.file, where.entry, f"{where.field}.source".lstrip("."))
        cited = self.fields(cited, "citation", here)
        d = self.node(f"{s}/source", here)
        self.g.add((s, PROV.qualifiedDerivation, d))
        self.g.add((d, RDF.type, PROV.Derivation))
        ref = self.code(cited.get("ref"), "ref", Where(here.file, here.entry, f"{here.field}.ref"))
        if ref is not None:
            entity = self.ref(iri("source", ref))
            self.g.add((d, PROV.entity, entity))
            self.g.add((s, PROV.wasDerivedFrom, entity))
        excerpt = self.text(cited, "excerpt", here)
        if excerpt is not None:
            self.g.add((d, M.excerpt, Literal(excerpt)))
            if ref is not None:
                self.out.citations.append((Where(here.file, here.entry, f"{here.field}.excerpt"), ref, excerpt))
        paraphrase = self.text(cited, "paraphrase", here)
        if paraphrase is not None:
            self.g.add((d, M.paraphrase, Literal(paraphrase, lang="fr")))
        self.speaks_of(d, cited, here)
        if cited.get("observed") is not None:
            at = Where(here.file, here.entry, f"{here.field}.observed")
            observed = self.date(cited["observed"], at)
            if observed is not None:
                self.g.add((d, M.observed, observed))
                self.not_future(cited["observed"], at, "constat")
        confidence = self.text(cited, "confidence", here)
        if confidence:
            self.g.add((d, M.confidence, _plain_literal(confidence)))

    def speaks_of(self, s: URIRef, entry: dict, where: Where) -> None:
        """``period: {from, to}``: the period a source or a citation speaks of (``m:periodFrom``,
        ``m:periodTo``), both ends given; what a source attests holds at least over it."""
        if entry.get("period") is None:
            return
        here = Where(where.file, where.entry, f"{where.field}.period".lstrip("."))
        period = self.fields(entry["period"], "period", here)
        for name, prop in (("from", M.periodFrom), ("to", M.periodTo)):
            at = Where(here.file, here.entry, f"{here.field}.{name}")
            if period.get(name) is None:
                if period:
                    self.out.problem(at, "periode", f"période sans « {name} » : une période a un début et une fin "
                                                    "(un seul jour : from et to égaux)")
                continue
            value = self.date(period[name], at)
            if value is not None:
                self.g.add((s, prop, value))
                self.not_future(period[name], at, "période attestée")

    def not_future(self, value: object, where: Where, what: str) -> None:
        """A day a page was read, a document published, a fact attested, an inventory or a survey made
        cannot be after today."""
        day = _as_date(value)
        if day is not None and day > dt.date.today():
            self.out.problem(where, "date-future", f"date de {what} dans le futur : {day.isoformat()} "
                                                   f"(nous sommes le {dt.date.today().isoformat()})")

    def territory_ref(self, text: object, where: Where) -> URIRef | None:
        parsed = parse_territory(text)
        if parsed is None:
            self.out.problem(
                where, "reference-territoire",
                f"référence de territoire mal formée « {shown(str(text))} » (attendu commune:31395, epci:200068641, "
                "departement:31, region:76 ou territoire:<id>)",
            )
            return None
        kind, code = parsed
        if kind != "territoire":
            self.out.referenced.add((kind, code))
        return self.ref(iri(kind, code))

    def entry_id(self, entry: dict, kind: str, file: str, index: int, seen: dict[str, str]) -> str | None:
        ident = entry.get("id")
        where = Where(file, f"{kind}[{index}]", "id")
        refused = number_refusal(ident, "id") or (isinstance(ident, str) and (text_refusal(ident, "id")
                                                                              or length_refusal(ident, "id")))
        if refused:
            self.out.problem(where, *refused)
            return None
        if not isinstance(ident, str) or not ID.match(ident):
            shown_id = shown(ident) if isinstance(ident, str) else ident
            self.out.problem(where, "identifiant", f"identifiant manquant ou invalide « {shown_id} » (lettres minuscules, chiffres, tirets)")
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
        if self.code(key, "sources", where) is None:
            return
        s = self.node(iri("source", key), where)
        self.g.add((s, RDF.type, M.SourceDocument))
        title = self.text(entry, "title", where)
        if title:
            self.g.add((s, DCTERMS.title, Literal(title, lang="fr")))
        if entry.get("date") is not None:
            at = Where(file, where.entry, "date")
            date = self.date(entry["date"], at)
            if date is not None:
                self.g.add((s, DCTERMS.date, date))
                self.not_future(entry["date"], at, "publication")
        self.speaks_of(s, entry, where)
        if entry.get("retrieved") is not None:
            at = Where(file, where.entry, "retrieved")
            retrieved = self.date(entry["retrieved"], at)
            if retrieved is not None:
                self.g.add((s, M.retrieved, retrieved))
                self.not_future(entry["retrieved"], at, "consultation")
        for name, prop in (("file", M.file), ("url", M.url), ("confidence", M.confidence)):
            value = self.text(entry, name, where)
            refused = url_refusal(value) if name == "url" and value else None
            if refused:
                self.out.problem(Where(file, where.entry, name), *refused)
            elif value:
                self.g.add((s, prop, Literal(value)))

    def entry(self, kind: str, cls: URIRef, ident: str, entry: dict, file: str) -> tuple[URIRef, Where]:
        """The node of an actor, territory or instance, with its id and name."""
        where = Where(file, ident, "")
        s = self.node(iri(kind, ident), where)
        self.g.add((s, RDF.type, cls))
        self.g.add((s, M.entryId, Literal(ident)))
        name = self.text(entry, "name", where)
        if name:
            self.g.add((s, RDFS.label, Literal(name, lang="fr")))
        if kind in ("actor", "instance"):  # SIREN, SIRET, FINESS, RNA
            for t in identifier_triples(s, entry):
                self.g.add(t)
            for field_name, rule, message in identifier_problems(entry):
                self.out.problem(Where(file, ident, field_name), rule, message)
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
        kind = self.text(entry, "kind", where)
        if kind:
            self.g.add((s, M.actorKind, Literal(kind)))
        for i, sector in enumerate(_list(entry.get("sector"))):
            sector = self.code(sector, "sector", Where(file, ident, f"sector[{i}]"))
            if sector is not None:
                self.g.add((s, M.sector, Literal(sector)))
        if entry.get("based_in"):
            here = Where(file, ident, "based_in")
            t = self.territory_ref(entry["based_in"], here)
            if t is not None:
                self.g.add((s, M.basedIn, t))
                self.out.based_in.append((here, str(entry["based_in"]).strip()))
        self.notes(s, entry, where)
        self.citation(s, entry.get("source"), where)

    def territory(self, ident: str, entry: dict, file: str) -> None:
        s, where = self.entry("territoire", M.CustomTerritory, ident, entry, file)
        kind = self.text(entry, "kind", where)
        if kind:
            self.g.add((s, M.territoryKind, Literal(kind)))
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
        self.period(s, entry, where)
        self.notes(s, entry, where)
        self.citation(s, entry.get("source"), where)

    def instance(self, ident: str, entry: dict, file: str) -> None:
        s, where = self.entry("instance", M.SchemeInstance, ident, entry, file)
        g = self.g
        g.add((s, M.registryFile, Literal(file)))
        scheme = self.code(entry.get("type"), "type", Where(file, ident, "type"))
        if scheme is not None:
            g.add((s, M.schemeType, TYPE[scheme]))
        level = self.text(entry, "level", where)
        if level:
            g.add((s, M.level, Literal(level)))
        description = self.text(entry, "description", where)
        if description:
            g.add((s, RDFS.comment, Literal(description, lang="fr")))
        if entry.get("aggregate") is not None:
            if isinstance(entry["aggregate"], bool):
                g.add((s, M.aggregate, Literal(entry["aggregate"])))
            else:
                self.out.problem(Where(file, ident, "aggregate"), "type-valeur",
                                 f"« aggregate » attend true ou false, pas {_kind_of(entry['aggregate'])}")
        self.notes(s, entry, where)
        self.citation(s, entry.get("source"), where)
        for section, kind, link, cls, fill in (
            ("status", "status", M.hasStatus, M.StatusPeriod, self.status),
            ("roles", "role", M.hasRole, M.Role, self.role),
            ("coverage", "coverage", M.hasCoverage, M.Coverage, self.coverage),
        ):
            for i, item in enumerate(_list(entry.get(section))):
                n, item, here = self.part(s, link, cls, kind, section, i, item, where)
                fill(n, item, here)
                self.period(n, item, here)
                self.notes(n, item, here)
                self.citation(n, item.get("source"), here)
        _check_statuses(self.out, where, _list(entry.get("status")))

    def inventory(self, ident: str, entry: dict, file: str) -> None:
        """A sourced statement that this registry lists every instance of a type in a territory."""
        self.statement("inventory", M.Inventory, ident, entry, file, [("type", entry.get("type"))])
        self.citation(self.ref(iri("inventory", ident)), entry.get("source"), Where(file, ident, ""))

    def survey(self, ident: str, entry: dict, file: str) -> None:
        """The registry's statement that it has looked at a territory, for some types (all by default)."""
        types = [(f"types[{i}]", t) for i, t in enumerate(_list(entry.get("types")))]
        self.statement("survey", M.Survey, ident, entry, file, types)
        if entry.get("source") is not None:
            self.citation(self.ref(iri("survey", ident)), entry.get("source"), Where(file, ident, ""))

    def statement(self, kind: str, cls: URIRef, ident: str, entry: dict, file: str, types: list[tuple[str, object]]) -> None:
        """What the registry says of itself about a territory (an inventory, a survey): its scheme types,
        its territory (inside the file's scope), its date and notes."""
        where = Where(file, ident, "")
        s = self.node(iri(kind, ident), where)
        self.g.add((s, RDF.type, cls))
        self.g.add((s, M.entryId, Literal(ident)))
        for field_name, type_ in types:
            scheme = self.code(type_, field_name.split("[")[0], Where(file, ident, field_name))
            if scheme is not None:
                self.g.add((s, M.schemeType, TYPE[scheme]))
        at = Where(file, ident, "territory")
        t = self.territory_ref(entry.get("territory"), at)
        if t is not None:
            self.g.add((s, M.territory, t))
            self.out.coverage_refs.append((at, file, str(entry.get("territory"))))
        if entry.get("as_of") is not None:
            at = Where(file, ident, "as_of")
            as_of = self.date(entry["as_of"], at)
            if as_of is not None:
                self.g.add((s, M.asOf, as_of))
                self.not_future(entry["as_of"], at, "constat" if kind == "inventory" else "recensement")
        self.notes(s, entry, where)

    def status(self, n: URIRef, item: dict, here: Where) -> None:
        value = self.code(item.get("value"), "value", Where(here.file, here.entry, f"{here.field}.value"))
        if value is not None:
            self.g.add((n, M.status, STATUS[value]))

    def role(self, n: URIRef, item: dict, here: Where) -> None:
        role = self.code(item.get("role"), "role", Where(here.file, here.entry, f"{here.field}.role"))
        if role is not None:
            self.g.add((n, M.roleKind, ROLE[role]))
        actor = self.code(item.get("actor"), "actor", Where(here.file, here.entry, f"{here.field}.actor"))
        if actor is not None:
            self.g.add((n, M.actor, self.ref(iri("actor", actor))))
        function = self.text(item, "function", here)
        if function:
            self.g.add((n, M.function, Literal(function, lang="fr")))

    def coverage(self, n: URIRef, item: dict, here: Where) -> None:
        at = Where(here.file, here.entry, f"{here.field}.territory")
        t = self.territory_ref(item.get("territory"), at)
        if t is not None:
            self.g.add((n, M.territory, t))
            self.out.coverage_refs.append((at, here.file, str(item.get("territory"))))
        ages = _ages(item.get("ages"))
        if ages is None:
            self.out.problem(Where(here.file, here.entry, f"{here.field}.ages"), "type-ages",
                             f"âges {_kind_of(item.get('ages'))} : attendu [min, max] (deux entiers, par exemple [0, 12]) "
                             "ou « 0-12 » ; un âge seul s'écrit [12, 12]")
        else:
            self.g.add((n, M.minAge, _integer_literal(ages[0])))
            self.g.add((n, M.maxAge, _integer_literal(ages[1])))
        for i, public in enumerate(_list(item.get("publics")) or ["tout-public"]):
            public = self.code(public, "publics", Where(here.file, here.entry, f"{here.field}.publics[{i}]"))
            if public is not None:
                self.g.add((n, M.public, PUBLIC[public]))


@functools.lru_cache(maxsize=8192)
def _date_literal(text: str) -> Literal:
    """One literal per date: a national registry repeats a few thousand dates a hundred thousand times,
    and making an rdflib literal parses its text each time."""
    return Literal(text, datatype=XSD.date)


# Likewise for the values that repeat most after dates: ages, confidences, the synthetic mark of every
# node of a generated file (a région's file made 19,000 literals ``true``: 0.2 s of its reading).
_TRUE = Literal(True)


@functools.lru_cache(maxsize=1024)
def _integer_literal(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


@functools.lru_cache(maxsize=256)
def _plain_literal(text: str) -> Literal:
    return Literal(text)


def _list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


_AGE = re.compile(r"^-?[0-9]{1,6}$")


def _age(value: object) -> int | None:
    if isinstance(value, bool):
        return None  # YAML reads « yes » or « true » as a boolean, which Python would count as 1
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _AGE.match(value.strip()):
        return int(value.strip())
    return None


def _ages(value: object) -> tuple[int, int] | None:
    """``[0, 12]``, ``"0-12"`` or nothing (every age); None for anything else, ``ages: 12`` included
    (one number is not a range: it was read as 12-12 once). Bounds are checked by SHACL, not here."""
    if value is None:
        return 0, 120
    if isinstance(value, str) and "-" in value.strip()[1:]:
        first, _, last = value.strip()[1:].partition("-")
        value = [value.strip()[0] + first, last]
    if isinstance(value, list) and len(value) == 2:
        low, high = _age(value[0]), _age(value[1])
        if low is not None and high is not None:
            return low, high
    return None


def _as_date(value: object) -> dt.date | None:
    """A date written as a YAML date or as an ISO string (CSV, quoted YAML); None otherwise."""
    try:
        return read_date(value)
    except InvalidDate:
        return None


def _check_statuses(out: RegistryGraph, where: Where, statuses: list) -> None:
    """Statuses are a history, oldest first: each begins on or after the one before; one that begins
    later begins once the one before has ended; one without an end is the last. Steps sharing a start
    (only their order is known, as for the ILC of 2019) may share their bounds."""
    previous = None
    for i, item in enumerate(statuses):
        start = _as_date(item.get("from")) if isinstance(item, dict) else None
        if start is None:
            previous = None  # no usable start: the shapes report it, and the next one is not compared
            continue
        end = _as_date(item.get("to"))
        here = Where(where.file, where.entry, f"status[{i}].from")
        if previous is not None:
            p_start, p_end, p_open = previous
            if start < p_start:
                out.problem(here, "statuts-ordre", f"statut commencé le {start} avant le statut précédent ({p_start}) : "
                                                  "les statuts vont du plus ancien au plus récent")
            elif start > p_start and p_open:
                out.problem(here, "statuts-chevauchement", f"statut commencé le {start} alors que le statut précédent "
                                                           "n'a pas de fin : seul le dernier statut reste ouvert")
            elif start > p_start and p_end is not None and start < p_end:
                out.problem(here, "statuts-chevauchement", f"statut commencé le {start} avant la fin du statut précédent ({p_end})")
        previous = (start, end, item.get("to") is None)


#: the sections of a registry file, in the order they are read: (section, kind of entry)
SECTIONS = (("actors", "actor"), ("territories", "territory"), ("instances", "instance"),
            ("inventories", "inventory"), ("surveyed", "survey"))


def read_entries(out: RegistryGraph, file: str, data: object, sections: Iterable[str] | None = None,
                 offset: int = 0, whole: bool = True) -> None:
    """Add one registry document (already parsed) to ``out``.

    A slice of a file (``ingest.slices``) reads only ``sections`` of ``data``, its entries numbered
    from ``offset`` (``instances[128]``: where a problem is said to be); without ``whole``, the
    file-level fields (scope, sources, unknown fields) are another slice's."""
    reader = _Reader(out)
    top = Where(file, "(fichier)", "")
    if data is None:
        out.problem(top, "fichier-vide", "fichier vide : un fichier du registre déclare au moins sa portée (scope)")
        return
    if whole:
        data = reader.fields(data, "file", top)
        _read_file_fields(reader, out, file, data)
    if not isinstance(data, dict):  # a slice is one by construction; a whole file was checked just above
        return
    methods = {"actor": reader.actor, "territory": reader.territory, "instance": reader.instance,
               "inventory": reader.inventory, "survey": reader.survey}
    for section, kind in SECTIONS:
        if sections is not None and section not in sections:
            continue
        for i, entry in enumerate(_list(data.get(section)), offset):
            entry = reader.fields(entry, kind, Where(file, f"{section}[{i}]", ""))
            if not entry:
                continue
            ident = reader.entry_id(entry, kind, file, i, out.seen_ids)
            if ident is not None:
                methods[kind](ident, entry, file)
    if data.get("synthetic") is True:
        out.synthetic_files.add(file)


def _read_file_fields(reader: _Reader, out: RegistryGraph, file: str, data: dict) -> None:
    """A file's scope (checked against its name) and its sources."""
    scope = data.get("scope")
    if (isinstance(scope, dict) and len(scope) == 1 and next(iter(scope)) in ("departement", "region")
            and isinstance(next(iter(scope.values())), (str, int)) and not isinstance(next(iter(scope.values())), bool)):
        kind, code = next(iter(scope.items()))
        refused = number_refusal(code, kind) or text_refusal(code, kind)
        if refused:  # departement: 01 is the number 1, and "31\n" no code
            out.problem(Where(file, "(fichier)", "scope"), *refused)
        else:
            out.scopes[file] = (kind, str(code))
            _check_file_name(out, file, kind, str(code))
    elif data:
        out.problem(Where(file, "(fichier)", "scope"), "portee", "portée manquante : « scope: {departement: \"31\"} » ou « {region: \"76\"} »")
    sources = data.get("sources") or {}
    if not isinstance(sources, dict):
        out.problem(Where(file, "sources", ""), "structure", "« sources » doit associer un identifiant à chaque source")
        sources = {}
    for key, entry in sources.items():
        if number_refusal(key, "sources"):  # 2019: {…} is the number 2019 (and 010: {…} the number 8)
            out.problem(Where(file, f"sources.{key}", ""), "identifiant-texte",
                        f"clé de source lue comme le nombre {key} : écrire l'identifiant entre guillemets "
                        "(« \"2019\": {…} ») ; sans guillemets, YAML lit 010 comme 8 et 0x1F comme 31")
            continue
        reader.source(str(key), entry, file, out.sources)


def _check_file_name(out: RegistryGraph, file: str, kind: str, code: str) -> None:
    """``48.yaml`` holds Lozère: a file renamed ``12.yaml`` would be filed under the wrong scope."""
    match = SCOPE_FILE.match(Path(file).stem)
    named = ("region" if match.group(1) else "departement", match.group(2)) if match else None
    if named != (kind, code):
        expected = f"{'region-' if kind == 'region' else ''}{code}"
        out.problem(Where(file, "(fichier)", "scope"), "nom-portee",
                    f"le nom du fichier ne correspond pas à sa portée ({kind} {code}) : il s'appelle « {expected}.yaml » "
                    f"(ou « {expected}-<suffixe>.yaml », « .csv »)")


def _folder_problems(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The registry files of ``folder`` (``*.yaml``, ``*.csv``), and what is wrong with the folder."""
    name = folder.name or str(folder)
    if not folder.is_dir():
        return [], [Problem(name, "(registre)", "", "registre-absent",
                            f"dossier du registre introuvable ({folder}) : rien n'est publié")]
    files, problems = [], []
    listed = listings.claimed(folder)  # a listing and its mapping are read by ``ingest.listings``
    for path in sorted(folder.iterdir()):
        if path.name in listed:
            continue
        if path.suffix in (".yaml", ".csv") and path.is_file():
            files.append(path)
        elif not any(path.match(pattern) for pattern in IGNORED):
            problems.append(Problem(path.name, "(fichier)", "", "fichier-inconnu",
                                    f"« {path.name} » n'est pas un fichier du registre : extension .yaml ou .csv "
                                    "(un fichier .yml ou .txt serait ignoré sans le dire), .md pour une note"))
    if not files and not listed:
        problems.append(Problem(name, "(registre)", "", "registre-vide",
                                "le registre ne contient aucun fichier .yaml ni .csv : un graphe vide ne serait pas publié"))
    return files, problems


def read_part(name: str, data: object, problems: list[Problem], read: bool | None = None,
              piece: tuple[str, Iterable[str] | None, int, bool] | None = None) -> RegistryGraph:
    """One registry document read on its own (already parsed: ``data``, with the parsing's problems),
    or ``piece`` of it: (label, sections, offset, whole), as ``read_entries`` takes them (a slice of
    a large file, ``ingest.slices``).

    What needs the other files (duplicate ids across files, scopes of custom territories, actors'
    places, provenance) is left to :func:`merge_parts`; what the file mints and refers to is noted
    for it (``types``, ``external``, ``members``). The graph is returned as N-Triples, so that a part
    made in a worker process travels as text."""
    label, sections, offset, whole = piece or (name, None, 0, True)
    out = RegistryGraph(_graph=triple_graph(), label=label)
    out.files.append(name)
    out.problems += problems
    if (data is not None) if read is None else read:  # an empty YAML file is read, and said to be empty
        read_entries(out, name, data, sections, offset, whole)
    _after_reading(out)
    out.ntriples = [ntriples_text(out.graph)]
    out._graph = None
    return out


def _after_reading(out: RegistryGraph) -> None:
    """What every reading notes once its entries are read, a part's or the whole registry's read
    together: the synthetic mark, the entries' types, the nodes it names without minting them, the
    custom territories' members, the coverages counted, and what a seat is matched with."""
    graph = out.graph
    # Every record of a generated file says so, down to its statuses, roles and citations.
    for node, where in out.where.items():
        if where.file in out.synthetic_files:
            graph.add((URIRef(node), M.synthetic, _TRUE))
    for s, o in graph.subject_objects(RDF.type):
        if _top_level(str(s)):
            out.types.setdefault(str(s), []).append(str(o))
    for o in set(graph.objects()):
        if isinstance(o, URIRef) and str(o) not in out.where and _registry_kind(str(o)):
            out.external.add(str(o))
    for s, member in graph.subject_objects(M.member):
        kind, code = str(member).split("/")[-2:]
        out.members.append((str(s).rsplit("/", 1)[1], kind, code))
    for s in graph.subjects(M.hasCoverage):
        out.covered[str(s)] = out.covered.get(str(s), 0) + 1
    _note_ties(out, graph)


#: kinds of the nodes the registry mints, whose IRIs another file may refer to
REGISTRY_KINDS = ("actor", "source", "territoire", "instance", "inventory", "survey")


def _registry_kind(node: str) -> bool:
    return node.startswith(BASE) and node[len(BASE):].split("/", 1)[0] in REGISTRY_KINDS


def _top_level(node: str) -> bool:
    """An entry's own node (``…/actor/rap31``), which another file may name, not one of its parts
    (``…/instance/x/status/0``), which only its entry names: only the former's types are kept for
    the other files' validation (a national région mints 18,000 nodes, of which 1,400 are entries)."""
    return node.count("/", len(BASE)) == 1


def read_yaml_part(path: Path) -> RegistryGraph:
    """A ``*.yaml`` registry file read on its own (see :func:`read_part`)."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        out = RegistryGraph()
        out.files.append(path.name)
        out.problems.append(Problem(path.name, "(fichier)", "", "fichier-illisible", f"fichier illisible : {err.strerror}"))
        return out
    return read_yaml_bytes(path.name, raw)


def read_yaml_bytes(name: str, raw: bytes) -> RegistryGraph:
    """The bytes of a ``*.yaml`` registry file read on its own (see :func:`read_part`)."""
    data, problems = load_yaml(raw, name)
    return read_part(name, data, problems, read=not problems)


def registry_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The ``*.yaml`` files of a registry folder, and what is wrong with the folder."""
    files, problems = _folder_problems(folder)
    return [path for path in files if path.suffix == ".yaml"], problems


def conflicts(parts: list[RegistryGraph]) -> bool:
    """Whether files read apart would read differently together: an id declared in two files, or a
    source defined differently in two files (the second is refused, so it makes no triple)."""
    seen: set[str] = set()
    sources: dict[str, dict] = {}
    for part in parts:
        if seen & part.seen_ids.keys():
            return True
        seen |= part.seen_ids.keys()
        for key, (_, entry) in part.sources.items():
            if key in sources and sources[key] != entry:
                return True
            sources.setdefault(key, entry)
    return False


#: how :func:`merge_parts` joins each field of the parts (declared beside each field: ``_kept``)
_JOIN = {
    "extend": lambda mine, theirs: mine.extend(theirs),
    "update": lambda mine, theirs: mine.update(theirs),
    "union": lambda mine, theirs: mine.update(theirs),
    "distinct": lambda mine, theirs: mine.extend([x for x in theirs if x not in mine]),
}
_JOINED = [(f.name, _JOIN[f.metadata["merge"]]) for f in fields(RegistryGraph) if f.metadata.get("merge") != "own"]


def merge_parts(folder_problems: list[Problem], parts: list[RegistryGraph], geo: Geography,
                shared: Path | None) -> RegistryGraph:
    """The registry from its files read apart, then the rules that need all of them: a registry that
    mixes synthetic and real files, the scope of each coverage and inventory, each actor's place,
    provenance against the documents. Parts must not conflict (:func:`conflicts`)."""
    out = RegistryGraph()
    out.problems = list(folder_problems)
    for part in parts:
        for name, join in _JOINED:
            join(getattr(out, name), getattr(part, name))
        if part.covered:
            out.covering.add(part.label or part.files[0])
    _registry_checks(out, geo, shared)
    return out


@dataclass(frozen=True)
class Readings:
    """A registry folder read file by file, before the merge: the folder's problems, its ``*.yaml``
    files, the CSV documents already parsed (``extra``, as :func:`read_registry` takes them), and
    each part read on its own (a file, or a slice of one)."""

    folder_problems: list[Problem]
    files: list[Path]
    extra: list[tuple]
    parts: list[RegistryGraph]

    @functools.cached_property
    def conflicting(self) -> bool:
        """Whether the files must be read again together to read as the rules of duplicates say."""
        return conflicts(self.parts)


def read_folder(folder: Path, extra: Iterable[tuple] = (),
                read_files: Callable[[list[Path]], list[RegistryGraph]] | None = None) -> Readings:
    """Every ``*.yaml`` of ``folder`` read on its own (by ``read_files``, which may remember them:
    ``file_verdicts``; :func:`read_yaml_part` on each by default), and the CSV documents ``extra``."""
    files, folder_problems = registry_files(folder)
    extra = list(extra)
    parts = read_files(files) if read_files is not None else [read_yaml_part(path) for path in files]
    parts += [read_part(name, data, list(problems[0]) if problems else []) for name, data, *problems in extra]
    return Readings(folder_problems, files, extra, parts)


def merge(readings: Readings, geo: Geography, shared: Path | None) -> RegistryGraph:
    """The one registry from its readings (:func:`merge_parts`), or, when files conflict (an id in
    two files), from every file read again together, in order (:func:`read_together`)."""
    if readings.conflicting:
        return read_together(readings.folder_problems, readings.files, readings.extra, geo, shared)
    return merge_parts(readings.folder_problems, readings.parts, geo, shared)


def _registry_checks(out: RegistryGraph, geo: Geography, shared: Path | None) -> None:
    if out.synthetic_files and set(out.files) - out.synthetic_files:
        real = sorted(set(out.files) - out.synthetic_files)
        out.problem(Where(real[0], "(fichier)", "synthetic"), "melange-synthetique",
                    "un registre ne mélange pas données réelles et synthétiques : fichiers synthétiques "
                    f"{', '.join(sorted(out.synthetic_files))} à côté de {', '.join(real)}")
    _resolve_custom_territories(out, geo)
    _check_scopes(out, geo)
    _check_based_in(out, geo)
    provenance.check_provenance(out, shared)


def read_registry(
    folder: Path, geo: Geography, extra: Iterable[tuple] = (), shared: Path | None = None
) -> RegistryGraph:
    """Read every ``*.yaml`` of ``folder`` and, through ``extra``, CSV documents already read
    (``(name, document)`` or ``(name, document or None, problems)``).

    ``shared`` is the folder of the project's documents that sources' ``file`` name (see ``provenance``).
    Each file is read on its own (:func:`read_folder`), then merged (:func:`merge`).
    """
    return merge(read_folder(folder, extra), geo, shared)


def read_together(folder_problems: list[Problem], files: list[Path], extra: list[tuple], geo: Geography,
                  shared: Path | None) -> RegistryGraph:
    """Every file read into one graph, in order: an id already declared is refused where it repeats."""
    out = RegistryGraph(_graph=triple_graph())
    out.problems = list(folder_problems)
    for path in files:
        out.files.append(path.name)
        try:
            raw = path.read_bytes()
        except OSError as err:
            out.problems.append(Problem(path.name, "(fichier)", "", "fichier-illisible", f"fichier illisible : {err.strerror}"))
            continue
        data, problems = load_yaml(raw, path.name)
        out.problems += problems
        if not problems:
            read_entries(out, path.name, data)
    for name, data, *rest in extra:
        out.files.append(name)
        out.problems += rest[0] if rest else []
        if data is not None:
            read_entries(out, name, data)
    _after_reading(out)
    _registry_checks(out, geo, shared)
    return out


def _note_ties(out: RegistryGraph, g: Graph) -> None:
    """What links a national file's seat to an instance (``seats.seat_links``): FINESS numbers, types,
    places covered, actors and where they are based."""
    for s, v in g.subject_objects(M.finess):
        if (s, RDF.type, M.SchemeInstance) in g:
            out.finess[str(v)] = str(s)
    for instance, concept in g.subject_objects(M.schemeType):
        if (instance, RDF.type, M.SchemeInstance) not in g:
            continue
        places = {str(t) for c in g.objects(instance, M.hasCoverage) for t in g.objects(c, M.territory)}
        actors = {str(a) for r in g.objects(instance, M.hasRole) for a in g.objects(r, M.actor)}
        out.ties[str(instance)] = (str(concept).rsplit("/", 1)[-1], places, actors)
    for actor, place in g.subject_objects(M.basedIn):
        out.based[str(actor)] = str(place)


def merge_problems(read: list[Problem], shapes: list[Problem]) -> list[Problem]:
    """The reader's problems, then the shapes' on fields the reader did not already report: a value
    the reader refused made no triple, and the shapes would only say again that it is missing."""
    reported = {(p.file, p.entry, p.field) for p in read}
    return list(read) + [p for p in shapes if (p.file, p.entry, p.field) not in reported]


def _check_based_in(out: RegistryGraph, geo: Geography) -> None:
    for where, text in out.based_in:
        kind, code = parse_territory(text)  # type: ignore[misc]
        known = iri("territoire", code) in out.where if kind == "territoire" else geo.exists(kind, code)
        if not known:
            out.problem(where, "based-in-inconnu", f"« {text} » : territoire inconnu (le code ne correspond à aucun territoire)")


def _resolve_custom_territories(out: RegistryGraph, geo: Geography) -> None:
    for ident, kind, code in out.members:
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
    # whether a territory leaves a scope, once per pair: a national registry names each EPCI many times
    outside_of: dict[tuple[tuple[str, str], str, str], bool] = {}
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
        elif (scope, kind, code) in outside_of:
            outside = outside_of[scope, kind, code]
        else:
            if scope not in inside_of:
                inside_of[scope] = set(geo.communes_of(*scope)) if geo.exists(*scope) else set()
            outside = outside_of[scope, kind, code] = bool(_communes(geo, out, kind, code) - inside_of[scope])
        if outside:
            out.problem(where, "portee", f"« {text} » sort de la portée du fichier ({scope[0]} {scope[1]})")
