"""The one way to name a registry file: a plain name, matched whole, that resolves inside the registry.

Every route, command and sandbox that takes a registry file's name from outside (a proposal's
``file``, the validate endpoint's ``filename``, a workbook's « fichier » column) goes through
:func:`registry_path`. A name is letters, digits, ``.``, ``_`` and ``-``, starting with a letter or a
digit, ending with one of the allowed extensions, and matched whole (``fullmatch``: ``$`` would also
match before a final newline). No folder, no ``..``, no absolute path can pass. The name is then
joined to the registry folder and resolved, symlinks followed: a file that resolves anywhere but
``<registry>/<name>`` itself (a link to another file, inside the registry or out of it) is refused.

The messages never show a path: only the name, and only once it is a plain name (what a client sent
otherwise is not repeated).
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import RegistryFileRefused

__all__ = ["REGISTRY_FILE", "NAME_LENGTH", "registry_name", "registry_path"]

NAME_LENGTH = 100  #: characters at most in a registry file's name
REGISTRY_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?P<kind>yaml|csv)")


def registry_name(name: object, kinds: tuple[str, ...] = ("yaml", "csv")) -> str:
    """``name`` if it is a plain registry file name of one of ``kinds``; else :class:`RegistryFileRefused`."""
    match = REGISTRY_FILE.fullmatch(name) if isinstance(name, str) and len(name) <= NAME_LENGTH else None
    if match is None or match["kind"] not in kinds:
        ends = " ou ".join(f".{k}" for k in kinds)
        raise RegistryFileRefused(f"Nom de fichier du registre refusé : un nom simple de {NAME_LENGTH} caractères au plus "
                                  f"(lettres, chiffres, . _ -) finissant par {ends}, sans dossier ni chemin.")
    return match.string


def registry_path(registry: Path, name: object, kinds: tuple[str, ...] = ("yaml", "csv"), must_exist: bool = True) -> Path:
    """The path of registry file ``name`` in folder ``registry``, checked: a plain name (:func:`registry_name`),
    resolving to itself inside the folder (a link elsewhere is refused), an existing file if ``must_exist``."""
    name = registry_name(name, kinds)
    path = Path(registry) / name
    try:
        elsewhere = path.resolve() != Path(registry).resolve() / name
    except (OSError, RuntimeError):  # a loop of links
        elsewhere = True
    if elsewhere:
        raise RegistryFileRefused(f"Fichier du registre « {name} » refusé : c'est un lien vers un autre fichier ; "
                                  "une proposition ou une validation ne change que les fichiers du registre lui-même.")
    if must_exist and not path.is_file():
        raise RegistryFileRefused(f"Fichier du registre inconnu : « {name} ».")
    return path
