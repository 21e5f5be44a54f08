"""The bad-input corpus: each case breaks a copy of the small registry one way, and ``build`` must
refuse it with the file, the entry (or line) and the rule named, print no traceback or rdflib warning,
and leave the live build exactly as it was (``current`` and its ``build.json``).

One build of the small registry is live for the whole module; each case reads its own broken copy
against that data folder, so a case costs a refused build (about half a second), not a publication.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from core.errors import RegistryInvalid
from ingest.build import build
from store.builds import current_build

RESOURCES = Path(__file__).parent.parent / "resources"
SMALL = (RESOURCES / "registry-small" / "31.yaml").read_text(encoding="utf-8")
HEADER = "id,type,name,territory,age_min,age_max,publics,from,to,status,carrier,source_title,source_url,source_date,excerpt\n"
ROW = "x-1,CLSM,Essai,commune:31395,0,12,tout-public,2023-01-01,,active,rap31,Tableau,https://example.org,2024-01-01,essai\n"
INST = "ilc-toulouse-sud"


# --- mutations: each takes (registry folder, documents folder) ------------------------------------
def text(old: str, new: str, count: int = 1):
    def mutate(reg: Path, shared: Path) -> None:
        body = (reg / "31.yaml").read_text(encoding="utf-8")
        assert old in body, old
        (reg / "31.yaml").write_text(body.replace(old, new, count), encoding="utf-8")
    return mutate


def append(extra: str):
    def mutate(reg: Path, shared: Path) -> None:
        with (reg / "31.yaml").open("a", encoding="utf-8") as handle:
            handle.write(extra)
    return mutate


def replace_file(content: str | bytes, name: str = "31.yaml"):
    def mutate(reg: Path, shared: Path) -> None:
        path = reg / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return mutate


def doc(change):
    def mutate(reg: Path, shared: Path) -> None:
        data = yaml.safe_load((reg / "31.yaml").read_text(encoding="utf-8"))
        change(data)
        (reg / "31.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return mutate


def put(path: list, value):
    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return doc(change)


def csv(body: str | bytes, name: str = "31-suivi.csv"):
    return replace_file(body if isinstance(body, bytes) else HEADER + body, name)


def rename(old: str, new: str):
    def mutate(reg: Path, shared: Path) -> None:
        (reg / old).rename(reg / new)
    return mutate


def remove(name: str):
    def mutate(reg: Path, shared: Path) -> None:
        (reg / name).unlink()
    return mutate


def both(*mutations):
    def mutate(reg: Path, shared: Path) -> None:
        for m in mutations:
            m(reg, shared)
    return mutate


def symlink_out(reg: Path, shared: Path) -> None:
    (shared / "seeds" / "lien.txt").symlink_to("/etc/hostname")
    text("file: seeds/000_585430d0b20102eb.txt", "file: seeds/lien.txt")(reg, shared)


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def _deep_block(levels: int) -> str:
    return "\n" + "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "v: 1\n"


COV = ["instances", 0, "coverage", 0]
ROLE = ["instances", 0, "roles", 0]
ACTOR = ["actors", 0]
STATUS_2 = [
    {"value": "project", "from": "2019-01-01", "source": {"ref": "rap31-2019", "excerpt": "Nous sommes dans l'attente"}},
    {"value": "active", "from": "2018-01-01", "source": {"ref": "rap31-2019", "excerpt": "Nous sommes dans l'attente"}},
]

# (case, mutation, file, entry prefix, rule): a Datatype rule is the shapes', every other the reader's
CASES = [
    # -- limits, enforced before the parser can blow up
    ("50000 nested brackets", append("x: " + "[" * 50000 + "]" * 50000 + "\n"), "31.yaml", "ligne", "profondeur"),
    ("40 nested block mappings", append(_deep_block(40)), "31.yaml", "ligne", "profondeur"),
    ("nested flow mappings", append("x: " + "{a: " * 40 + "1" + "}" * 40 + "\n"), "31.yaml", "ligne", "profondeur"),
    ("alias bomb, 9 levels", append(_alias_bomb()), "31.yaml", "ligne", "taille-alias"),
    ("file over 8 MiB", append("# " + "x" * (8 * 1024 * 1024) + "\n"), "31.yaml", "(fichier)", "taille-fichier"),
    ("20000-character excerpt", text('excerpt: "celles des 0-12 ans"', 'excerpt: "' + "x" * 20000 + '"'), "31.yaml", "ligne", "champ-trop-long"),
    ("20000-character key", append("? " + "k" * 20000 + "\n: 1\n"), "31.yaml", "ligne", "champ-trop-long"),
    ("1100-character simple key", append("k" * 1100 + ": 1\n"), "31.yaml", "ligne", "syntaxe-yaml"),
    # -- strict YAML
    ("duplicate top-level key", append('scope: {departement: "31"}\n'), "31.yaml", "ligne", "cle-dupliquee"),
    ("duplicate key in an entry", text('    name: "ILC Toulouse-Sud"\n', '    name: "ILC Toulouse-Sud"\n    name: "ILC bis"\n'),
     "31.yaml", "ligne", "cle-dupliquee"),
    ("duplicate key in a flow mapping", text('excerpt: "celles des 0-12 ans"', 'excerpt: "celles des 0-12 ans", ref: x'),
     "31.yaml", "ligne", "cle-dupliquee"),
    ("duplicate coverage key", text("        ages: [0, 12]\n", "        ages: [0, 12]\n        ages: [0, 18]\n"), "31.yaml", "ligne", "cle-dupliquee"),
    ("python tag", append('evil: !!python/object/apply:os.system ["true"]\n'), "31.yaml", "ligne", "balise-yaml"),
    ("explicit str tag", text("ages: [0, 12]", "ages: !!str 0-12"), "31.yaml", "ligne", "balise-yaml"),
    ("local tag", text('type: ILC', 'type: !custom ILC'), "31.yaml", "ligne", "balise-yaml"),
    ("tag on a mapping", text("scope: {", "scope: !!map {"), "31.yaml", "ligne", "balise-yaml"),
    ("tag on a sequence", text("ages: [0, 12]", "ages: !!seq [0, 12]"), "31.yaml", "ligne", "balise-yaml"),
    ("Latin-1 YAML", replace_file(SMALL.encode("latin-1", errors="replace")), "31.yaml", "ligne", "encodage"),
    ("Windows-1252 apostrophe", replace_file(SMALL.replace("l'équipe", "l\u2019équipe").encode("cp1252")), "31.yaml", "ligne", "encodage"),
    ("NUL character", append("x: \x00\n"), "31.yaml", "ligne", "syntaxe-yaml"),
    ("unclosed flow mapping", text('scope: {departement: "31"}', 'scope: {departement: "31"'), "31.yaml", "ligne", "syntaxe-yaml"),
    ("unclosed quote", text('name: "RESO"', 'name: "RESO'), "31.yaml", "ligne", "syntaxe-yaml"),
    ("tab indentation", text("    kind: association\n    sector", "\tkind: association\n    sector"), "31.yaml", "ligne", "syntaxe-yaml"),
    ("colon in a plain value", text('name: "RESO"', "name: RESO: Muret"), "31.yaml", "ligne", "syntaxe-yaml"),
    ("bad indentation", text("    kind: association\n    sector", "     kind: association\n    sector"), "31.yaml", "ligne", "syntaxe-yaml"),
    ("two documents", append("---\nscope: {departement: \"31\"}\n"), "31.yaml", "ligne", "documents-multiples"),
    ("undefined alias", append("x: *nowhere\n"), "31.yaml", "ligne", "alias-inconnu"),
    ("complex key", append("? [a, b]\n: 1\n"), "31.yaml", "ligne", "cle-invalide"),
    ("empty file", replace_file(""), "31.yaml", "(fichier)", "fichier-vide"),
    ("comment-only file", replace_file("# rien\n"), "31.yaml", "(fichier)", "fichier-vide"),
    ("top-level list", replace_file("- a\n- b\n"), "31.yaml", "(fichier)", "structure"),
    ("top-level scalar", replace_file("bonjour\n"), "31.yaml", "(fichier)", "structure"),
    ("merge key", append("<<: {a: 1}\n"), "31.yaml", "(fichier)", "champ-inconnu"),
    # -- every type error is a problem
    ("unquoted 2024-02-30", text("        from: 2019-01-01\n", "        from: 2024-02-30\n"), "31.yaml", INST, "Datatype validFrom"),
    ("unquoted 2024-13-01", text("{value: project, from: 2019-01-01", "{value: project, from: 2024-13-01"), "31.yaml", INST, "Datatype validFrom"),
    ("time in a date", text("        from: 2019-01-01\n", "        from: 2019-01-01 10:30:00\n"), "31.yaml", INST, "type-date"),
    ("year only as a number", text("        from: 2019-01-01\n", "        from: 2019\n"), "31.yaml", INST, "type-date"),
    ("list as a date", text("        from: 2019-01-01\n", "        from: [2019, 1, 1]\n"), "31.yaml", INST, "type-date"),
    ("boolean as a date", put(COV + ["to"], True), "31.yaml", INST, "type-date"),
    ("source date 2019-31-12", text("date: 2019-12-31", "date: 2019-31-12"), "31.yaml", "sources.rap31-2019", "Datatype date"),
    ("source date with a time", text("date: 2019-12-31", "date: 2019-12-31T08:00:00"), "31.yaml", "sources.rap31-2019", "type-date"),
    ("ages in words", put(COV + ["ages"], ["zero", "douze"]), "31.yaml", INST, "type-ages"),
    ("ages with a boolean", put(COV + ["ages"], [True, 12]), "31.yaml", INST, "type-ages"),
    ("ages: 12", put(COV + ["ages"], 12), "31.yaml", INST, "type-ages"),
    ("ages: douze", put(COV + ["ages"], "douze"), "31.yaml", INST, "type-ages"),
    ("three ages", put(COV + ["ages"], [0, 12, 18]), "31.yaml", INST, "type-ages"),
    ("ages as a mapping", put(COV + ["ages"], {"min": 0, "max": 12}), "31.yaml", INST, "type-ages"),
    ("fractional age", put(COV + ["ages"], [0.5, 12]), "31.yaml", INST, "type-ages"),
    ("ages yes-no", text("ages: [0, 12]", "ages: [yes, no]"), "31.yaml", INST, "type-ages"),
    ("type as a list", put(["instances", 0, "type"], ["ILC", "DAC"]), "31.yaml", INST, "valeur-invalide"),
    ("type with IRI characters", put(["instances", 0, "type"], "ILC> <x"), "31.yaml", INST, "valeur-invalide"),
    ("status value true", put(["instances", 0, "status", 0, "value"], True), "31.yaml", INST, "valeur-invalide"),
    ("actor as a list", put(ROLE + ["actor"], ["rap31", "reso"]), "31.yaml", INST, "valeur-invalide"),
    ("nested publics", put(COV + ["publics"], [["enfants"]]), "31.yaml", INST, "valeur-invalide"),
    ("role with a space", put(ROLE + ["role"], "co pilot"), "31.yaml", INST, "valeur-invalide"),
    ("source ref as a mapping", put(COV + ["source"], {"ref": {"a": 1}, "excerpt": "celles des 0-12 ans"}), "31.yaml", INST, "valeur-invalide"),
    ("name as a list", put(["instances", 0, "name"], ["ILC", "Toulouse"]), "31.yaml", INST, "type-valeur"),
    ("excerpt as a mapping", put(COV + ["source", "excerpt"], {"a": 1}), "31.yaml", INST, "type-valeur"),
    ("note as a list", put(COV + ["note"], ["a", "b"]), "31.yaml", INST, "type-valeur"),
    ("id: true", put(["instances", 0, "id"], True), "31.yaml", "instance[0]", "identifiant"),
    ("sector as a mapping", put(ACTOR + ["sector"], [{"a": 1}]), "31.yaml", "rap31", "valeur-invalide"),
    ("scope as a list", put(["scope"], ["departement", "31"]), "31.yaml", "(fichier)", "portee"),
    ("scope code as a list", put(["scope"], {"departement": ["31"]}), "31.yaml", "(fichier)", "portee"),
    # -- nothing published by surprise: folder, names, scope, references, statuses
    ("empty registry", remove("31.yaml"), "registry", "(registre)", "registre-vide"),
    ("31.yml", rename("31.yaml", "31.yml"), "31.yml", "(fichier)", "fichier-inconnu"),
    ("31.yaml.txt beside it", both(lambda r, s: shutil.copy(r / "31.yaml", r / "31.yaml.txt")), "31.yaml.txt", "(fichier)", "fichier-inconnu"),
    ("a folder named like a sheet", lambda r, s: (r / "31-suivi.csv").mkdir(), "31-suivi.csv", "(fichier)", "fichier-inconnu"),
    ("a subfolder", lambda r, s: (r / "archives").mkdir(), "archives", "(fichier)", "fichier-inconnu"),
    ("31.yaml renamed 12.yaml", rename("31.yaml", "12.yaml"), "12.yaml", "(fichier)", "nom-portee"),
    ("31.yaml renamed region-31.yaml", rename("31.yaml", "region-31.yaml"), "region-31.yaml", "(fichier)", "nom-portee"),
    ("a name without its scope", rename("31.yaml", "haute-garonne.yaml"), "haute-garonne.yaml", "(fichier)", "nom-portee"),
    ("scope 48 in 31.yaml", text('scope: {departement: "31"}', 'scope: {departement: "48"}'), "31.yaml", "(fichier)", "nom-portee"),
    ("inventory outside the scope", append("inventories:\n  - {id: ilc-48, type: ILC, territory: departement:48, as_of: 2019-12-31,"
                                           " source: {ref: rap31-2019, excerpt: \"celles des 0-12 ans\"}}\n"), "31.yaml", "ilc-48", "portee"),
    ("based_in an unknown commune", put(ACTOR + ["based_in"], "commune:99999"), "31.yaml", "rap31", "based-in-inconnu"),
    ("based_in an unknown custom territory", put(ACTOR + ["based_in"], "territoire:nulle-part"), "31.yaml", "rap31", "based-in-inconnu"),
    ("statuses out of order", put(["instances", 0, "status"], STATUS_2), "31.yaml", INST, "statuts-ordre"),
    ("an open status before another", put(["instances", 0, "status"], [dict(STATUS_2[0]), dict(STATUS_2[1], **{"from": "2020-01-01"})]),
     "31.yaml", INST, "statuts-chevauchement"),
    ("overlapping statuses", put(["instances", 0, "status"], [dict(STATUS_2[0], to="2020-12-31"), dict(STATUS_2[1], **{"from": "2020-06-01"})]),
     "31.yaml", INST, "statuts-chevauchement"),
    # -- provenance
    ("file ../../../etc/passwd", text("file: seeds/000_585430d0b20102eb.txt", "file: ../../../etc/passwd"), "31.yaml", "sources.rap31-2019", "fichier-source-chemin"),
    ("absolute file", text("file: seeds/000_585430d0b20102eb.txt", "file: /etc/passwd"), "31.yaml", "sources.rap31-2019", "fichier-source-chemin"),
    ("backslashes", text("file: seeds/000_585430d0b20102eb.txt", "file: 'seeds\\000_585430d0b20102eb.txt'"), "31.yaml", "sources.rap31-2019", "fichier-source-chemin"),
    ("a link out of the documents", symlink_out, "31.yaml", "sources.rap31-2019", "fichier-source-chemin"),
    ("a file name too long for the system", text("file: seeds/000_585430d0b20102eb.txt", "file: seeds/" + "a" * 5000 + ".txt"),
     "31.yaml", "sources.rap31-2019", "fichier-source"),
    ("missing document", text("file: seeds/000_585430d0b20102eb.txt", "file: seeds/absent.txt"), "31.yaml", "sources.rap31-2019", "fichier-source"),
    ("invented excerpt", text('excerpt: "celles des 0-12 ans"', 'excerpt: "celles des 0-18 ans"'), "31.yaml", INST, "extrait-introuvable"),
    ("invented actor excerpt", text('excerpt: "l\'équipe du RAP 31"', 'excerpt: "l\'équipe du RAP 32"'), "31.yaml", "rap31", "extrait-introuvable"),
    # -- personal data
    ("doctor and phone in a function", put(["instances", 0, "roles", 1, "function"], "Dr Jean Dupont, 06 12 34 56 78"), "31.yaml", INST, "donnee-personnelle-telephone"),
    ("Mme Marie Martin as an actor", put(ACTOR + ["name"], "Mme Marie Martin"), "31.yaml", "rap31", "donnee-personnelle-nom"),
    ("personal e-mail in an actor's note", put(ACTOR + ["note"], "écrire à marie.martin@rap31.fr"), "31.yaml", "rap31", "donnee-personnelle-courriel"),
    ("webmail contact", put(ACTOR + ["note"], "contact@gmail.com"), "31.yaml", "rap31", "donnee-personnelle-courriel"),
    ("phone in a description", put(["instances", 0, "description"], "Standard : +33 5 61 00 00 00"), "31.yaml", INST, "donnee-personnelle-telephone"),
    ("Monsieur in a function", put(["instances", 0, "roles", 1, "function"], "Monsieur Durand"), "31.yaml", INST, "donnee-personnelle-nom"),
    # -- CSV
    ("CSV age_min=abc", csv(ROW.replace(",0,12,", ",abc,12,")), "31-suivi.csv", "x-1", "type-ages"),
    ("CSV in Latin-1", csv((HEADER + ROW.replace("Essai", "Essai équipe")).encode("latin-1")), "31-suivi.csv", "ligne", "encodage"),
    ("CSV unquoted comma", csv(ROW.replace("Essai", "Essai, bis")), "31-suivi.csv", "ligne", "ligne-csv"),
    ("CSV missing cell", csv(ROW.replace(",essai\n", "\n")), "31-suivi.csv", "ligne", "ligne-csv"),
    ("CSV field over 131072 characters", csv(ROW.replace("essai", '"' + "x" * 140_000 + '"')), "31-suivi.csv", "ligne", "champ-trop-long"),
    ("CSV field over 10000 characters", csv(ROW.replace("essai", "x" * 20_000)), "31-suivi.csv", "ligne", "champ-trop-long"),
    ("CSV missing column", csv(b"id,type\nx,CLSM\n"), "31-suivi.csv", "ligne 1", "colonnes-csv"),
    ("CSV extra column", csv((HEADER.rstrip("\n") + ",commentaire\n" + ROW.rstrip("\n") + ",rien\n").encode()), "31-suivi.csv", "ligne 1", "colonnes-csv"),
    ("CSV doubled column", csv((HEADER.rstrip("\n") + ",id\n" + ROW.rstrip("\n") + ",x-1\n").encode()), "31-suivi.csv", "ligne 1", "colonnes-csv"),
    ("CSV conflicting rows", csv(ROW + ROW.replace("Essai", "Autre nom").replace("31395", "31003")), "31-suivi.csv", "x-1", "lignes-contradictoires"),
    ("CSV conflicting carriers", csv(ROW + ROW.replace(",rap31,", ",reso,").replace("31395", "31003")), "31-suivi.csv", "x-1", "lignes-contradictoires"),
    ("CSV unclosed quote", csv(ROW.replace("Essai", '"Essai')), "31-suivi.csv", "ligne", "syntaxe-csv"),
    ("CSV empty", csv(b""), "31-suivi.csv", "(fichier)", "colonnes-csv"),
    ("CSV 2024-02-30", csv(ROW.replace("2023-01-01", "2024-02-30")), "31-suivi.csv", "x-1", "Datatype validFrom"),
    ("CSV named without a scope", csv(ROW, name="suivi.csv"), "suivi.csv", "(fichier)", "portee"),
    ("CSV phone in a name", csv(ROW.replace("Essai", "Essai 05 61 00 00 00")), "31-suivi.csv", "x-1", "donnee-personnelle-telephone"),
    ("CSV ages in words", csv(ROW.replace(",0,12,", ",zero,douze,")), "31-suivi.csv", "x-1", "type-ages"),
    # -- values refused at the door: ids and codes whole and as text, no control or direction character,
    # web addresses, dates of documents, inventories and surveys not after today (issue 29)
    ("id with a final line break", text("id: ilc-toulouse-sud", 'id: "ilc-toulouse-sud\\n"'), "31.yaml", "instance[0]", "caractere-controle"),
    ("id: 010 (YAML's octal 8)", text("id: ilc-toulouse-sud", "id: 010"), "31.yaml", "instance[0]", "identifiant-texte"),
    ("id: 0x1F (YAML's 31)", text("id: ilc-toulouse-sud", "id: 0x1F"), "31.yaml", "instance[0]", "identifiant-texte"),
    ("150-character id", text("id: ilc-toulouse-sud", "id: " + "i" * 150), "31.yaml", "instance[0]", "identifiant-long"),
    ("actor named by a number", put(ROLE + ["actor"], 8), "31.yaml", INST, "identifiant-texte"),
    ("scope code 0x1F", text('scope: {departement: "31"}', "scope: {departement: 0x1F}"), "31.yaml", "(fichier)", "identifiant-texte"),
    ("territory with a final line break", put(COV + ["territory"], "territoire:toulouse-sud\n"), "31.yaml", INST, "reference-territoire"),
    ("public with a final line break", put(COV + ["publics"], ["enfants\n"]), "31.yaml", INST, "caractere-controle"),
    ("bell in a name", put(["instances", 0, "name"], "ILC \x07Toulouse-Sud"), "31.yaml", INST, "caractere-controle"),
    ("right-to-left override in a name", put(["instances", 0, "name"], "ILC \u202eduS-esuoluoT"), "31.yaml", INST, "caractere-controle"),
    ("line break in a name", put(["instances", 0, "name"], "ILC\nToulouse-Sud"), "31.yaml", INST, "caractere-controle"),
    ("zero-width space in an actor's name", put(ACTOR + ["name"], "RAP\u200b31"), "31.yaml", "rap31", "caractere-controle"),
    ("C1 control in a function", text('function: "chargé de mission"', 'function: "chargé\\x85de mission"'), "31.yaml", INST,
     "caractere-controle"),
    ("vertical tab in an excerpt", put(COV + ["source", "excerpt"], "celles des\x0b0-12 ans"), "31.yaml", INST, "caractere-controle"),
    ("direction isolate in a source title", put(["sources", "rap31-2019", "title"], "RAP 31 \u2067x\u2069"), "31.yaml",
     "sources.rap31-2019", "caractere-controle"),
    ("SIREN with a final line break", put(ACTOR + ["siren"], "775672272\n"), "31.yaml", "rap31", "caractere-controle"),
    ("javascript: source address", put(["sources", "rap31-2019", "url"], "javascript:alert(1)"), "31.yaml", "sources.rap31-2019",
     "adresse-web"),
    ("data: source address", put(["sources", "rap31-2019", "url"], "data:text/html,<script>alert(1)</script>"), "31.yaml",
     "sources.rap31-2019", "adresse-web"),
    ("source dated 2099", text("date: 2019-12-31", "date: 2099-12-31"), "31.yaml", "sources.rap31-2019", "date-future"),
    ("inventory as of 2099", append("inventories:\n  - {id: ilc-31, type: ILC, territory: departement:31, as_of: 2099-12-31,"
                                    " source: {ref: rap31-2019, excerpt: \"celles des 0-12 ans\"}}\n"), "31.yaml", "ilc-31", "date-future"),
    ("survey as of 2099", put(["surveyed"], [{"id": "s31", "territory": "departement:31", "as_of": "2099-01-01"}]), "31.yaml", "s31",
     "date-future"),
    ("CSV id with a line break", csv(ROW.replace("x-1,", '"x-1\n",', 1)), "31-suivi.csv", "instance[0]", "caractere-controle"),
    ("CSV javascript: address", csv(ROW.replace("https://example.org", "javascript:alert(1)")), "31-suivi.csv", "sources.31-suivi-l2",
     "adresse-web"),
    ("CSV source dated 2099", csv(ROW.replace("2024-01-01", "2099-01-01")), "31-suivi.csv", "sources.31-suivi-l2", "date-future"),
    ("CSV right-to-left override in a name", csv(ROW.replace("Essai", "Essai \u202e")), "31-suivi.csv", "x-1", "caractere-controle"),
    # -- the build compared with the live one
    ("every instance removed", doc(lambda d: d.pop("instances")), "(registre)", "(construction)", "retrecissement"),
]


@pytest.fixture(scope="module")
def live(tmp_path_factory, registry_copy):
    """The small registry, built once and live; cases read broken copies of it against its data folder."""
    settings = registry_copy(tmp_path_factory.mktemp("corpus"), sorted((RESOURCES / "registry-small").iterdir()))
    build(settings)
    return settings


def _snapshot(settings) -> tuple[str, str, dict]:
    """The live build (its link, its record, every file of its folder) and every file of the live
    registry and documents: what a refused build must leave as it was (the cache may learn)."""
    current = settings.data_dir / "current"
    folders = (current.resolve(), settings.registry, settings.documents)
    files = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for folder in folders for p in folder.rglob("*") if p.is_file()}
    return os.readlink(current), (current / "build.json").read_text(), files


def broken_copy(live, tmp_path, mutate):
    registry, shared = tmp_path / "registry", tmp_path / "shared"
    shutil.copytree(live.registry, registry)
    shutil.copytree(live.documents, shared)
    mutate(registry, shared)
    return dataclasses.replace(live, registry=registry, documents=shared)


@pytest.mark.parametrize("case, mutate, file, entry, rule", CASES, ids=[c[0] for c in CASES])
def test_corpus_case_is_refused_by_name(live, tmp_path, caplog, capfd, case, mutate, file, entry, rule):
    before = _snapshot(live)
    settings = broken_copy(live, tmp_path, mutate)
    caplog.set_level(logging.WARNING)
    with pytest.raises(RegistryInvalid) as caught:
        build(settings)
    problems = caught.value.problems
    assert any(p.file == file and p.entry.startswith(entry) and p.rule == rule
               for p in problems), f"{case}: expected {file} / {entry} / {rule} in {problems}"
    assert all(p.file and p.entry and p.rule and p.message for p in problems)
    assert _snapshot(live) == before
    assert current_build(live.data_dir) == live.data_dir.joinpath("current").resolve()
    assert not [p for p in (live.data_dir / "builds").iterdir() if p.name.endswith(".tmp")]
    assert not [r for r in caplog.records if r.name.startswith("rdflib")], "rdflib warned"
    assert "Traceback" not in capfd.readouterr().err


def test_corpus_has_at_least_80_cases():
    assert len(CASES) >= 80
    assert len({c[0] for c in CASES}) == len(CASES)


def test_missing_registry_folder_is_refused(live, tmp_path):
    before = _snapshot(live)
    with pytest.raises(RegistryInvalid) as caught:
        build(dataclasses.replace(live, registry=tmp_path / "nowhere"))
    assert [p.rule for p in caught.value.problems] == ["registre-absent"]
    assert _snapshot(live) == before


def test_a_shrink_is_published_when_accepted(live, tmp_path):
    settings = broken_copy(live, tmp_path, text("    coverage:\n", "    coverage: []\n    old:\n"))
    with pytest.raises(RegistryInvalid):
        build(settings)  # no coverage left: the shapes refuse it whatever the flag
    settings = broken_copy(live, tmp_path / "b", doc(lambda d: d.pop("instances")))
    before = _snapshot(live)
    info = build(settings, accept_shrink=True)
    assert info.instances == 0 and _snapshot(live) != before
    build(live, accept_shrink=True)  # the small registry again, for the cases that follow
    assert build(live).instances == 1


def test_documents_absent_says_so(live, tmp_path, capsys):
    said: list[str] = []
    info = build(dataclasses.replace(live, documents=tmp_path / "no-documents"), progress=said.append)
    assert info.sources == "sources non vérifiées"
    assert any("sources non vérifiées" in line for line in said)
    recorded = (live.data_dir / "current" / "build.json").read_text()
    assert "sources non vérifiées" in recorded
    assert build(live).sources == "vérifiées"


def _cli(settings, *args):
    env = {**os.environ, **settings.environment()}
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow  # the command in a child process: an interpreter's start and imports
def test_cli_build_refuses_the_bracket_bomb_and_the_shrink(live, tmp_path):
    """The 50,000 brackets that killed ``maillage build`` (exit 139) are a French report (exit 1)."""
    before = _snapshot(live)
    bomb = broken_copy(live, tmp_path / "bomb", append("x: " + "[" * 50000 + "]" * 50000 + "\n"))
    done = _cli(bomb, "build")
    assert done.returncode == 1, done.stderr
    assert "règle : profondeur" in done.stderr and "Traceback" not in done.stderr
    shrunk = broken_copy(live, tmp_path / "shrunk", doc(lambda d: d.pop("instances")))
    done = _cli(shrunk, "build")
    assert done.returncode == 1 and "règle : retrecissement" in done.stderr and "--accept-shrink" in done.stderr
    assert _snapshot(live) == before
    done = _cli(shrunk, "build", "--accept-shrink")
    assert done.returncode == 0, done.stderr
    assert "Réduction acceptée" in done.stderr and "0 (en service : 1, -1) dispositifs" in done.stderr
    build(live, accept_shrink=True)  # the small registry live again


@pytest.mark.slow  # the command in a child process: an interpreter's start and imports
def test_cli_check_names_every_value_refused_at_the_door(live, tmp_path):
    """A final line break in an id made ``maillage check`` exit 70 without naming file, entry or rule
    (issue 29); with a SIREN like it, a direction control and a ``javascript:`` address, it is a report."""
    before = _snapshot(live)
    broken = broken_copy(live, tmp_path, both(
        text("id: ilc-toulouse-sud", 'id: "ilc-toulouse-sud\\n"'), text('name: "RESO"', 'name: "RESO \\u202e"'),
        put(ACTOR + ["siren"], "775672272\n"), put(["sources", "rap31-2019", "url"], "javascript:alert(1)")))
    done = _cli(broken, "check")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    for entry, rule in (("instance[0]", "caractere-controle"), ("reso", "caractere-controle"), ("rap31", "caractere-controle"),
                        ("sources.rap31-2019", "adresse-web")):
        assert f"31.yaml · entrée « {entry} »" in done.stderr and f"règle : {rule}" in done.stderr, (entry, done.stderr)
    assert "<U+202E>" in done.stderr and "\\n" in done.stderr
    assert _snapshot(live) == before
