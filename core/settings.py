"""Every setting of Maillage in one table: name, default, help. Each is read from ``MAILLAGE_<NAME>``."""

from __future__ import annotations

import os
from importlib import metadata
from dataclasses import dataclass, fields
from pathlib import Path

__all__ = ["Settings", "SETTINGS", "PROJECT_ROOT", "VERSION"]

#: The installed distribution's version (pyproject.toml), as the API and the feeds announce it.
VERSION = metadata.version("maillage")

#: The checkout: the registry, the npm data package and the shared documents are found from here.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("data_dir", str(PROJECT_ROOT / "var"), "Where builds are stored; `current` points at the live one."),
    Setting("registry", str(PROJECT_ROOT / "registry"), "Folder of registry files (YAML and CSV)."),
    Setting(
        "geography",
        str(PROJECT_ROOT / "node_modules" / "@etalab" / "decoupage-administratif"),
        "The installed npm package @etalab/decoupage-administratif.",
    ),
    Setting("shared", str(PROJECT_ROOT.parent / "shared"), "Folder the registry's `file:` sources are relative to."),
    Setting("backend", "embedded", "`embedded` (no server) or `neo4j`."),
    Setting(
        "store_in_memory",
        "auto",
        "`auto`: the HTTP service copies the embedded store into memory at start (about 4 s, then queries "
        "2-3 times faster), one-shot commands read it on disk; `yes` or `no` to force.",
    ),
    Setting("neo4j_uri", "bolt://127.0.0.1:7687", "Bolt URI of the Neo4j backend."),
    Setting("neo4j_user", "neo4j", "Neo4j user name."),
    Setting("neo4j_password", "", "Neo4j password (empty when authentication is off)."),
    Setting("host", "127.0.0.1", "Address the HTTP service listens on."),
    Setting("port", "8000", "Port the HTTP service listens on."),
    Setting("api_token", "", "Bearer token the write endpoints (/v1/admin) require; empty: writes are off."),
    Setting("max_body_kb", "2048", "Largest request body the HTTP service reads (kB); larger ones get 413."),
    Setting("proposal_kb", "16", "Largest proposed correction (POST /v1/proposals) in kB; larger ones get 413."),
    Setting("proposals_pending", "200", "Proposals kept pending at most; beyond, new ones wait for the operator (503)."),
    Setting("proposals_per_hour", "10", "Proposals one client (its address) may send in an hour; beyond, 429."),
    Setting("validate_seconds", "60", "CPU seconds an uploaded file's validation may use (its child process)."),
    Setting("validate_memory_mb", "1024", "Address space an uploaded file's validation may use (MB)."),
    Setting("query_timeout", "10", "Seconds a query to the public SPARQL or Cypher endpoint may run before it is stopped."),
    Setting("query_rows", "10000", "Rows (or triples) a public SPARQL or Cypher endpoint answers at most; the rest is cut."),
    Setting("sparql_workers", "2", "Worker processes of the SPARQL endpoint (a stuck one is killed and replaced)."),
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    registry: Path
    geography: Path
    shared: Path
    backend: str
    store_in_memory: str
    neo4j_uri: str
    neo4j_user: str
    neo4j_password: str
    host: str
    port: int
    api_token: str
    max_body_kb: int
    proposal_kb: int
    proposals_pending: int
    proposals_per_hour: int
    validate_seconds: int
    validate_memory_mb: int
    query_timeout: int
    query_rows: int
    sparql_workers: int

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        """Defaults, then ``MAILLAGE_*`` variables, then explicit ``overrides`` (CLI options)."""
        values: dict[str, object] = {s.name: os.environ.get(f"MAILLAGE_{s.name.upper()}", s.default) for s in SETTINGS}
        values.update({k: v for k, v in overrides.items() if v is not None})
        for f in fields(cls):
            if f.type == "Path":
                values[f.name] = Path(str(values[f.name]))
            elif f.type == "int":
                values[f.name] = int(str(values[f.name]))
        return cls(**values)  # type: ignore[arg-type]
