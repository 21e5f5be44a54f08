"""Proposed corrections: anyone proposes, the operator decides; nothing proposed is published before.

``POST /v1/proposals`` needs no token. A proposal (its JSON shape: docs/decisions/0061-proposed-corrections.md)
is counted before anything else, refused ones too, per client (``proposals_per_hour``, the client's
address from the socket: ``api/rate.py``) and for all clients together (``proposals_per_hour_all``);
it must be sent as ``application/json`` (a page of another site can then only send it after a CORS
preflight, which is refused: ``api/caching.py``), is bounded in size (``proposal_kb``), refused if any
of its texts holds personal data, applied to a copy of its registry file (named by a plain file name:
``core.registry_files``) and validated by the rules of a build in a limited child process
with its own temporary folders (``api/sandbox.py``). A valid one is stored pending in the data folder
(``ingest/pending.py``), at most ``proposals_pending`` of them; a refused one leaves nothing behind.
With the operator's token, ``accept`` writes it into the registry file and runs a build, journaled so
that a crash at any step is completed or rolled back (``ingest/accepting.py``); ``refuse`` records why
and leaves the registry untouched.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from core.atomic import write_atomic
from core.dates import DATE_FORM
from core.errors import NotJson, PersonalData, ProposalInvalid, ProposalProblems, ProposalTooLarge
from core.registry_files import NAME_LENGTH, registry_name, registry_path
from ingest.accepting import Journal, recover, stop_at
from ingest.pending import ACCEPTED, PENDING, REFUSED, STATE_LABELS, Pending, new_id
from ingest.proposal import apply_proposal, find_personal_data
from store.builds import build_lock

from .admin import rebuild, require_token, writing
from .limits import IDENT
from .models import WRITE_ERRORS, ErrorBody, Rebuilt, Responses, Validation
from .rate import SlidingWindow, client_address
from .sandbox import check_upload
from .service import Service, service

__all__ = ["router", "ProposalIn", "Proposal", "recover_accept"]

router = APIRouter(prefix="/v1/proposals", tags=["propositions de correction"])

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
DATE = rf"^{DATE_FORM}$"
TEXT = 2000  #: an excerpt, a note, a reason
Value = str | int | bool | None | list[str | int]


class ProposedSource(BaseModel):
    """A source of the file (``ref``), or a new document: title, address, date (or the day it was read)."""

    model_config = ConfigDict(extra="forbid")
    ref: str | None = Field(None, max_length=IDENT, pattern=CODE, description="Clé d'une source du fichier")
    title: str | None = Field(None, max_length=400, description="Titre du document")
    url: str | None = Field(None, max_length=500, pattern=r"^https?://[^\s]+$", description="Adresse du document")
    date: str | None = Field(None, pattern=DATE, description="Date du document, AAAA-MM-JJ")
    retrieved: str | None = Field(None, pattern=DATE, description="Jour où la page a été lue, AAAA-MM-JJ")


class ProposalIn(BaseModel):
    """A proposed change to one registry file, with its source and the excerpt that says it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    kind: Literal["correction", "source", "instance"] = Field(
        description="correction : des champs d'un enregistrement existant ; source : une source plus récente d'un "
                    "enregistrement ; instance : un nouveau dispositif")
    file: str | None = Field(None, max_length=NAME_LENGTH,
                             description="Fichier du registre (31.yaml : un nom simple, sans dossier) ; trouvé d'après le "
                                         "dispositif sinon")
    instance: str | None = Field(None, max_length=IDENT, pattern=CODE, description="Identifiant du dispositif")
    record: str | None = Field(None, max_length=20, description="coverage[0], status[-1], roles[1] ; vide : le dispositif")
    values: dict[str, Value] | None = Field(None, alias="set", max_length=20,
                                            description="Champ → nouvelle valeur (null : retirer le champ)")
    entry: dict[str, Any] | None = Field(None, description="Le nouveau dispositif, au format du registre")
    source: ProposedSource
    excerpt: str | None = Field(None, min_length=1, max_length=TEXT, description="Les mots exacts de la source")
    paraphrase: str | None = Field(None, min_length=1, max_length=TEXT,
                                   description="Ce que dit la source, en français, quand ses mots manquent")
    comment: str | None = Field(None, max_length=TEXT, description="Un mot pour l'opérateur")


class Proposal(BaseModel):
    id: str
    state: Literal["pending", "accepted", "refused"]
    state_label: str = Field(description="En français : en attente, acceptée, refusée")
    created: str
    file: str
    proposal: ProposalIn
    report: Validation
    diff: str = Field(description="Le changement du fichier du registre (diff unifié)")
    decided: str | None = None
    reason: str | None = Field(None, description="Pourquoi elle a été refusée")
    build: str | None = Field(None, description="La construction publiée à son acceptation")


class ProposalList(BaseModel):
    state: str
    count: int
    items: list[Proposal]


class Accepted(BaseModel):
    proposal: Proposal
    build: Rebuilt


class Refusal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=TEXT, description="Pourquoi, en français")


ERRORS: Responses = {413: {"model": ErrorBody, "description": "Proposition trop grande"},
          422: {"model": ErrorBody, "description": "Proposition invalide (le rapport : problems)"},
          415: {"model": ErrorBody, "description": "Proposition envoyée autrement qu'en JSON"},
          429: {"model": ErrorBody, "description": "Trop de propositions de cette adresse, ou de toutes"},
          503: {"model": ErrorBody, "description": "Trop de propositions en attente"}}


def _store(svc: Service) -> Pending:
    return Pending(svc.settings.data_dir, svc.settings.proposals_pending)


def _count(request: Request, svc: Service) -> None:
    """Count one proposal, whatever becomes of it, against its client's bound and everyone's (429)."""
    state = request.app.state
    if not hasattr(state, "proposal_rates"):  # on the event loop: made once
        state.proposal_rates = (SlidingWindow(svc.settings.proposals_per_hour),
                                SlidingWindow(svc.settings.proposals_per_hour_all, whose="pour tout le service"))
    each, every = state.proposal_rates
    peer = request.client.host if request.client else None
    each.hit(client_address(peer, request.headers.getlist("x-forwarded-for"), state.trusted_proxies), "propositions")
    every.hit("*", "propositions")


def _json_only(request: Request) -> None:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        raise NotJson("Proposition refusée : elle s'envoie en JSON (en-tête « Content-Type: application/json »).")


def _check(proposal: dict) -> None:
    if proposal.get("file") is not None:
        registry_name(proposal["file"], kinds=("yaml",))
    if proposal["kind"] == "instance" and not (proposal.get("entry") and proposal.get("file")):
        raise ProposalInvalid("Un nouveau dispositif donne « file » (31.yaml…) et « entry » (le dispositif).")
    if proposal["kind"] != "instance" and not proposal.get("instance"):
        raise ProposalInvalid("Une correction ou une source nomme le dispositif (« instance »).")
    if not (proposal.get("excerpt") or proposal.get("paraphrase")):
        raise ProposalInvalid("Une proposition cite sa source : « excerpt » (ses mots exacts) ou « paraphrase ».")
    source = proposal["source"]
    if not source.get("ref") and not source.get("title"):
        raise ProposalInvalid("La source : « ref » (une source du fichier) ou un titre, une adresse et une date.")
    found = find_personal_data(proposal)
    if found:
        raise PersonalData(f"Proposition refusée, rien n'est enregistré : {found}")


def _propose(svc: Service, proposal: dict) -> dict:
    _check(proposal)
    store = _store(svc)
    store.room()  # before the costly validation
    ident = new_id()
    applied = apply_proposal(svc.settings.registry, proposal, ident)
    problems = check_upload(svc.settings, applied.file, applied.after.encode())
    if problems:
        raise ProposalProblems(problems)
    record = {"id": ident, "state": PENDING, "state_label": STATE_LABELS[PENDING],
              "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "file": applied.file,
              "proposal": proposal, "diff": applied.diff,
              "report": {"valid": True, "file": applied.file, "problems": [],
                         "message": "Proposition valide selon les règles du registre : en attente de l'opérateur, "
                                    "rien n'est publié avant son acceptation."}}
    store.add(record)
    return record


@router.post("", status_code=201, response_model=Proposal, responses=ERRORS, summary="Proposer une correction (sans jeton)",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"$ref": "#/components/schemas/ProposalIn"}}}}})
async def post_proposal(request: Request, svc: Service = Depends(service)):
    """Une correction d'un fichier du registre, avec sa source et son extrait, envoyée en JSON : validée tout de
    suite par les règles d'une construction (le rapport est rendu ; 422 s'il y a des problèmes, rien n'est
    gardé), puis gardée en attente de l'opérateur. Rien n'est publié avant son acceptation. Refusée si elle
    contient une donnée personnelle (téléphone, courriel d'une personne, « Dr/Mme/M. Nom »)."""
    _count(request, svc)
    _json_only(request)
    limit = svc.settings.proposal_kb * 1024
    declared = request.headers.get("content-length", "")
    too_large = ProposalTooLarge(f"Proposition trop grande : {svc.settings.proposal_kb} ko au plus (MAILLAGE_PROPOSAL_KB).")
    if declared.isdigit() and int(declared) > limit:
        raise too_large  # from the header, before reading
    body = await request.body()
    if len(body) > limit:
        raise too_large  # sent in chunks without a length
    try:
        proposal = ProposalIn.model_validate_json(body)
    except ValidationError as err:
        raise RequestValidationError(err.errors()) from None
    return await run_in_threadpool(_propose, svc, proposal.model_dump(by_alias=True, exclude_none=True))


@router.get("", response_model=ProposalList, summary="Les propositions en attente (ou décidées)")
def get_proposals(state: Literal["pending", "accepted", "refused"] = Query(PENDING, description="pending, accepted, refused"),
                  limit: int = Query(100, ge=1, le=500), svc: Service = Depends(service)):
    """Les plus récentes d'abord. Publiques : une proposition ne contient aucune donnée personnelle."""
    items = _store(svc).listed(state, limit)
    return {"state": state, "count": len(items), "items": items}


@router.get("/{ident}", response_model=Proposal, responses={404: {"model": ErrorBody}}, summary="Une proposition")
def get_proposal(ident: str = Path(max_length=IDENT), svc: Service = Depends(service)):
    return _store(svc).get(ident)


def recover_accept(svc: Service) -> str | None:
    """Complete or roll back an accept a crash interrupted (the caller holds the build lock); what was
    done, in French."""
    return recover(svc.settings.data_dir, svc.settings.registry, svc.settings.proposals_pending)


@router.post("/{ident}/accept", response_model=Accepted, responses=WRITE_ERRORS, dependencies=[Depends(require_token)],
             summary="Accepter une proposition : le registre change, une construction est publiée (jeton requis)")
def accept(ident: str = Path(max_length=IDENT), svc: Service = Depends(service)):
    """La proposition est réappliquée au fichier du registre tel qu'il est, puis le graphe est reconstruit et
    publié ; si la construction échoue (422, le rapport), le fichier est remis tel qu'il était. La décision
    et le fichier d'avant sont gardés avant qu'il change : un arrêt brutal à n'importe quelle étape est
    achevé ou annulé au redémarrage, ou avant la construction suivante."""
    store = _store(svc)
    with writing(svc), build_lock(svc.settings.data_dir):
        recover_accept(svc)
        record = store.pending(ident)
        applied = apply_proposal(svc.settings.registry, record["proposal"], ident)
        path = registry_path(svc.settings.registry, applied.file, kinds=("yaml",))
        after = applied.after.encode()
        Journal(svc.settings.data_dir).begin(ident, applied.file, path.read_bytes(), after, applied.diff)
        write_atomic(path, after)
        stop_at("written")
        try:
            built = rebuild(svc, lock_held=True)
        except BaseException:
            recover_accept(svc)  # published already (a later step failed): accepted; else the file put back
            raise
        stop_at("published")
        decided = store.decide(record, ACCEPTED, build=built.build, diff=applied.diff)
        stop_at("decided")
        Journal(svc.settings.data_dir).clear()
    return {"proposal": decided, "build": built}


@router.post("/{ident}/refuse", response_model=Proposal, responses=WRITE_ERRORS, dependencies=[Depends(require_token)],
             summary="Refuser une proposition, avec la raison (jeton requis) ; le registre ne change pas")
def refuse(ident: str = Path(max_length=IDENT), refusal: Refusal = Body(), svc: Service = Depends(service)):
    found = find_personal_data(refusal.reason, "raison")
    if found:
        raise PersonalData(f"Raison refusée : {found}")
    store = _store(svc)
    # Not while an acceptance runs; an interrupted one is settled first, so that a refused proposal's
    # text never stays in the registry.
    with writing(svc), build_lock(svc.settings.data_dir):
        recover_accept(svc)
        return store.decide(store.pending(ident), REFUSED, reason=refusal.reason)
