"""No personal data in the registry: people are recorded by function only (see registry/FORMAT.md).

What is refused in the free texts a planner writes (actors' names, roles' functions, names,
descriptions, notes): a telephone number, a personal e-mail address, and a civil title followed by a
capitalised name ("Dr Jean Dupont", "Mme Marie Martin"). Excerpts are not checked: they quote public
documents word for word.

An institution's contact point stays allowed: an address whose mailbox is a function word
(``contact@``, ``accueil@``, ``secretariat.dac31@``…) on a domain that is not a consumer webmail.
A mailbox made of names (``marie.martin@``) or any address at a webmail is a person's. Phone numbers
are refused even for a switchboard: a registry entry cites its source, which carries them.
"""

from __future__ import annotations

import re

__all__ = ["personal_data"]

_PHONE = re.compile(r"(?<![\d])(?:(?:\+|00)33[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?![\d])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_TITLE = re.compile(
    r"(?<![\w])(?:Dr|Dre|Docteur|Docteure|Pr|Professeur|Professeure|Mme|Mmes|Mlle|Mlles|Madame|Monsieur|Mr|MM|M)\.?"
    r"\s+(?:[A-Z][a-zà-ÿ'’-]+\s+)?[A-ZÀ-Ý][A-Za-zÀ-ÿ'’-]+"
)
#: a contact point's mailbox: its first word says what it is for, not who reads it
FUNCTIONAL = frozenset({
    "accueil", "contact", "contacts", "info", "infos", "information", "informations", "secretariat",
    "direction", "coordination", "communication", "standard", "admin", "administration", "service",
    "services", "support", "courrier", "dac", "pta", "cpts", "siao", "mdph", "mda", "ars", "cls", "clsm",
    "ptsm", "empp", "pass", "permanence", "plateforme", "reseau", "equipe", "bureau", "guichet", "ilc",
})
WEBMAIL = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.fr", "outlook.com", "outlook.fr", "live.fr",
    "live.com", "yahoo.com", "yahoo.fr", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net",
    "icloud.com", "me.com", "aol.com", "gmx.fr", "gmx.com", "protonmail.com", "proton.me", "neuf.fr", "bbox.fr",
})


def _personal_email(mailbox: str, domain: str) -> bool:
    first = re.split(r"[._+-]", mailbox.lower(), maxsplit=1)[0]
    return domain.lower() in WEBMAIL or first not in FUNCTIONAL


def personal_data(text: str) -> tuple[str, str] | None:
    """(rule, French message) when ``text`` holds personal data, else None."""
    phone = _PHONE.search(text)
    if phone:
        return "donnee-personnelle-telephone", (
            f"numéro de téléphone « {phone.group(0)} » : le registre ne contient pas de coordonnées (la source les porte)")
    for mailbox, domain in _EMAIL.findall(text):
        if _personal_email(mailbox, domain):
            return "donnee-personnelle-courriel", (
                f"adresse électronique personnelle « {mailbox}@{domain} » : seule une adresse de contact d'une "
                "institution est admise (contact@, accueil@… sur le domaine de l'institution)")
    title = _TITLE.search(text)
    if title:
        return "donnee-personnelle-nom", (
            f"« {title.group(0)} » : une personne est désignée par sa fonction (« chargé de mission », "
            "« directrice »), jamais par son nom")
    return None
