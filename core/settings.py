"""Every setting of Maillage, declared once: a field of :class:`Settings` with its type, default and help.

Each is read from ``MAILLAGE_<NAME>``; CLI options override. :data:`SETTINGS` (name, default, help) is
derived from the fields, for the README's table and for the upload sandbox's environment.

The folder of source documents is ``documents`` (``MAILLAGE_DOCUMENTS``): it was ``shared``, named after
the checkout's neighbour folder rather than for what it holds. ``MAILLAGE_SHARED`` is still read, with a
French warning, when ``MAILLAGE_DOCUMENTS`` is not set; it will not be after the next version
(decision 0118).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any, NamedTuple

from .errors import SettingInvalid

__all__ = ["Settings", "SETTINGS", "PROJECT_ROOT", "VERSION"]

log = logging.getLogger("maillage.settings")

#: The installed distribution's version (pyproject.toml), as the API and the feeds announce it.
VERSION = metadata.version("maillage")

#: The checkout: the registry, the npm data package and the source documents are found from here.
PROJECT_ROOT = Path(__file__).resolve().parents[1]

#: a setting's former name → its name, read for one more version (with a warning) from the environment
RENAMED = {"shared": "documents"}


def _setting(default: object, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    data_dir: Path = _setting(PROJECT_ROOT / "var", "Where builds are stored; `current` points at the live one.")
    registry: Path = _setting(PROJECT_ROOT / "registry", "Folder of registry files (YAML and CSV).")
    geography: Path = _setting(PROJECT_ROOT / "node_modules" / "@etalab" / "decoupage-administratif",
                               "The installed npm package @etalab/decoupage-administratif.")
    documents: Path = _setting(PROJECT_ROOT.parent / "shared",
                               "Folder of the source documents: the registry's `file:` sources and the national "
                               "files (`ingest/sources`) are relative to it.")
    mirror: Path = _setting(PROJECT_ROOT.parent / "shared" / "reference" / "national",
                            "Folder holding copies of the national files, by file name, that `maillage sources fetch` "
                            "copies (checksum checked) instead of downloading them from their address.")
    backend: str = _setting("embedded", "`embedded` (no server) or `neo4j`.")
    store_in_memory: str = _setting(
        "auto",
        "`auto`: the HTTP service copies the embedded store into memory at start (about 4 s, then queries "
        "2-3 times faster), one-shot commands read it on disk; `yes` or `no` to force.")
    neo4j_uri: str = _setting("bolt://127.0.0.1:7687", "Bolt URI of the Neo4j backend.")
    neo4j_user: str = _setting("neo4j", "Neo4j user name.")
    neo4j_password: str = _setting("", "Neo4j password (empty when authentication is off).")
    host: str = _setting("127.0.0.1", "Address the HTTP service listens on.")
    port: int = _setting(8000, "Port the HTTP service listens on.")
    api_token: str = _setting("", "Bearer token the write endpoints (/v1/admin) require; empty: writes are off.")
    max_body_kb: int = _setting(2048, "Largest request body the HTTP service reads (kB); larger ones get 413.")
    proposal_kb: int = _setting(16, "Largest proposed correction (POST /v1/proposals) in kB; larger ones get 413.")
    scenario_kb: int = _setting(64, "Largest what-if scenario (POST /v1/scenarios) in kB; larger ones get 413.")
    proposals_pending: int = _setting(200, "Proposals kept pending at most; beyond, new ones wait for the operator (503).")
    proposals_per_hour: int = _setting(10, "Proposals one client (its address) may send in an hour; beyond, 429.")
    proposals_per_hour_all: int = _setting(
        100, "Proposals all clients together may send in an hour, refused ones too; beyond, 429.")
    trusted_proxies: str = _setting(
        "", "Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the client; "
            "empty: the client is the socket's address, X-Forwarded-For is ignored.")
    validate_seconds: int = _setting(60, "CPU seconds an uploaded file's validation may use (its child process).")
    validate_memory_mb: int = _setting(1024, "Address space an uploaded file's validation may use (MB).")
    query_timeout: int = _setting(10, "Seconds a query to the public SPARQL or Cypher endpoint may run before it is stopped.")
    query_rows: int = _setting(10000, "Rows (or triples) a public SPARQL or Cypher endpoint answers at most; the rest is cut.")
    sparql_workers: int = _setting(2, "Worker processes of the SPARQL endpoint (a stuck one is killed and replaced).")
    cypher_workers: int = _setting(2, "Cypher queries the public endpoint runs at once (Neo4j backend).")
    query_queue: int = _setting(4, "Requests that may wait for a busy SPARQL worker or Cypher slot; beyond, 503 at once.")
    query_memory_mb: int = _setting(1024, "Address space a SPARQL worker process may use (MB); a query past it gets 503.")
    query_answer_mb: int = _setting(16, "Largest answer of /sparql or /cypher (MB); a larger one gets 413.")
    public_url: str = _setting("", "The service's public address (https://…): links it gives (a page's `next`, the feed's) "
                                   "start with it; empty: they are paths. Never taken from a request's Host header.")
    nearby_km: int = _setting(100, "Distance (km) beyond which a seat is no longer shown as near a commune in « à proximité »; "
                                   "the answer says so in French and names the nearest one farther away.")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Defaults, then ``MAILLAGE_*`` variables, then explicit ``overrides`` (CLI options)."""
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for f in fields(cls):
            variable = f"MAILLAGE_{f.name.upper()}"
            given = overrides.get(f.name)
            value = given if given is not None else os.environ.get(variable, _former(f.name))
            if value is not None:
                values[f.name] = _typed(f.type, value, variable)
        return cls(**values)

    def environment(self) -> dict[str, str]:
        """These settings as the ``MAILLAGE_*`` variables a child process reads back (:meth:`from_env`)."""
        return {f"MAILLAGE_{f.name.upper()}": str(getattr(self, f.name)) for f in fields(self)}


def _former(name: str) -> str | None:
    """The value of a setting's former variable, with a warning in French; None when it is not set."""
    old = next((o for o, new in RENAMED.items() if new == name), None)
    text = os.environ.get(f"MAILLAGE_{old.upper()}") if old else None
    if text is None or old is None:
        return None
    old_var, new_var = f"MAILLAGE_{old.upper()}", f"MAILLAGE_{name.upper()}"
    if new_var in os.environ:
        log.warning("%s est ignorée : %s est définie (l'ancien nom n'est plus lu quand le nouveau l'est).", old_var, new_var)
        return None
    log.warning("%s est renommée %s (le dossier des documents sources) : elle est encore lue dans cette version, "
                "plus dans la suivante. Renommez-la.", old_var, new_var)
    return text


def _typed(kind: object, value: object, variable: str) -> object:
    if kind in ("Path", Path):
        return Path(str(value))
    if kind in ("int", int):
        try:
            return int(str(value))
        except ValueError:
            raise SettingInvalid(f"Réglage {variable} : « {value} » n'est pas un nombre entier.") from None
    return str(value)


class Setting(NamedTuple):
    name: str
    default: str
    help: str


#: every setting as the README documents it: name, default, help
SETTINGS = tuple(Setting(f.name, str(f.default), f.metadata["help"]) for f in fields(Settings))
