"""The personal-data filter on a corpus: what a planner legitimately writes passes (functions,
institutions' contact points, dates, codes, places named after people), what names or reaches a
person is refused however it is written (separators, digit widths, invisible characters, particles,
any alphabet). The same filter checks the registry's texts in `maillage check`."""

from __future__ import annotations

import pytest
import yaml

from ingest.privacy import personal_data

PHONE, EMAIL, NAME = "donnee-personnelle-telephone", "donnee-personnelle-courriel", "donnee-personnelle-nom"

REFUSED = [
    ("06/12/34/56/78", PHONE),
    ("０６ １２ ３４ ５６ ７８", PHONE),  # full-width digits
    ("06\u200b12\u200b34\u200b56\u200b78", PHONE),  # zero-width spaces
    ("𝟎𝟔 𝟏𝟐 𝟑𝟒 𝟓𝟔 𝟕𝟖", PHONE),  # mathematical digits
    ("06\u00a012\u202f34\u200956\u00a078", PHONE),  # no-break and thin spaces
    ("joindre le 05.61.00.00.00 pour l'ILC", PHONE),
    ("+33 (0)5 61 00 00 00", PHONE),
    ("0033 6 12 34 56 78", PHONE),
    ("tél : 0561000000", PHONE),
    ("06-12-34-56-78", PHONE),
    ("numéro vert 0 800 123 456", PHONE),
    ("standard 05 61 00 00 00 / portable 06 12 34 56 78", PHONE),
    ("appeler le ٠٦١٢٣٤٥٦٧٨", PHONE),  # Arabic-Indic digits
    ("jean.dupont＠gmail.com", EMAIL),  # full-width at sign
    ("dac.marie.martin@ars.sante.fr", EMAIL),  # a name after a function word, at an institution
    ("écrire à m.martin@chu-toulouse.fr", EMAIL),
    ("jdupont@mairie-muret.fr", EMAIL),
    ("marie.martin (at) dac31.fr", EMAIL),
    ("contact@gmail.com", EMAIL),  # a webmail is a person's
    ("élodie.durand@cpts-sud.fr", EMAIL),
    ("dac.j.dupont@dac31.fr", EMAIL),
    ("Mme de Villepin", NAME),
    ("Dr Łukasz Nowak", NAME),
    ("M. d'Estaing préside", NAME),
    ("selon le Dr Jean Dupont", NAME),
    ("Madame Le Guen, coordinatrice", NAME),
    ("Mme\u200bMartin", NAME),
    ("Pr. Müller", NAME),
    ("réunion avec M. DUPONT", NAME),
    ("Monsieur Durand", NAME),
    ("Maître Dubois", NAME),
]

ALLOWED = [
    "chargé de mission",
    "Coordinatrice du DAC 31",
    "contact@dac31.fr",
    "accueil@mdph48.fr",
    "secretariat.dac31@dac31.fr",
    "ars-oc-dd31-delegation@ars.sante.fr",
    "medecin.coordonnateur@ch-comminges.fr",
    "cpts.saint-martin@cpts-stmartin.fr",
    "courriel : accueil@clic-muret.fr",
    "mission locale (MLJ), info@mlj31.fr",
    "Centre hospitalier Docteur Jean Eynard",
    "12 rue du Docteur Roux, 31000 Toulouse",
    "EHPAD Madame de Sévigné",
    "Hôpital Joseph Ducuing",
    "Madame la Directrice de l'ARS",
    "M. le Maire de Muret",
    "Monsieur le Président du Conseil départemental",
    "Madame, Monsieur,",
    "La DR Occitanie de l'ARS",
    "Le médecin coordonnateur et la directrice ; un docteur en médecine",
    "Active depuis le 2019-06-01, renouvelée du 01/01/2020 au 31/12/2024",
    "Dates : 2024-01-01 → 2025-12-31",
    "Départements 09, 11, 12, 31, 32, 46",
    "SIRET 775 672 272 00012",
    "FINESS 310780259",
    "N° RNA W313000000",
    "Toulouse : 504 078 habitants (2021)",
    "Publics de 0 à 12 ans ; âges [0, 12]",
    "Ouvert de 9h00 à 12h30, permanence le mardi",
    "+15 % de files actives en 2023",
    "Plateforme territoriale d'appui : téléphone sur le site du DAC",
]


def test_the_corpus_is_large_enough_and_balanced():
    assert len(REFUSED) + len(ALLOWED) >= 40 and len(REFUSED) >= 20 and len(ALLOWED) >= 20


@pytest.mark.parametrize("text, rule", REFUSED)
def test_personal_data_is_refused_however_it_is_written(text, rule):
    found = personal_data(text)
    assert found is not None and found[0] == rule, (text, found)


@pytest.mark.parametrize("text", ALLOWED)
def test_functions_and_institutions_pass(text):
    assert personal_data(text) is None


@pytest.mark.parametrize("text, rule", [
    ("06/12/34/56/78", PHONE), ("０６ １２ ３４ ５６ ７８", PHONE), ("06\u00a012\u202f34\u200956\u00a078", PHONE),
    ("dac.marie.martin@ars.sante.fr", EMAIL), ("jean.dupont＠gmail.com", EMAIL), ("Mme de Villepin", NAME),
    ("Dr Łukasz Nowak", NAME),
    ("06\u200b12\u200b34\u200b56\u200b78", "caractere-controle"),  # an invisible character: refused before
])
def test_the_registry_check_refuses_them_in_a_description_naming_file_entry_and_rule(text, rule):
    """`maillage check` reads each file through ``registry.read_part``: a description holding personal
    data is a problem of that file, that entry and that field, with the rule."""
    from core.settings import PROJECT_ROOT
    from ingest.registry import read_yaml_bytes

    data = yaml.safe_load((PROJECT_ROOT / "tests" / "resources" / "registry-small" / "31.yaml").read_text(encoding="utf-8"))
    data["instances"][0]["description"] = f"Instance locale ; {text}"
    problems = read_yaml_bytes("31.yaml", yaml.safe_dump(data, allow_unicode=True).encode()).problems
    assert [(p.file, p.entry, p.field, p.rule) for p in problems] == [("31.yaml", "ilc-toulouse-sud", "description", rule)]
    data["instances"][0]["description"] = f"Instance locale ; {ALLOWED[4]} ; {ALLOWED[10]}"
    assert read_yaml_bytes("31.yaml", yaml.safe_dump(data, allow_unicode=True).encode()).problems == []
