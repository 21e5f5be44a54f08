"""A proposed correction, applied to one registry file: the file's new text, or why it cannot be.

A proposal (see docs/decisions/0061-proposed-corrections.md) is one of three kinds, each with its source
and the excerpt that says it:

- ``correction``: new values for fields of one record of an existing instance (the instance itself, or
  ``coverage[i]``, ``status[i]``, ``roles[i]``; a negative index counts from the end: ``status[-1]`` is
  the latest status). The record's citation becomes the proposal's source and excerpt.
- ``source``: a newer source attesting one record as it stands (its citation changes, nothing else).
- ``instance``: a new instance entry in the registry's own format; its records without a citation get
  the proposal's.

The proposal's source is either a key of the file's ``sources`` (``{"ref": "rap31-2019"}``) or a new
document (title, address, date), added to the file's ``sources`` under ``proposition-<id>``. The file
is edited with the same round-trip parser as the workbook import (comments, order and quotes kept), so
an accepted proposal is exactly its change in the YAML. The registry's rules are not repeated here:
the caller validates the result as a build would.

Every text of a proposal is checked for personal data (``ingest/privacy.py``), excerpts included: a
proposal is published as it is written, before anyone has read it.
"""

from __future__ import annotations

import difflib
import io
import re
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, ScalarString

from core.dates import looks_like_date, read_date
from core.errors import InvalidDate, ProposalInvalid, RegistryFileRefused
from core.registry_files import registry_path

from .privacy import personal_data
from .registry import FIELDS
from .workbook import yaml_io

__all__ = ["KINDS", "AppliedProposal", "apply_proposal", "find_personal_data"]

KINDS = ("correction", "source", "instance")
#: the sections of an instance whose records a proposal may address, and the kind of their entries
SECTIONS = {"coverage": "coverage", "status": "status", "roles": "role"}
RECORD = re.compile(r"(?P<section>coverage|status|roles)\[(?P<index>-?\d{1,3})\]")
#: fields a correction may set: the entry's own, not its identity, its citation or its nested lists
FIXED = {"id", "source", "status", "roles", "coverage"}
#: free texts written between quotes, as the registry's authors write them
QUOTED = {"name", "description", "note", "function", "title", "excerpt"}
DATES = {"from", "to", "date", "retrieved", "observed"}


class AppliedProposal:
    """The file a proposal changes, its text before and after, and the unified diff between them."""

    def __init__(self, file: str, before: str, after: str):
        self.file, self.before, self.after = file, before, after

    @property
    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            f"registre/{self.file}", f"registre/{self.file} (proposé)"))


def find_personal_data(node, where: str = "proposition") -> str | None:
    """The French message of the first personal data found in any text of ``node``, else None."""
    if isinstance(node, dict):
        for key, value in node.items():
            found = find_personal_data(str(key), where) or find_personal_data(value, f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(node, list):
        return next((f for i, v in enumerate(node) if (f := find_personal_data(v, f"{where}[{i}]"))), None)
    if isinstance(node, str):
        hit = personal_data(node)
        if hit:
            return f"{where} : {hit[1]}."
    return None


def _yaml_value(name: str, value):
    """The YAML node a JSON value means for field ``name``: dates as dates, free texts quoted."""
    if isinstance(value, str) and name in DATES and looks_like_date(value):
        try:
            return read_date(value)
        except InvalidDate as err:
            raise ProposalInvalid(f"« {name} » : {err}") from None
    if isinstance(value, str) and name in QUOTED:
        return DoubleQuotedScalarString(value)
    if isinstance(value, list):
        seq = CommentedSeq(_yaml_value(name, v) for v in value)
        if not any(isinstance(v, (dict, list)) for v in value):
            seq.fa.set_flow_style()  # [0, 12], [enfants]: on one line, as the registry writes short lists
        return seq
    if isinstance(value, dict):
        return _mapping(value)
    return value


def _mapping(entry: dict, flow: bool = False) -> CommentedMap:
    out = CommentedMap()
    for key, value in entry.items():
        out[str(key)] = _yaml_value(str(key), value)
    if flow:
        out.fa.set_flow_style()
    return out


def _citation(source_key: str, proposal: dict) -> CommentedMap:
    citation = {"ref": source_key}
    for name in ("excerpt", "paraphrase"):
        if proposal.get(name):
            citation[name] = proposal[name]
    return _mapping(citation, flow=True)


def _load(registry: Path, y, name: str):
    """The YAML document of registry file ``name``: a plain name of the folder, read with the round-trip parser."""
    path = registry_path(registry, name, kinds=("yaml",))
    try:
        doc = y.load(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, YAMLError):
        raise ProposalInvalid(f"Le fichier du registre « {name} » ne se lit pas tel qu'il est : l'opérateur doit "
                              "d'abord le corriger.") from None
    if not isinstance(doc, dict):
        raise ProposalInvalid(f"Le fichier du registre « {name} » n'est pas un fichier de dispositifs.")
    return doc


def _instance_file(registry: Path, y, instance: str, file: str | None) -> tuple[str, object]:
    names = [file] if file else sorted(p.name for p in registry.glob("*.yaml"))
    for name in names:
        try:
            doc = _load(registry, y, name)
        except (RegistryFileRefused, ProposalInvalid):
            if file:
                raise
            continue  # a file of the folder that is no plain registry file (a link…) holds no instance to correct
        if any(str(i.get("id")) == instance for i in (doc.get("instances") or []) if isinstance(i, dict)):
            return name, doc
    where = f"dans {file}" if file else "dans le registre"
    raise ProposalInvalid(f"Aucun dispositif « {instance} » {where} : voir /v1/instances pour leurs identifiants.")


def _record(doc, instance: str, record: str | None) -> tuple[CommentedMap, str]:
    entry = next(i for i in doc["instances"] if str(i.get("id")) == instance)
    if not record:
        return entry, "instance"
    match = RECORD.fullmatch(record)
    if not match:
        raise ProposalInvalid(f"Enregistrement « {record} » : écrire coverage[0], status[-1] ou roles[1] (le dispositif "
                              "lui-même : laisser vide).")
    items = entry.get(match["section"]) or []
    index = int(match["index"])
    if not -len(items) <= index < len(items):
        raise ProposalInvalid(f"« {instance} » n'a pas d'élément {record} ({len(items)} élément(s) dans "
                              f"« {match['section']} »).")
    return items[index], SECTIONS[match["section"]]


def _set(record: CommentedMap, name: str, value) -> None:
    current = record.get(name)
    if value is None:
        record.pop(name, None)
    elif isinstance(current, CommentedSeq) and isinstance(value, list):
        current[:] = [_yaml_value(name, v) for v in value]  # the list keeps its own style
    elif isinstance(current, ScalarString) and isinstance(value, str):
        record[name] = type(current)(value)  # a value written quoted stays quoted the same way
    else:
        record[name] = _yaml_value(name, value)


def _source_key(doc, proposal: dict, ident: str) -> str:
    source = proposal["source"]
    if source.get("ref"):
        if str(source["ref"]) not in (doc.get("sources") or {}):
            raise ProposalInvalid(f"Source « {source['ref']} » inconnue de ce fichier : citez une de ses sources, ou "
                                  "décrivez la vôtre (titre, adresse, date).")
        return str(source["ref"])
    key = f"proposition-{ident}"
    if doc.get("sources") is None:
        doc["sources"] = CommentedMap()
    _append(doc["sources"], key, _mapping({k: v for k, v in source.items() if v is not None and k != "ref"}))
    return key


def _append(mapping: CommentedMap, key: str, value) -> None:
    """Add ``key`` last, taking over what followed the former last entry (the blank line before the next
    section): the file's layout stays as its authors wrote it."""
    previous = mapping[next(reversed(mapping))] if mapping else None
    mapping[key] = value
    if isinstance(previous, CommentedMap) and previous and isinstance(value, CommentedMap) and value:
        trailing = previous.ca.items.pop(next(reversed(previous)), None)
        if trailing is not None:
            value.ca.items[next(reversed(value))] = trailing


def apply_proposal(registry: Path, proposal: dict, ident: str) -> AppliedProposal:
    """The registry file ``proposal`` changes, with its text now and as the proposal would write it.

    ``proposal`` is the JSON shape of the API (already bounded and typed); ``ident`` names a new source."""
    y = yaml_io()
    kind = proposal["kind"]
    if kind == "instance":
        name = proposal.get("file")
        if not name:
            raise ProposalInvalid("Un nouveau dispositif nomme le fichier de son territoire : 31.yaml, region-76.yaml…")
        doc = _load(registry, y, name)
    else:
        name, doc = _instance_file(registry, y, proposal["instance"], proposal.get("file"))
    before = registry_path(registry, name, kinds=("yaml",)).read_text(encoding="utf-8")
    key = _source_key(doc, proposal, ident)
    if kind == "instance":
        entry = _mapping(proposal["entry"])
        entry.setdefault("source", _citation(key, proposal))
        for section in SECTIONS:
            items = entry.get(section)
            for item in items if isinstance(items, list) else []:  # anything else: the rules report it
                if isinstance(item, dict):
                    item.setdefault("source", _citation(key, proposal))
        if doc.get("instances") is None:
            doc["instances"] = CommentedSeq()
        doc["instances"].append(entry)
    else:
        record, record_kind = _record(doc, proposal["instance"], proposal.get("record"))
        changes = proposal.get("set") or {}
        if kind == "correction" and not changes:
            raise ProposalInvalid("Une correction donne au moins un champ et sa nouvelle valeur (« set »).")
        if kind == "source" and changes:
            raise ProposalInvalid("Une nouvelle source ne change aucun champ : proposez une correction pour cela.")
        allowed = FIELDS[record_kind] - FIXED
        for field, value in changes.items():
            if field not in allowed:
                raise ProposalInvalid(f"Champ « {field} » : on corrige ici {', '.join(sorted(allowed))}.")
            _set(record, field, value)
        record["source"] = _citation(key, proposal)
    out = io.StringIO()
    y.dump(doc, out)
    try:
        out.getvalue().encode("utf-8")
    except UnicodeEncodeError:
        raise ProposalInvalid("La proposition contient un caractère qui n'existe pas en UTF-8.") from None
    return AppliedProposal(name, before, out.getvalue())
