"""The national sources, each declared once by its description ``ingest/sources/<name>.yaml``.

A description says what the file is (title, producer, date, licence, the page that publishes it
``url`` and the address of the file itself ``download`` when one is known, its path under the
documents folder, its ``size`` in bytes and its SHA-256), which of Maillage's answers need it
(``answers``, said by ``maillage sources`` and by a build without it: ``national_files``), how it is read (``format``, ``filters``, ``fields`` and the reader's
own keys, such as FINESS's ``categories``) and which function reads it: ``reader: ingest.finess:read``,
a module of ``ingest`` and a function of it, as Python's entry points write them. The build reads every
description of the folder: adding a national source is adding its description and its reader, nothing
else. The reader is imported by its name, which static tools do not follow: it must be a module of
``ingest``, the room that reads sources, so that a description cannot reach past the layers the
import-linter contract holds (``pyproject.toml``).

Each description is checked against :class:`Source` when it is read; one that breaks it is refused with
a French error naming its file and the field (:class:`core.errors.SourceInvalid`), which the build
reports as a problem of that file. The description itself (``Source.description``, the YAML mapping as
written) is what the reader receives and what the seats' provenance cites.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from core.dates import read_date
from core.errors import InvalidDate, Problem, SourceInvalid

__all__ = ["SOURCES", "Source", "source", "sources"]

#: the folder of the descriptions, one YAML file per national source
SOURCES = Path(__file__).resolve().parent / "sources"
#: ``ingest.module:function``
_READER = re.compile(r"ingest(?:\.[A-Za-z_][A-Za-z0-9_]*)+:[A-Za-z_][A-Za-z0-9_]*")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ADDRESS = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Source:
    """One national source as its description declares it; ``read`` is its reader, already imported."""

    name: str  #: the description's file name without ``.yaml``
    source: str  #: the key of the file as a source of the graph (``finess-structures-2026-08``)
    title: str
    producer: str
    date: dt.date
    licence: str
    licence_name: str
    url: str  #: the page that publishes the file
    download: str | None  #: the address of the file itself; None when none is known (``url`` says where)
    file: str  #: relative to the documents folder (setting ``documents``)
    size: int  #: bytes: a download stops past it
    sha256: str
    answers: tuple[str, ...]  #: the answers that need the file, in French (« sièges France services à proximité »)
    format: str
    reader: str  #: ``ingest.finess:read``
    read: Callable  #: ``(description, path, sha256, geography) -> seats.SeatFile``
    description: dict  #: the YAML mapping as written, which the reader receives


def sources(folder: Path = SOURCES) -> tuple[list[Source], list[Problem]]:
    """Every description of ``folder``, in the order of their names; a broken one is a problem of its file."""
    found, problems = [], []
    for path in sorted(folder.glob("*.yaml")):
        try:
            found.append(_load(path))
        except SourceInvalid as err:
            problems.append(Problem(err.file, "(fichier)", err.field, "description-source", err.reason))
    return found, problems


def source(name: str, folder: Path = SOURCES) -> Source:
    """The source described by ``folder/<name>.yaml``; :class:`SourceInvalid` when the description is broken."""
    return _load(folder / f"{name}.yaml")


def _load(path: Path) -> Source:
    file = f"ingest/sources/{path.name}" if path.parent == SOURCES else str(path)

    def refuse(field: str, reason: str) -> SourceInvalid:
        return SourceInvalid(file, field, reason)

    try:
        desc = copy.deepcopy(_parsed(path.read_text(encoding="utf-8")))  # the reader may change its own
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise refuse("(fichier)", f"illisible ({type(err).__name__})") from None
    if not isinstance(desc, dict):
        raise refuse("(fichier)", "un dictionnaire YAML est attendu (source, title, file, reader…)")

    def text(field: str, pattern: re.Pattern | None = None, rule: str = "") -> str:
        value = desc.get(field)
        if not isinstance(value, str) or not value.strip():
            raise refuse(field, "champ obligatoire : un texte non vide est attendu" if value is None
                         else f"un texte est attendu, lu {value!r}")
        if pattern is not None and not pattern.fullmatch(value):
            raise refuse(field, f"« {value} » : {rule}")
        return value

    try:
        date = read_date(desc.get("date"))
    except InvalidDate as err:
        raise refuse("date", str(err).rstrip(".")) from None
    relative = PurePosixPath(text("file"))
    if relative.is_absolute() or ".." in relative.parts:
        raise refuse("file", f"« {relative} » : un chemin relatif au dossier des documents, sans « .. », est attendu")
    for mapping in ("fields", "filters"):
        if not isinstance(desc.get(mapping, {}), dict):
            raise refuse(mapping, "un dictionnaire est attendu")
    if not desc.get("fields"):
        raise refuse("fields", "champ obligatoire : les champs lus du fichier (champ Maillage: colonne ou chemin)")
    reader = text("reader", _READER, "écrivez module:fonction d'un module d'ingest, par exemple ingest.finess:read")
    size = desc.get("size")
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise refuse("size", f"la taille du fichier en octets, un entier positif, est attendue, lu {size!r}")
    answers = desc.get("answers")
    if not isinstance(answers, list) or not answers or not all(isinstance(a, str) and a.strip() for a in answers):
        raise refuse("answers", "la liste des réponses qui dépendent du fichier (des textes non vides) est attendue")
    download = text("download", _ADDRESS, "une adresse http(s) est attendue") if "download" in desc else None
    return Source(
        name=path.stem, source=text("source"), title=text("title"), producer=text("producer"), date=date,
        licence=text("licence", _ADDRESS, "une adresse http(s) est attendue"), licence_name=text("licence_name"),
        url=text("url", _ADDRESS, "une adresse http(s) est attendue"), download=download, file=str(relative),
        size=size, sha256=text("sha256", _SHA256, "64 chiffres hexadécimaux minuscules sont attendus"),
        answers=tuple(answers), format=text("format"),
        reader=reader, read=_reader(reader, refuse), description=desc,
    )


@functools.lru_cache(maxsize=16)
def _parsed(text: str) -> object:
    """A description's YAML, parsed once per text: every build reads every description again."""
    return yaml.safe_load(text)


def _reader(spec: str, refuse: Callable[[str, str], SourceInvalid]) -> Callable:
    module_name, _, function = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise refuse("reader", f"« {spec} » : module introuvable ({err.name or module_name})") from None
    found = getattr(module, function, None)
    if not callable(found):
        raise refuse("reader", f"« {spec} » : le module {module_name} n'a pas de fonction {function}")
    return found
