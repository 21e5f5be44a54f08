"""Provenance checked against the documents themselves (the documents folder, setting ``documents``).

* a source's ``file`` stays inside the documents folder: relative, no ``..``, no link that leads out;
* the file exists, and every excerpt that cites it is found in it, once whitespace and typography are
  normalised (typographic quotes and apostrophes, non-breaking spaces, ellipsis): a planner copying
  from a PDF gets the same text a different way, not different words;
* each file's SHA-256 is recorded on its source (``m:sha256``), so a build says which bytes it read.

Where the documents folder is absent (a clone without ``../shared``), only the rules that need no
document apply; the build says so in its report and records ``m:sourcesVerified false`` on each source
with a file: "sources non vérifiées", never a silent pass.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path, PurePosixPath

from rdflib import Literal, URIRef

from .vocabulary import M, iri

__all__ = ["check_provenance", "normalise", "unsafe_path", "UNVERIFIED"]

UNVERIFIED = "sources non vérifiées"

_TYPOGRAPHY = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2039": '"', "\u203a": '"',
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ",
    "\u2010": "-", "\u2011": "-",
    "\u00ad": None, "\u200b": None, "\ufeff": None,
})
_SPACES = re.compile(r"\s+")
_QUOTE_SPACES = re.compile(r'"\s+|\s+"')


def normalise(text: str) -> str:
    """The words of a text, whatever the typography: ``« l’équipe… »`` ≡ ``"l'équipe..."``."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHY).replace("\u2026", "...")
    # « mot » and "mot" are the same quotation: the spaces French sets inside guillemets do not count
    return _QUOTE_SPACES.sub('"', _SPACES.sub(" ", text)).strip()


def unsafe_path(name: str) -> str | None:
    """Why ``name`` may not be a document path (None: it may): relative, forward slashes, no ``..``."""
    if not name.strip():
        return "chemin vide"
    if "\\" in name or "\x00" in name:
        return "caractère interdit dans le chemin (« \\ » ou caractère nul)"
    path = PurePosixPath(name)
    if path.is_absolute() or name.startswith("~") or re.match(r"^[A-Za-z]:", name):
        return "chemin absolu : le chemin est relatif au dossier des documents"
    if ".." in path.parts:
        return "« .. » : le chemin ne sort pas du dossier des documents"
    return None


def _inside(shared: Path, name: str) -> Path | None:
    """The document's real path when it stays inside ``shared`` (links followed), else None."""
    root = shared.resolve()
    target = (shared / name).resolve()
    return target if target == root or root in target.parents else None


def check_provenance(out, shared: Path | None) -> None:
    """Apply the provenance rules to a read registry (``RegistryGraph``); problems go to ``out``."""
    from .registry import Where

    verified = shared is not None and shared.is_dir()
    out.sources_verified = verified
    out.documents = shared
    texts: dict[str, str | None] = {}
    for key, (file, entry) in sorted(out.sources.items()):
        name = entry.get("file") if isinstance(entry, dict) else None
        if not name:
            continue
        where = Where(file, f"sources.{key}", "file")
        name = str(name)
        why = unsafe_path(name)
        if why:
            out.problem(where, "fichier-source-chemin", f"chemin de source refusé « {name} » : {why}")
            texts[key] = None
            continue
        node = URIRef(iri("source", key))
        if shared is None or not verified:
            out.add((node, M.sourcesVerified, Literal(False)))
            continue
        try:
            target = _inside(shared, name)
            raw = target.read_bytes() if target is not None and target.is_file() else None
        except (OSError, ValueError):  # a name too long for the file system, a loop of links
            target, raw = shared, None
        if target is None:
            out.problem(where, "fichier-source-chemin", f"chemin de source refusé « {name} » : un lien mène hors du dossier des documents")
            texts[key] = None
            continue
        if raw is None:
            out.problem(where, "fichier-source", f"fichier source introuvable : {name} (cherché dans le dossier des documents)")
            texts[key] = None
            continue
        out.add((node, M.sha256, Literal(hashlib.sha256(raw).hexdigest())))
        out.add((node, M.sourcesVerified, Literal(True)))
        texts[key] = normalise(raw.decode("utf-8", errors="replace"))
    for where, ref, excerpt in out.citations:
        text = texts.get(ref)
        if text is not None and normalise(excerpt) not in text:
            shown = excerpt if len(excerpt) <= 80 else excerpt[:77] + "…"
            out.problem(where, "extrait-introuvable",
                        f"extrait introuvable dans {out.sources[ref][1].get('file')} : « {shown} » (l'extrait reprend "
                        "les mots exacts de la source)")

