"""The ``maillage`` command: build the graph, ask it questions, serve it.

Each command parses its options, builds the settings and calls one library function; errors Maillage
raises on purpose are printed in French with no traceback (set MAILLAGE_DEBUG=1 to see one).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click

from core import jsonable
from cli import render
from core.collector import tuned_for_a_build
from core.errors import MaillageError, PlaceCandidate
from core.settings import Settings

__all__ = ["main", "cli"]


def _progress(text: str) -> None:
    click.echo(text, err=True)


@contextmanager
def _backend(settings: Settings):
    from store.session import open_backend

    backend = open_backend(settings)
    try:
        yield backend
    finally:
        backend.close()


def _show(settings: Settings, ask, as_json: bool, line) -> None:
    """Ask the backend for a list, print it as JSON or one line per item."""
    with _backend(settings) as backend:
        found = ask(backend)
    click.echo(jsonable.dumps(found) if as_json else "\n".join(line(item) for item in found))


@click.group(help="Maillage : qui couvre quel territoire, pour qui, dans la coordination sanitaire et sociale.")
@click.option("--backend", type=click.Choice(["embedded", "neo4j"]), default=None,
              help="Magasin interrogé (défaut : MAILLAGE_BACKEND ou embedded).")
@click.option("--data-dir", type=click.Path(file_okay=False), default=None, help="Dossier des constructions.")
@click.option("--registry", type=click.Path(file_okay=False), default=None, help="Dossier du registre.")
@click.pass_context
def cli(ctx: click.Context, backend: str | None, data_dir: str | None, registry: str | None) -> None:
    ctx.obj = Settings.from_env(backend=backend, data_dir=data_dir, registry=registry)


@cli.command(help="Lit les sources, valide (SHACL) et publie un nouveau graphe ; l'ancien reste en service en cas d'échec.")
@click.option("--accept-shrink", is_flag=True,
              help="Publier même si le registre lu compte plus d'un dixième de dispositifs ou de couvertures en moins "
                   "que le graphe en service.")
@click.pass_obj
def build(settings: Settings, accept_shrink: bool = False) -> None:
    from ingest.build import build as run_build

    with tuned_for_a_build():  # this process builds (core.collector)
        run_build(settings, progress=_progress, accept_shrink=accept_shrink)


@cli.command(help="Valide le registre sans rien publier.")
@click.pass_obj
def check(settings: Settings) -> None:
    from ingest.build import check as run_check

    with tuned_for_a_build():
        run_check(settings, progress=_progress)
    click.echo("Registre valide.")


@cli.command("who-covers", help="Qui couvre une commune (nom, code INSEE, code postal, arrondissement municipal, commune "
                                 "déléguée ou ancien code ; ou --lat/--lon) pour ces âges, ce public, à cette date ?")
@click.argument("place", required=False)
@click.option("--age", "ages", default=None, help="Tranche d'âges, par exemple 0-12 (défaut : tous âges).")
@click.option("--public", "publics", multiple=True, help="Public, par exemple enfants, personnes-sans-domicile ; répétable.")
@click.option("--type", "types", multiple=True, help="Type de dispositif, par exemple DAC ; répétable.")
@click.option("--on", "on", default=None, help="Date AAAA-MM-JJ (défaut : aujourd'hui).")
@click.option("--details", is_flag=True, help="Chaque extrait de source et chaque note.")
@click.option("--lat", type=float, default=None, help="Latitude d'un point (WGS 84), avec --lon, au lieu d'une commune.")
@click.option("--lon", type=float, default=None, help="Longitude d'un point (WGS 84).")
@click.option("--json", "as_json", is_flag=True, help="Réponse en JSON (la couverture seule ; les sièges : `maillage nearby`).")
@click.option("--nearby/--no-nearby", default=True, help="Ajouter la section « à proximité » (sièges des fichiers nationaux).")
@click.pass_obj
def who_covers(settings: Settings, place: str | None, ages: str | None, publics: tuple[str, ...], types: tuple[str, ...],
               on: str | None, details: bool, lat: float | None, lon: float | None, as_json: bool, nearby: bool) -> None:
    from core.errors import InvalidQuery, OutlinesMissing
    from queries.coverage import who_covers as ask
    from queries.places import resolve_point
    from queries.seats import nearby as ask_nearby

    with _backend(settings) as backend:
        where: str | PlaceCandidate
        if lat is not None and lon is not None:
            where = resolve_point(backend, settings.data_dir, lat, lon)
        elif place is None:
            raise InvalidQuery("Indiquez une commune, ou bien --lat et --lon.")
        else:
            where = place
        answer = ask(backend, where, ages=ages, public=publics, on=on, type=types)
        if as_json:
            click.echo(jsonable.dumps(answer))
            return
        text = render.coverage_text(answer, details)
        if nearby:
            try:
                text += "\n" + render.nearby_text(ask_nearby(backend, answer.commune.code, max_km=settings.nearby_km))
            except OutlinesMissing as err:
                text += f"\nÀ proximité : {err}\n"
    click.echo(text.rstrip("\n"))


@cli.command(help="Les sièges les plus proches d'une commune, par type (FINESS, France services) : où les structures sont, pas ce qu'elles couvrent.")
@click.argument("place")
@click.option("--type", "type_", default=None, help="Type de dispositif, par exemple FS, LHSS.")
@click.option("--count", default=3, show_default=True, type=click.IntRange(1, 50), help="Sièges par type.")
@click.option("--json", "as_json", is_flag=True, help="Réponse en JSON.")
@click.pass_obj
def nearby(settings: Settings, place: str, type_: str | None, count: int, as_json: bool) -> None:
    from queries.seats import nearby as ask

    with _backend(settings) as backend:
        answer = ask(backend, place, type=type_, count=count, max_km=settings.nearby_km)
    click.echo(jsonable.dumps(answer) if as_json else render.nearby_text(answer).rstrip("\n"))


@cli.command(help="Les territoires qui contiennent une commune : EPCI, territoires de projet, département, région.")
@click.argument("place")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def territories(settings: Settings, place: str, as_json: bool) -> None:
    from queries.territories import territories_of

    _show(settings, lambda b: territories_of(b, place), as_json, lambda t: f"{t.level:<12} {t.id:<14} {t.name}")


@cli.command(help="Les dispositifs qui couvrent au moins une commune d'un territoire (departement:48, epci:…, territoire:…, ou une commune).")
@click.argument("territory")
@click.option("--type", "type_", default=None, help="Type de dispositif, par exemple CPTS.")
@click.option("--on", "on", default=None, help="Date AAAA-MM-JJ (défaut : aujourd'hui).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def instances(settings: Settings, territory: str, type_: str | None, on: str | None, as_json: bool) -> None:
    from queries.instances import InstanceList, instances_answers, list_instances

    from .render import answers_lines, instance_line

    with _backend(settings) as backend:
        found = list_instances(backend, type=type_, territory=territory, on=on)
        answer = InstanceList(found, instances_answers(backend, territory, type_, found, on))
    if as_json:
        click.echo(jsonable.dumps(answer))
        return
    click.echo("\n".join([instance_line(i) for i in found] + answers_lines(answer.answers)))


@cli.command(help="Ce que le registre sait de la France : par type et par département, les dispositifs connus, "
                  "les communes couvertes, les recensements et inventaires, et le chiffre national d'une source.")
@click.option("--type", "type_", default=None, help="Un seul type de dispositif, par exemple CPTS.")
@click.option("--on", "on", default=None, help="Date AAAA-MM-JJ (défaut : aujourd'hui).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def knowledge(settings: Settings, type_: str | None, on: str | None, as_json: bool) -> None:
    from queries.france import knowledge_of_france

    from .render_france import knowledge_lines

    with _backend(settings) as backend:
        answer = knowledge_of_france(backend, type=type_, on=on)
    click.echo(jsonable.dumps(answer) if as_json else "\n".join(knowledge_lines(answer)))


@cli.command(help="Les acteurs d'un dispositif et leurs rôles.")
@click.argument("instance")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def actors(settings: Settings, instance: str, as_json: bool) -> None:
    from queries.actors import instance_actors

    from .render import role_line

    _show(settings, lambda b: instance_actors(b, instance), as_json,
          lambda a: role_line(a.role_label, a.name or f"{a.function} (fonction)", a.when, a.held, "verified"))


def _answer(as_json: bool, as_csv: bool, answer, rows, text) -> None:
    """Print an analysis as JSON, CSV (``rows``) or text."""
    from core.tabular import to_csv

    if as_json:
        click.echo(jsonable.dumps(answer))
    elif as_csv:
        click.echo(to_csv(rows()), nl=False)
    else:
        click.echo(text(answer))


def _analysis_options(command):
    command = click.option("--csv", "as_csv", is_flag=True, help="Réponse en CSV.")(command)
    command = click.option("--json", "as_json", is_flag=True, help="Réponse en JSON.")(command)
    return click.argument("territory", required=False)(command)


@cli.command(help="Dispositifs qui se chevauchent (mêmes fonctions, territoire × âges × publics × période communs) "
                  "dans un territoire (departement:31, territoire:comminges…, défaut : la France).")
@click.option("--on", "on", default=None, help="Seulement ceux qui coexistent à cette date AAAA-MM-JJ.")
@click.option("--type", "type_", default=None, help="Seulement les paires dont un dispositif est de ce type (CPTS…).")
@_analysis_options
@click.pass_obj
def overlaps(settings: Settings, territory: str | None, on: str | None, type_: str | None, as_json: bool,
             as_csv: bool) -> None:
    from analysis.ask import overlaps_in
    from cli.render_analysis import overlaps_text

    _progress("Analyse des chevauchements…")
    with _backend(settings) as backend:
        answer = overlaps_in(backend, territory, on, type_)
    _answer(as_json, as_csv, answer, lambda: answer.overlaps, overlaps_text)


@cli.command(help="Communes couvertes, en lacune ou inconnues pour les types attendus (ou --type), par département.")
@click.option("--type", "type_", default=None, help="Type de dispositif (défaut : les types attendus par l'ontologie).")
@click.option("--age", "ages", default=None, help="Tranche d'âges, par exemple 0-12.")
@click.option("--public", default=None, help="Public, par exemple enfants.")
@click.option("--on", "on", default=None, help="Date AAAA-MM-JJ (défaut : aujourd'hui).")
@_analysis_options
@click.pass_obj
def gaps(settings: Settings, territory: str | None, type_: str | None, ages: str | None, public: str | None,
         on: str | None, as_json: bool, as_csv: bool) -> None:
    from analysis.ask import gap_rows, gaps_in
    from cli.render_analysis import gaps_text

    _progress("Analyse des lacunes de couverture…")
    with _backend(settings) as backend:
        answer = gaps_in(backend, territory, type_, ages, public, on)
        rows = gap_rows(backend, answer) if not as_json else []
    _answer(as_json, as_csv, answer, lambda: rows, lambda found: gaps_text(found, rows))


@cli.command(help="Réseau des acteurs d'un territoire : intermédiarité, courtiers entre secteurs, communautés, redondances.")
@click.option("--threshold", default=3, show_default=True, help="Nombre de dispositifs d'un même département à partir "
              "duquel un acteur est signalé.")
@click.option("--on", "on", default=None, help="Seulement les dispositifs qui couvrent à cette date AAAA-MM-JJ.")
@_analysis_options
@click.pass_obj
def network(settings: Settings, territory: str | None, threshold: int, on: str | None, as_json: bool, as_csv: bool) -> None:
    from analysis.ask import network_of
    from cli.render_analysis import network_text

    _progress("Analyse du réseau des acteurs…")
    with _backend(settings) as backend:
        answer = network_of(backend, territory, threshold, on)
    _answer(as_json, as_csv, answer, lambda: answer.actors, network_text)


@cli.command("what-if", help="Et si… : les lacunes et chevauchements que changeraient les dispositifs hypothétiques "
                             "d'un petit fichier YAML (nouveau, fin, périmètre ; docs/what-if.md), sans rien écrire.")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Réponse en JSON.")
@click.option("--csv", "table", default=None, type=click.Choice(["departements", "mouvements", "communes", "chevauchements"]),
              help="Une table de la réponse en CSV.")
@click.option("--xlsx", "target", default=None, type=click.Path(dir_okay=False), help="Classeur écrit (toutes les tables).")
@click.pass_obj
def what_if(settings: Settings, scenario: str, as_json: bool, table: str | None, target: str | None) -> None:
    from pathlib import Path

    from analysis.whatif import tables_of, what_if as ask
    from cli.whatif import read_scenario_file, what_if_text
    from core.atomic import write_atomic
    from core.tabular import to_csv, to_xlsx_book

    read = read_scenario_file(Path(scenario))
    with _backend(settings) as backend:
        answer = ask(backend, read)
    if target:
        write_atomic(Path(target), to_xlsx_book(tables_of(answer)))
        _progress(f"Classeur écrit : {target}.")
    if table:
        click.echo(to_csv(tables_of(answer)[table]), nl=False)
    elif as_json:
        click.echo(jsonable.dumps(answer))
    elif not target:
        click.echo(what_if_text(answer))


@cli.command(help="Ce qui a changé entre deux constructions (noms de dossiers sous builds/ ; défaut : la précédente et "
                  "celle en service), ou entre deux dates sur la construction en service (--on … --vs …).")
@click.argument("before", required=False)
@click.argument("after", required=False)
@click.option("--on", "on", default=None, help="Date AAAA-MM-JJ de la couverture comparée (défaut : aujourd'hui) ; "
              "avec --vs, la première des deux dates.")
@click.option("--vs", "vs", default=None, help="Seconde date AAAA-MM-JJ : compare deux dates sur une construction.")
@click.option("--territory", default=None, help="Avec --vs : territoire comparé, par exemple departement:31.")
@click.option("--json", "as_json", is_flag=True, help="Réponse en JSON.")
@click.pass_obj
def diff(settings: Settings, before: str | None, after: str | None, on: str | None, vs: str | None,
         territory: str | None, as_json: bool) -> None:
    from analysis.diff import diff_builds, diff_dates, live_or_named, open_build, resolve_builds
    from cli.render_diff import build_diff_text, date_diff_text

    if vs is not None:
        if on is None:
            raise click.UsageError("--vs demande --on : les deux dates comparées.")
        session = open_build(live_or_named(settings.data_dir, before))
        try:
            answer = diff_dates(session, on, vs, territory)
        finally:
            session.close()
        click.echo(jsonable.dumps(answer) if as_json else date_diff_text(answer))
        return
    first, second = resolve_builds(settings.data_dir, before, after)
    a, b = open_build(first), open_build(second)
    try:
        between = diff_builds(a, b, on, (first.name, second.name))
    finally:
        a.close()
        b.close()
    click.echo(jsonable.dumps(between) if as_json else build_diff_text(between))


@cli.command("export-registry", help="Écrit le registre (ou celui d'un périmètre) en classeur XLSX à modifier : une feuille "
                                     "par sorte d'entrée, listes de valeurs permises, en-têtes figés.")
@click.option("--xlsx", "target", required=True, type=click.Path(dir_okay=False), help="Classeur écrit.")
@click.option("--scope", default=None, help="Seulement les fichiers de ce périmètre, par exemple departement:31.")
@click.pass_obj
def export_registry(settings: Settings, target: str, scope: str | None) -> None:
    from pathlib import Path

    from ingest.workbook import export_workbook

    rows = export_workbook(settings.registry, Path(target), scope)
    click.echo(f"{rows} ligne(s) écrites dans {target}.")


@cli.command("import-registry", help="Reporte les cellules modifiées d'un classeur dans les fichiers du registre "
                                     "(commentaires et ordre gardés) ; rien n'est écrit si une cellule est fautive.")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.pass_obj
def import_registry(settings: Settings, source: str) -> None:
    from pathlib import Path

    from ingest.workbook import import_workbook

    written = import_workbook(Path(source), settings.registry)
    click.echo(f"{len(written)} fichier(s) modifié(s) : {', '.join(p.name for p in written)}." if written
               else "Aucun changement : le registre est inchangé.")


@cli.command(help="Génère le registre synthétique national (données fictives, jamais mêlées au registre réel) "
                  "et sa vérité terrain, dans DOSSIER/registry et DOSSIER/truth.json.")
@click.argument("folder", default="var/synthetic", type=click.Path(file_okay=False))
@click.option("--seed", default=2026, show_default=True, help="Graine : même graine, même registre.")
@click.option("--region", "regions", multiple=True, help="Limiter à ces régions (code INSEE), répétable.")
@click.pass_obj
def synthetic(settings: Settings, folder: str, seed: int, regions: tuple[str, ...]) -> None:
    from pathlib import Path

    from ingest.geography import load
    from ingest.synthetic import generate, write

    docs, truth = generate(load(settings.geography), seed=seed, regions=list(regions) or None)
    write(docs, truth, Path(folder))
    click.echo(f"{truth.instances} dispositifs synthétiques dans {folder}/registry ; {len(truth.overlaps)} chevauchements "
               f"et {len(truth.gaps) + len(truth.unknown)} lacunes plantés (vérité : {folder}/truth.json).\n"
               f"Construire : maillage --registry {folder}/registry --data-dir {folder}/data build")


@cli.command("load-neo4j", help="Charge le graphe publié (déjà validé) dans Neo4j, comme nouvelle version rendue courante d'un coup.")
@click.option("--neo4j-uri", default=None, help="URI Bolt (défaut : MAILLAGE_NEO4J_URI).")
@click.pass_obj
def load_neo4j(settings: Settings, neo4j_uri: str | None) -> None:
    import dataclasses

    from store.neo4j import driver_for
    from store.neo4j_load import load

    if neo4j_uri:
        settings = dataclasses.replace(settings, neo4j_uri=neo4j_uri)
    with driver_for(settings) as driver, tuned_for_a_build():
        pg = load(settings, driver, progress=_progress)
    click.echo(f"Neo4j : build {pg.build} courant ({pg.node_count} nœuds, {pg.relationship_count} relations).")


@cli.group(invoke_without_command=True,
           help="Les fichiers nationaux que Maillage lit : d'où ils viennent, s'ils sont ici (présent, absent, somme "
                "de contrôle différente) et quelles réponses en dépendent.")
@click.option("--json", "as_json", is_flag=True, help="Réponse en JSON.")
@click.pass_context
def sources(ctx: click.Context, as_json: bool) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from cli.render_sources import sources_json, sources_text
    from ingest.national_files import states

    found, problems = states(ctx.obj)
    click.echo(jsonable.dumps(sources_json(found)) if as_json else sources_text(found, problems))


@sources.command("fetch", help="Obtient les fichiers nationaux absents (ou nommés) dans le dossier de données : copiés du "
                               "miroir quand il les a, sinon téléchargés de leur adresse ; la somme de contrôle est vérifiée.")
@click.argument("names", nargs=-1)
@click.option("--mirror", type=click.Path(file_okay=False), default=None,
              help="Dossier miroir des fichiers, par nom (défaut : MAILLAGE_MIRROR).")
@click.pass_obj
def sources_fetch(settings: Settings, names: tuple[str, ...], mirror: str | None) -> None:
    from pathlib import Path

    from core.errors import NotFound, SourceNotObtained
    from ingest.national_files import fetch, states

    found, _ = states(settings)
    unknown = set(names) - {s.source.name for s in found}
    if unknown:
        raise NotFound(f"Source(s) nationale(s) inconnue(s) : {', '.join(sorted(unknown))} ; "
                       f"connues : {', '.join(s.source.name for s in found)}.")
    failed = []
    for state in found:
        if names and state.source.name not in names:
            continue
        try:
            fetch(state.source, settings, _progress, Path(mirror) if mirror else None)
        except SourceNotObtained as err:
            click.echo(f"Refusé : {err}", err=True)
            failed.append(state.source.name)
    if failed:
        raise SourceNotObtained(f"{len(failed)} fichier(s) non obtenu(s) : {', '.join(failed)}.")


@cli.command(help="Sert l'API HTTP (OpenAPI sur /docs) et la carte (/carte/) sur MAILLAGE_HOST:MAILLAGE_PORT.")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.pass_obj
def serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    from api.app import create_app
    from api.protocol import BoundedHttpTools

    # uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told otherwise: only the proxies the operator
    # names may say who the client is (api/rate.py)
    proxies = settings.trusted_proxies.replace(" ", "")
    uvicorn.run(create_app(settings), host=host or settings.host, port=port or settings.port, log_level="info",
                http=BoundedHttpTools, proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)


@cli.command(help="Construit le graphe national puis le sert : la commande de démarrage.")
@click.option("--host", default=None)
@click.option("--port", type=int, default=None)
@click.pass_context
def up(ctx: click.Context, host: str | None, port: int | None) -> None:
    ctx.invoke(build)
    ctx.invoke(serve, host=host, port=port)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Interrompu.", err=True)
        sys.exit(130)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except MaillageError as err:
        click.echo(render.error_text(err), err=True)
        sys.exit(err.exit_code)  # each error class declares its own (core/errors.py)
    except Exception as err:  # a planner never sees a traceback; a developer can ask for one
        if os.environ.get("MAILLAGE_DEBUG"):
            raise
        click.echo(f"Erreur interne : {type(err).__name__}: {err}\n(MAILLAGE_DEBUG=1 pour le détail)", err=True)
        sys.exit(70)
