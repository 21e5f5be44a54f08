"""An accepted proposal survives anything: journaled before the registry changes, then completed or
rolled back after a crash, so that no build publishes a change whose proposal is not accepted.

An accept (``POST /v1/proposals/{id}/accept``) holds the data folder's build lock and goes through
named steps; a crash at any of them leaves a state that :func:`recover` puts right:

1. ``journaled``: the registry file's bytes as they are (``proposals/accepting.original``), then the
   journal (``proposals/accepting.json``: the proposal's id, the file's name, the SHA-256 of its
   bytes before and after, the diff, the time of the decision) are written, each atomically. The
   journal is the commit point: a kept copy without a journal is removed.
2. ``written``: the registry file holds the proposal's change.
3. ``built`` then ``published``: the build of ``maillage build`` makes its store, then makes it live;
   the live build's ``build.json`` records the file's SHA-256.
4. ``decided``: the proposal is moved to ``decided/`` as accepted, with the build.
5. The journal and the copy are removed.

:func:`recover` runs under the build lock at the service's start, before every build (the CLI's and
the API's) and before every decision, that is before anything reads the registry to publish it. With
a journal: if the live build holds the file as the proposal writes it, the accept is completed (the
proposal accepted, with that build); else it is rolled back (the file holding the proposal's change
is written back byte for byte; the proposal stays pending, the operator may accept it again). A file
that holds neither was changed by hand since: it is left as it is, and that is said. A file holding the
change without the copy of before (removed by hand) stops every build (:class:`AcceptUnrecoverable`)
until the operator puts it back.

``MAILLAGE_STOP_AT=<step>`` makes the process kill itself (SIGKILL) when it reaches ``<step>``: the
tests stop real accepts at each step that way. Nothing else reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
from pathlib import Path

from core.atomic import write_atomic
from core.errors import AcceptUnrecoverable, NotFound
from core.registry_files import registry_path
from store.builds import build_info, current_build

from .pending import ACCEPTED, Pending

__all__ = ["STEPS", "Journal", "recover", "stop_at"]

#: the steps of an accept, in order, at which ``MAILLAGE_STOP_AT`` may stop it
STEPS = ("journaled", "written", "built", "published", "decided")


def stop_at(step: str) -> None:
    """Kill this process if ``MAILLAGE_STOP_AT`` names ``step`` (a test's way to crash there)."""
    if os.environ.get("MAILLAGE_STOP_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Journal:
    """The accept in progress in a data folder: at most one (the build lock is held)."""

    def __init__(self, data_dir: Path):
        self.folder = data_dir / "proposals"
        self.path = self.folder / "accepting.json"
        self.original = self.folder / "accepting.original"

    def begin(self, ident: str, file: str, before: bytes, after: bytes, diff: str) -> None:
        """Keep ``before`` and the decision, before ``file`` changes (step ``journaled``)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.original, before)
        entry = {"id": ident, "file": file, "before": _digest(before), "after": _digest(after), "diff": diff,
                 "decided": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        write_atomic(self.path, json.dumps(entry, ensure_ascii=False, indent=1).encode())
        stop_at("journaled")

    def read(self) -> dict | None:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)  # first: a copy without its journal means nothing
        self.original.unlink(missing_ok=True)


def _published(data_dir: Path, file: str, digest: str) -> str | None:
    """The live build's name if it holds ``file`` with SHA-256 ``digest``."""
    live = current_build(data_dir)
    if live is not None and build_info(live).get("registry_files", {}).get(file) == digest:
        return live.name
    return None


def recover(data_dir: Path, registry: Path, limit: int = 0) -> str | None:
    """Complete or roll back an interrupted accept (the caller holds the build lock); what was done, in
    French, or None when no accept was interrupted."""
    journal = Journal(data_dir)
    entry = journal.read()
    if entry is None:
        journal.original.unlink(missing_ok=True)  # killed before its journal was written: nothing changed
        return None
    ident, file = entry["id"], entry["file"]
    store = Pending(data_dir, limit)
    build = _published(data_dir, file, entry["after"])
    if build is not None:
        try:
            record = store.get(ident)
        except NotFound:
            record = None  # removed by hand since: nothing left to mark
        if record is not None and record["state"] != ACCEPTED:
            store.decide(record, ACCEPTED, build=build, diff=entry["diff"])
        journal.clear()
        return f"Acceptation interrompue de la proposition {ident} achevée : elle est publiée dans la construction {build}."
    path = registry_path(registry, file, kinds=("yaml",), must_exist=False)
    now = _digest(path.read_bytes()) if path.is_file() else None
    kept = journal.original.read_bytes() if journal.original.is_file() else b""
    if now == entry["after"] and _digest(kept) == entry["before"]:
        write_atomic(path, kept)
        said = f"« {file} » remis tel qu'il était"
    elif now == entry["before"]:
        said = f"« {file} » n'avait pas changé"
    elif now == entry["after"]:
        raise AcceptUnrecoverable(f"Acceptation interrompue de la proposition {ident} : « {file} » contient la proposition "
                                  "mais la copie d'avant manque. Remettez le fichier tel qu'il était (ou acceptez la "
                                  "proposition à nouveau), puis supprimez proposals/accepting.json.")
    else:
        said = f"« {file} » a été modifié depuis, à la main : laissé tel quel"
    journal.clear()
    return f"Acceptation interrompue de la proposition {ident} annulée ({said}) ; elle reste en attente."
