"""The proposals on disk: one JSON file each, under the data folder, never in the registry.

``<data_dir>/proposals/pending/<id>.json`` while the operator has not decided, then moved to
``decided/`` with the decision. Every write is atomic (``core.atomic``): a crash leaves the
old file or the new one, never half of one. What is stored is what the proposal says and its report;
nothing about who sent it.
"""

from __future__ import annotations

import json
import re
import secrets
import datetime as dt
from pathlib import Path

from core.atomic import write_atomic
from core.errors import AlreadyDecided, NotFound, ProposalsFull

__all__ = ["PENDING", "ACCEPTED", "REFUSED", "STATE_LABELS", "Pending", "new_id"]

PENDING, ACCEPTED, REFUSED = "pending", "accepted", "refused"
STATE_LABELS = {PENDING: "en attente", ACCEPTED: "acceptée", REFUSED: "refusée"}
#: an id as :func:`new_id` makes it: a day and random hex; anything else is not looked up
ID = re.compile(r"\d{8}-[0-9a-f]{10}")


def new_id() -> str:
    return f"{dt.date.today():%Y%m%d}-{secrets.token_hex(5)}"


class Pending:
    def __init__(self, data_dir: Path, limit: int):
        self.root = data_dir / "proposals"
        self.limit = limit

    def _folder(self, name: str, make: bool = False) -> Path:
        """A folder of the store; made only to write in it (a refused proposal leaves nothing behind)."""
        folder = self.root / name
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        return folder

    def count(self) -> int:
        return sum(1 for _ in self._folder(PENDING).glob("*.json"))

    def room(self) -> None:
        """:class:`ProposalsFull` when ``limit`` proposals are pending already."""
        if self.count() >= self.limit:
            raise ProposalsFull(f"Déjà {self.limit} propositions en attente de l'opérateur : réessayez quand il les "
                                "aura lues.")

    def add(self, record: dict) -> None:
        self.room()
        write_atomic(self._folder(PENDING, make=True) / f"{record['id']}.json", _dump(record))

    def get(self, ident: str) -> dict:
        if ID.fullmatch(ident):
            for name in (PENDING, "decided"):
                path = self._folder(name) / f"{ident}.json"
                if path.is_file():
                    return json.loads(path.read_text(encoding="utf-8"))
        raise NotFound(f"Proposition « {ident} » inconnue : voir /v1/proposals.")

    def pending(self, ident: str) -> dict:
        record = self.get(ident)
        if record["state"] != PENDING:
            raise AlreadyDecided(f"La proposition « {ident} » est déjà {STATE_LABELS[record['state']]} "
                                 f"(le {record['decided']}).")
        return record

    def decide(self, record: dict, state: str, **fields) -> dict:
        """Record the operator's decision: the proposal leaves the pending folder."""
        record = dict(record, state=state, state_label=STATE_LABELS[state],
                      decided=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **fields)
        write_atomic(self._folder("decided", make=True) / f"{record['id']}.json", _dump(record))
        (self._folder(PENDING) / f"{record['id']}.json").unlink(missing_ok=True)
        return record

    def listed(self, state: str, limit: int) -> list[dict]:
        """The proposals in ``state``, newest first."""
        folder = self._folder(PENDING if state == PENDING else "decided")
        found = []
        for path in folder.glob("*.json"):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # decided meanwhile (moved) or being written: not listed this time
            if record.get("state") == state:
                found.append(record)
        found.sort(key=lambda r: (r["created"], r["id"]), reverse=True)
        return found[:limit]


def _dump(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=1, default=str).encode()
