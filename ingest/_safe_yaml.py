"""A bounded YAML reader for registry files: limits and strictness enforced before anything can blow up.

libyaml's composer recurses once per nesting level (50,000 nested ``[`` overflow the C stack and kill
the process), and a 19 kB alias bomb expands to billions of nodes in whatever walks the result. So the
document is never composed by libyaml: its parser (iterative, no recursion) yields events, and this
module builds the Python objects from them, counting depth, nodes (aliases counted expanded) and scalar
lengths as it goes, and stopping at the first limit crossed. The same pass refuses what a planner never
means: duplicate keys, explicit tags (``!!python/...``), several documents, and impossible dates.

Every refusal is a :class:`Problem` naming the file, the line and column and the rule, in French.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeGuard

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from core.errors import Problem

__all__ = ["Limits", "LIMITS", "load_yaml", "decode", "at_line"]

#: libyaml's parser when present (about 5 times faster); it never recurses, unlike its composer.
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Limits:
    #: the largest synthetic regional file is 1.5 MB, the largest real one 51 kB
    file_bytes: int = 8 * 1024 * 1024
    #: a registry file nests about 7 levels (file, section, entry, list, item, source, list)
    depth: int = 32
    #: nodes after alias expansion: a regional synthetic file has about 200,000
    nodes: int = 2_000_000
    #: characters in one value; the longest real excerpt has 323
    field_chars: int = 10_000


LIMITS = Limits()


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def at_line(file: str, line: int, column: int | None, rule: str, message: str) -> Problem:
    where = f"ligne {line}"
    return Problem(file, where, f"colonne {column}" if column is not None else "", rule, message)


def decode(raw: bytes, file: str, limits: Limits = LIMITS) -> tuple[str | None, list[Problem]]:
    """The text of a registry file, or the problems that keep it from being read (size, encoding)."""
    if len(raw) > limits.file_bytes:
        return None, [Problem(file, "(fichier)", "", "taille-fichier",
                              f"fichier trop volumineux : {_n(len(raw))} octets (au plus {_n(limits.file_bytes)})")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        return None, [at_line(file, line, column, "encodage",
                              f"le fichier n'est pas en UTF-8 (octet 0x{raw[err.start]:02x} ligne {line}, colonne {column}) : "
                              "enregistrez-le en UTF-8")]


class _Refused(Exception):
    """A limit or rule crossed: the document is abandoned at once (nothing more is read)."""

    def __init__(self, mark, rule: str, message: str):
        super().__init__(message)
        self.mark, self.rule, self.message = mark, rule, message


class _Frame:
    __slots__ = ("value", "is_map", "key", "key_mark", "anchor", "size")

    def __init__(self, value, is_map: bool, anchor: str | None):
        self.value, self.is_map, self.anchor = value, is_map, anchor
        self.key, self.key_mark, self.size = _NO_KEY, None, 1


_NO_KEY = object()
_RESOLVER = Resolver()
_CONSTRUCT = SafeConstructor()
_SCALARS = {
    "tag:yaml.org,2002:null": lambda node: None,
    "tag:yaml.org,2002:bool": _CONSTRUCT.construct_yaml_bool,
    "tag:yaml.org,2002:int": _CONSTRUCT.construct_yaml_int,
    "tag:yaml.org,2002:float": _CONSTRUCT.construct_yaml_float,
    "tag:yaml.org,2002:timestamp": _CONSTRUCT.construct_yaml_timestamp,
}


def _scalar(event, plain: dict[str, object]) -> object:
    """A scalar's value; ``plain`` remembers, for one document, what each plain scalar's text made
    (a national file repeats its dates, types and publics thousands of times, and resolving a plain
    scalar tries a pattern per tag). A quoted scalar is a string."""
    if event.tag is not None:
        raise _Refused(event.start_mark, "balise-yaml",
                       f"balise YAML « {event.tag} » refusée : le registre ne contient que des valeurs simples, des listes et des dictionnaires")
    if not event.implicit[0]:
        return event.value
    made = plain.get(event.value, _NO_KEY)
    if made is _NO_KEY:
        made = plain[event.value] = _plain_scalar(event)
    return made


def _plain_scalar(event) -> object:
    tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
    build = _SCALARS.get(tag)
    if build is None:
        return event.value  # a string, or a merge key "<<" which the reader reports as an unknown field
    try:
        return build(ScalarNode(tag, event.value, event.start_mark, event.end_mark))
    except (ValueError, OverflowError):
        # 2024-02-30 has the shape of a date but is none: kept as text, the date rules report it
        return event.value


def _build(loader, limits: Limits) -> object:
    stack: list[_Frame] = []
    anchors: dict[str, tuple[object, int]] = {}
    plain: dict[str, object] = {}
    root: object = None
    documents = 0

    def attach(value, size: int, mark) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        top.size += size
        if top.size > limits.nodes:
            raise _Refused(mark, "taille-alias",
                           f"document trop grand une fois les alias développés (plus de {_n(limits.nodes)} éléments) : "
                           "ancres et alias (&, *) répétés")
        if not top.is_map:
            top.value.append(value)
        elif top.key is _NO_KEY:
            try:
                hash(value)
            except TypeError:
                raise _Refused(mark, "cle-invalide", "une clé doit être une valeur simple, pas une liste ni un dictionnaire") from None
            if value in top.value:
                raise _Refused(mark, "cle-dupliquee", f"clé « {value} » en double dans le même dictionnaire : la seconde écraserait la première")
            top.key, top.key_mark = value, mark
        else:
            top.value[top.key] = value
            top.key = _NO_KEY

    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if len(event.value) > limits.field_chars:
                raise _Refused(event.start_mark, "champ-trop-long",
                               f"valeur de {_n(len(event.value))} caractères (au plus {_n(limits.field_chars)})")
            value = _scalar(event, plain)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            attach(value, 1, event.start_mark)
        elif kind in (yaml.SequenceStartEvent, yaml.MappingStartEvent):
            if event.tag is not None:
                raise _Refused(event.start_mark, "balise-yaml", f"balise YAML « {event.tag} » refusée")
            if len(stack) >= limits.depth:
                raise _Refused(event.start_mark, "profondeur",
                               f"imbrication trop profonde (plus de {limits.depth} niveaux de listes ou dictionnaires)")
            stack.append(_Frame({} if kind is yaml.MappingStartEvent else [], kind is yaml.MappingStartEvent, event.anchor))
        elif kind in (yaml.SequenceEndEvent, yaml.MappingEndEvent):
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = (frame.value, frame.size)
            attach(frame.value, frame.size, event.start_mark)
        elif kind is yaml.AliasEvent:
            if event.anchor not in anchors:
                raise _Refused(event.start_mark, "alias-inconnu", f"alias « *{event.anchor} » sans ancre « &{event.anchor} » avant lui")
            value, size = anchors[event.anchor]
            attach(value, size, event.start_mark)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Refused(event.start_mark, "documents-multiples",
                               "plusieurs documents YAML (« --- ») dans un fichier : un fichier du registre n'en a qu'un")
        elif kind is yaml.StreamEndEvent:
            return root


# libyaml's messages, in the words a planner reads. Unlisted ones keep their English text in quotes.
_FRENCH = {
    "did not find expected ',' or '}'": "« , » ou « } » attendu : une accolade n'est pas refermée",
    "did not find expected ',' or ']'": "« , » ou « ] » attendu : un crochet n'est pas refermé",
    "did not find expected key": "clé attendue : l'indentation ou la structure est incorrecte",
    "did not find expected '-' indicator": "élément de liste « - » attendu : l'indentation est incorrecte",
    "did not find expected node content": "valeur attendue",
    "mapping values are not allowed in this context": "« : » inattendu : mettez la valeur entre guillemets",
    "found character that cannot start any token": "caractère qui ne peut pas commencer une valeur (une tabulation ? un « @ » ou « ` » ?)",
    "found unexpected end of stream": "fin de fichier inattendue : des guillemets ne sont pas refermés",
    "could not find expected ':'": "« : » attendu après une clé",
    "found a tab character that violates indentation": "tabulation dans l'indentation : indentez avec des espaces",
    "block sequence entries are not allowed in this context": "élément de liste « - » inattendu ici",
    "found unknown escape character": "séquence d'échappement inconnue entre guillemets doubles",
    "found undefined tag handle": "préfixe de balise inconnu",
    "found unexpected ':'": "« : » inattendu",
    "expected <document start>, but found '<block mapping start>'": "contenu après la fin du document",
    "control characters are not allowed": "caractère de contrôle interdit",
    "found incompatible YAML document": "version de YAML non prise en charge",
    "found duplicate anchor; first occurrence": "ancre définie deux fois",
}


def _french(err: yaml.YAMLError) -> str:
    problem = str(getattr(err, "problem", None) or getattr(err, "reason", None) or err)
    for english, french in _FRENCH.items():
        if problem.startswith(english):
            return french
    if problem.startswith("expected <document start>"):
        return "contenu inattendu après la fin du document"
    return f"erreur de syntaxe (« {problem} »)"


def load_yaml(raw: bytes, file: str, limits: Limits = LIMITS) -> tuple[object, list[Problem]]:
    """The document of a registry file and the problems that stopped reading it (none: it was read)."""
    text, problems = decode(raw, file, limits)
    if text is None:
        return None, problems
    loader = _PARSER(text)
    try:
        return _build(loader, limits), []
    except _Refused as refused:
        line, column = refused.mark.line + 1, refused.mark.column + 1
        return None, [at_line(file, line, column, refused.rule, f"{refused.message} (ligne {line}, colonne {column})")]
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        if mark is None and isinstance(err, yaml.reader.ReaderError):
            line = text.count("\n", 0, err.position) + 1
            column = err.position - (text.rfind("\n", 0, err.position) + 1) + 1
            return None, [at_line(file, line, column, "syntaxe-yaml",
                                  f"YAML illisible ligne {line}, colonne {column} : caractère interdit (code {err.character!r})")]
        if mark is None:
            return None, [Problem(file, "(fichier)", "", "syntaxe-yaml", f"YAML illisible : {_french(err)}")]
        line, column = mark.line + 1, mark.column + 1
        return None, [at_line(file, line, column, "syntaxe-yaml", f"YAML illisible ligne {line}, colonne {column} : {_french(err)}")]
    finally:
        loader.dispose()


def is_date(value: object) -> TypeGuard[dt.date]:
    """A date without a time (a datetime is a date in Python, not in the registry)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
