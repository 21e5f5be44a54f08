"""The national files a user can obtain: where each is here, its state, and how to get it.

Each file is described once, by its source's description (``ingest/sources/<name>.yaml``: producer,
licence, date, ``download`` the address of the file itself, ``url`` its page, ``size`` and ``sha256``,
``answers`` those of Maillage's answers that need it). A file is looked for in the data folder first,
``<data_dir>/sources/<file name>`` (where :func:`fetch` puts it), then in the documents folder under its
``file`` (the reference files beside the checkout): :func:`locate`, which the build calls.

:func:`fetch` gets a file that is absent or not the described one: copied from the mirror folder
(setting ``mirror``, the files by their names) when it holds it, else downloaded from ``download``.
Either way the bytes are hashed as they arrive, written beside the target and renamed over it only
when their SHA-256 is the described one (``core.atomic``): a mismatch, a cut connection or a file
larger than described leaves nothing behind, and the refusal is said in French. A download stops past
the described size and waits at most :data:`TIMEOUT` seconds for each read; progress is said every
tenth of the file.
"""

from __future__ import annotations

import hashlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from core import atomic
from core.errors import Problem, SourceNotObtained
from core.settings import Settings

from . import seats
from .national_sources import SOURCES, Source, sources

__all__ = ["State", "PRESENT", "ABSENT", "DIFFERENT", "fetched_path", "locate", "states", "fetch", "missing_line",
           "TIMEOUT"]

PRESENT, ABSENT, DIFFERENT = "présent", "absent", "somme de contrôle différente"
#: seconds a download waits for its connection and for each read before it is given up
TIMEOUT = 30
_CHUNK = 1 << 16


@dataclass(frozen=True)
class State:
    """A described file as it is here."""

    source: Source
    state: str  #: :data:`PRESENT`, :data:`ABSENT` or :data:`DIFFERENT`
    path: Path | None  #: where it was found (None when absent)
    sha256: str | None  #: the SHA-256 of the bytes found


def fetched_path(source: Source, settings: Settings) -> Path:
    """Where :func:`fetch` puts a source's file: the data folder's ``sources/``, under the file's name."""
    return settings.data_dir / "sources" / PurePosixPath(source.file).name


def _candidates(source: Source, settings: Settings) -> list[Path]:
    return [fetched_path(source, settings), settings.documents / source.file]


def _state(source: Source, settings: Settings) -> State:
    """The first copy of the described file found; else the first file found that is not it; else absent."""
    different = None
    for path in _candidates(source, settings):
        if path.is_file():
            digest = seats.sha256_of(path)
            if digest == source.sha256:
                return State(source, PRESENT, path, digest)
            different = different or State(source, DIFFERENT, path, digest)
    return different or State(source, ABSENT, None, None)


def locate(source: Source, settings: Settings) -> tuple[Path | None, str | None, Problem | None]:
    """The described file for the build: its path and SHA-256, or a problem when the file found is not
    the described one (:func:`seats.file_of`'s answer), or (None, None, None) when none is here."""
    found = _state(source, settings)
    if found.path is None:
        return None, None, None
    return found.path, found.sha256, None if found.state == PRESENT else seats.mismatch(source.description, found.sha256 or "")


def states(settings: Settings, folder: Path = SOURCES) -> tuple[list[State], list[Problem]]:
    """The state here of every described file (and the descriptions that could not be read)."""
    described, problems = sources(folder)
    return [_state(source, settings) for source in described], problems


def missing_line(source: Source) -> str:
    """The build's one French line for a file that is not here: which answers will be missing."""
    return (f"  sièges {source.source} : fichier absent ({PurePosixPath(source.file).name}) ; sans lui, pas de "
            f"{' ; pas de '.join(source.answers)} — « maillage sources fetch » l'obtient")


def fetch(source: Source, settings: Settings, progress: Callable[[str], None] | None = None,
          mirror: Path | None = None) -> State:
    """Make the described file present in the data folder (from ``mirror``, default the setting, when
    it holds the file; else from its ``download`` address); its new state. Raises
    :class:`SourceNotObtained` when it cannot be had, leaving nothing behind."""
    said = progress or (lambda _text: None)
    here = _state(source, settings)
    if here.state == PRESENT:
        said(f"{source.name} : déjà présent ({here.path})")
        return here
    target = fetched_path(source, settings)
    name = target.name
    copy = (mirror if mirror is not None else settings.mirror) / name
    if copy.is_file():
        said(f"{source.name} : copie depuis le miroir {copy.parent}")
        with copy.open("rb") as handle:
            _receive(source, handle, target, source.size, said, f"du miroir ({copy})")
    else:
        if not source.download:
            raise SourceNotObtained(
                f"{source.name} : le miroir {copy.parent} n'a pas {name} et aucune adresse de téléchargement "
                f"du fichier n'est connue ; obtenez-le depuis {source.url} puis placez-le dans {target.parent}.")
        said(f"{source.name} : téléchargement depuis {source.download}")
        with _opened(source) as (handle, length):
            if length is not None and length > source.size:
                raise SourceNotObtained(f"{source.name} : {source.download} annonce {length} octets, plus que les "
                                        f"{source.size} décrits ; rien n'est gardé.")
            _receive(source, handle, target, length or source.size, said, f"de {source.download}")
    return _state(source, settings)


@contextmanager
def _opened(source: Source) -> Iterator[tuple[BinaryIO, int | None]]:
    request = urllib.request.Request(source.download or "", headers={"User-Agent": "maillage"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (an address of a description)
            length = answer.headers.get("Content-Length")
            yield answer, int(length) if length and length.isdigit() else None
    except urllib.error.HTTPError as err:
        raise SourceNotObtained(f"{source.name} : {source.download} répond {err.code} ({err.reason}) ; "
                                "rien n'est gardé.") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as err:
        reason = getattr(err, "reason", err)
        raise SourceNotObtained(f"{source.name} : {source.download} injoignable ({reason}) ; rien n'est gardé.") from None


def _receive(source: Source, handle: BinaryIO, target: Path, expected: int, said: Callable[[str], None],
             origin: str) -> None:
    """Copy ``handle`` beside ``target``, hashing it, and rename it over ``target`` only when it is the
    described file; else remove it and raise :class:`SourceNotObtained`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    sha, done, told = hashlib.sha256(), 0, 0
    with atomic.replacing(target) as tmp, tmp.open("wb") as out:
        while True:
            try:
                chunk = handle.read(_CHUNK)
            except (OSError, http.client.HTTPException) as err:  # a cut connection: IncompleteRead, reset, timeout
                raise SourceNotObtained(f"{source.name} : connexion coupée après {done} octets sur {expected} "
                                        f"({type(err).__name__}) ; rien n'est gardé.") from None
            if not chunk:
                break
            done += len(chunk)
            if done > source.size:
                raise SourceNotObtained(f"{source.name} : le fichier reçu {origin} dépasse les {source.size} octets "
                                        "décrits ; rien n'est gardé.")
            sha.update(chunk)
            out.write(chunk)
            if expected and done * 10 // expected > told:
                told = done * 10 // expected
                said(f"  {source.name} : {done * 100 // expected} % ({done} octets sur {expected})")
        if done < expected:
            raise SourceNotObtained(f"{source.name} : transfert interrompu, {done} octets reçus {origin} sur {expected} ; "
                                    "rien n'est gardé.")
        if sha.hexdigest() != source.sha256:
            raise SourceNotObtained(
                f"{source.name} : le fichier reçu {origin} n'est pas celui que décrit ingest/sources/{source.name}.yaml "
                f"(SHA-256 {sha.hexdigest()} au lieu de {source.sha256}) ; refusé, rien n'est gardé.")
        out.flush()
    said(f"{source.name} : présent ({target})")

