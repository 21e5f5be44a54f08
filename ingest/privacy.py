"""No personal data in the registry, nor in a proposal: people are recorded by function only (see
registry/FORMAT.md).

A text is first normalised, so that what a reader sees is what is checked: NFKC (full-width digits
and ``＠`` become ASCII, ligatures letters), the digits of any script as ASCII digits, every space a
space, every dash ``-``, and the invisible characters (zero-width spaces and joiners, soft hyphens,
direction marks) removed — and, in a second reading, made spaces. Then are refused:

- **a telephone number**: ``0`` then nine digits (``0[1-9]…``), or ``+``/``00`` and a country code,
  whatever separates them: nothing, or one of space . - / _ · | between groups of at most three digits,
  ``(0)`` after ``+33``. Groups longer than three digits are a date's year or a code's, not a number's
  pairs: ``2019-06-01``, a SIRET or a list of départements with commas stay allowed. Phone numbers are
  refused even for a switchboard: a registry entry cites its source, which carries them.
- **a person's e-mail address**: at a consumer webmail; or whose mailbox (split into words at . _ + -
  and digits) holds a common given name or surname (``_names``: ``dac.marie.martin@ars.sante.fr``), an
  initial before a name (``j.dupont@``), or no word of a function at all (``dupont@``). An institution's
  contact point passes: ``contact@dac31.fr``, ``accueil@mdph48.fr``, ``secretariat.dac31@…``; a name
  after ``saint``/``sainte`` is a place's (``ccas.saint-martin@``).
- **a title followed by a name**: Dr, Pr, Mme, M., Madame, Monsieur, Maître… then a capitalised word
  of any alphabet, after given names or a particle (« Dr Łukasz Nowak », « Mme de Villepin »,
  « M. d'Estaing »), unless that word is a function (« Madame la Directrice », « M. le Maire ») or the
  title belongs to the name of a place or an institution (« rue du Docteur Roux », « Centre
  hospitalier Docteur Jean Eynard »).

Excerpts of the registry are not checked: they quote public documents word for word (a proposal's
are: ``proposal.py``).
"""

from __future__ import annotations

import re
import unicodedata

from core.text import fold

from ._names import GIVEN_NAMES, SURNAMES

__all__ = ["personal_data", "normalised"]

# -- normalisation ------------------------------------------------------------------------------------


def _plain(char: str, invisible: str) -> str:
    category = unicodedata.category(char)
    if category == "Cf" or char == "\u00ad":  # zero-width, joiners, direction marks, soft hyphen
        return invisible
    if category == "Nd":
        return str(unicodedata.decimal(char))
    if char.isspace() or category == "Zs":
        return " "
    if category == "Pd" or char == "\u2212":
        return "-"
    return char


def normalised(text: str, invisible: str = "") -> str:
    """``text`` as it is checked: NFKC, ASCII digits, plain spaces and dashes, ``invisible`` for each
    invisible character."""
    return "".join(_plain(c, invisible) for c in unicodedata.normalize("NFKC", text))


# -- telephone numbers --------------------------------------------------------------------------------

_SEPARATOR = r"(?: ?[.\-/_·|] ?| {1,2}| ?\( ?| ?\) ?)"
_DIGITS = re.compile(rf"(?<![\d+])(?P<plus>\+ ?)?\d+(?:{_SEPARATOR}\d+)*")
_NATIONAL = re.compile(r"0[1-9]\d{8}")
_FRENCH = re.compile(r"(?:33|0033)0?[1-9]\d{8}")


def _phone_in(group: re.Match) -> bool:
    chunks = re.findall(r"\d+", group.group(0))
    international = bool(group["plus"]) or chunks[0].startswith("00")
    for i in range(len(chunks)):
        for j in range(i + 1, len(chunks) + 1):
            digits = "".join(chunks[i:j])
            if len(digits) > 15:
                break
            if i == 0 and international:
                if _FRENCH.fullmatch(digits) or (not digits.startswith(("33", "0033")) and 9 <= len(digits.lstrip("0")) <= 13):
                    return True
            elif (j - i == 1 or all(len(c) <= 3 for c in chunks[i:j])) and _NATIONAL.fullmatch(digits):
                return True
    return False


def _phone(text: str) -> str | None:
    return next((m.group(0).strip() for m in _DIGITS.finditer(text) if _phone_in(m)), None)


# -- e-mail addresses ---------------------------------------------------------------------------------

_AT = re.compile(r"\s*(?:[\[(]\s*(?:at|arobase)\s*[\])]|\barobase\b)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"([\w.%+-]+)@([\w-]+(?:\.[\w-]+)+)")
#: a contact point's mailbox words: what it is for, not who reads it
FUNCTIONAL = frozenset("""
accueil contact contacts info infos information informations secretariat direction coordination communication
standard admin administration service services support courrier dac pta cpts siao mdph mda ars cls clsm ptsm
empp pass permanence plateforme reseau equipe bureau guichet ilc maia clic ccas cias caf cpam msa pmi ase cmp
cmpp camsp sessad ime esat ehpad ssiad had ssr chu ght delegation pole cellule mission handicap autonomie sante
social sociale solidarite solidarites enfance famille familles jeunesse insertion logement hebergement urgence
urgences veille signalement signalements crip medecin medical medicale coordonnateur coordonnatrice coordinateur
coordinatrice directeur directrice infirmier infirmiere psychologue cadre dpo rgpd presse recrutement rh
comptabilite facturation orientation parcours appui ressources inscription inscriptions prevention education
formation formations projet projets partenariat partenariats qualite gestion dossier dossiers demande demandes
aide aides numerique webmaster noreply postmaster ecoute conseil mairie cabinet maison centre hopital clinique
association asso federation union comite observatoire agence office antenne dispositif territoire territorial
departement departemental departementale region regional regionale secretaire president presidence bonjour
hello
""".split())
WEBMAIL = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.fr", "outlook.com", "outlook.fr", "live.fr",
    "live.com", "yahoo.com", "yahoo.fr", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net",
    "icloud.com", "me.com", "aol.com", "gmx.fr", "gmx.com", "protonmail.com", "proton.me", "neuf.fr", "bbox.fr",
})
_NAMES = GIVEN_NAMES | SURNAMES
_SAINT = frozenset({"saint", "sainte", "st", "ste"})


def _personal_email(mailbox: str, domain: str) -> bool:
    words = fold(re.sub(r"\d+", " ", mailbox.replace("_", " "))).split()
    if domain.lower() in WEBMAIL or not words:
        return True
    names = [w in _NAMES and (i == 0 or words[i - 1] not in _SAINT) for i, w in enumerate(words)]
    initial = any(len(w) == 1 and w != "e" and i + 1 < len(words) and words[i + 1] not in FUNCTIONAL
                  for i, w in enumerate(words))
    return any(names) or initial or not any(w in FUNCTIONAL for w in words)


def _email(text: str) -> str | None:
    text = _AT.sub("@", text)
    return next((f"{m}@{d}" for m, d in _EMAIL.findall(text) if _personal_email(m, d)), None)


# -- a title and a name -------------------------------------------------------------------------------

_TITLE = re.compile(
    r"(?<![^\W\d_])(?P<title>Docteure?|Doctoresse|DOCTEUR|Dre?|Professeure?|PROFESSEUR|Pre?|Mmes?|MMES?|Mlles?|MLLES?|"
    r"Madame|MADAME|Mesdames|Mademoiselle|Mesdemoiselles|Monsieur|MONSIEUR|Messieurs|Maître|Me|Mrs?|Ms|MM?\.)"
    r"(?![^\W\d_])\.?\s*")
_PARTICLE = re.compile(r"(?i:(?:de la|de|du|des|le|la|les|van|von|der|den|da|di|del|della|dos|das|ben|ibn|el|al)\s+|d['’]\s*)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
#: words after a title that make it a function's, not a person's (folded)
FUNCTIONS = frozenset("""
maire prefet prefete president presidente directeur directrice ministre depute deputee senateur senatrice
conseiller conseillere delegue deleguee coordinateur coordinatrice coordonnateur coordonnatrice medecin
responsable chef cheffe secretaire tresorier tresoriere vice adjoint adjointe juge procureur procureure
commissaire recteur rectrice inspecteur inspectrice administrateur administratrice gerant gerante professeur
docteur cadre infirmier infirmiere referent referente pilote animateur animatrice charge chargee
""".split())
#: words naming a place or an institution, which a title may belong to (« rue du Docteur Roux »)
PLACES = frozenset("""
rue avenue av bd boulevard place allee allees chemin impasse quai cours square route passage hopital hopitaux
clinique polyclinique centre ch chu chs ehpad residence fondation institut lycee college ecole maison foyer pole
pavillon groupe ime esat creche stade salle espace sanatorium batiment
""".split())
#: words between a place word and the title (« Centre hospitalier du Docteur… »)
_BETWEEN = frozenset("hospitalier hospitaliere universitaire medical medicale social sociale sante specialise "
                     "specialisee du de des la l d".split())


def _of_a_place(before: str) -> bool:
    """Whether the words before a title make it part of a place's or an institution's name."""
    for word in reversed(fold(before).split()[-4:]):
        if word in PLACES:
            return True
        if word not in _BETWEEN:
            return False
    return False


def _title(text: str) -> str | None:
    for title in _TITLE.finditer(text):
        rest = text[title.end():]
        particle = _PARTICLE.match(rest)
        after = rest[particle.end():] if particle else rest
        word = _WORD.match(after)
        if word is None or len(word.group(0)) < 2 or not word.group(0)[0].isupper() or fold(word.group(0)) in FUNCTIONS:
            continue
        if _of_a_place(text[:title.start()]):
            continue
        return text[title.start():len(text) - len(after) + word.end()].strip()
    return None


# -- the check ----------------------------------------------------------------------------------------


def personal_data(text: str) -> tuple[str, str] | None:
    """(rule, French message) when ``text`` holds personal data, else None."""
    for reading in dict.fromkeys((normalised(text), normalised(text, " "))):
        phone = _phone(reading)
        if phone:
            return "donnee-personnelle-telephone", (
                f"numéro de téléphone « {phone} » : le registre ne contient pas de coordonnées (la source les porte)")
        email = _email(reading)
        if email:
            return "donnee-personnelle-courriel", (
                f"adresse électronique personnelle « {email} » : seule une adresse de contact d'une institution est "
                "admise (contact@, accueil@… sur le domaine de l'institution)")
        named = _title(reading)
        if named:
            return "donnee-personnelle-nom", (
                f"« {named} » : une personne est désignée par sa fonction (« chargé de mission », « directrice »), "
                "jamais par son nom")
    return None
