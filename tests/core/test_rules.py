"""The one definition of "in force", "serves" and "covers", on small hand-made cases."""

from __future__ import annotations

import datetime as dt

from maillage.core import rules
from maillage.store.cards import Status

D = dt.date


def test_a_period_is_open_where_a_date_is_missing_and_includes_both_ends():
    assert rules.in_force(None, None, D(2024, 1, 1))
    assert rules.in_force(D(2024, 1, 1), D(2024, 12, 31), D(2024, 1, 1))
    assert rules.in_force(D(2024, 1, 1), D(2024, 12, 31), D(2024, 12, 31))
    assert not rules.in_force(D(2024, 1, 1), None, D(2023, 12, 31))
    assert not rules.in_force(None, D(2024, 12, 31), D(2025, 1, 1))


def test_ages_overlap_rather_than_contain():
    assert rules.ages_overlap(11, 21, 0, 12)
    assert rules.ages_overlap(12, 12, 0, 12)
    assert not rules.ages_overlap(13, 17, 0, 12)


def test_a_public_is_served_by_itself_every_broader_public_and_everyone():
    concepts = {
        "p/sdf": {"notation": "personnes-sans-domicile", "broader": {"p/precaires"}},
        "p/precaires": {"notation": "personnes-precaires", "broader": {"p/adultes"}},
        "p/adultes": {"notation": "adultes", "broader": set()},
        "p/enfants": {"notation": "enfants", "broader": set()},
    }
    served = rules.served_publics(concepts, "p/sdf")
    assert served == {"personnes-sans-domicile", "personnes-precaires", "adultes", rules.EVERYONE}
    assert rules.serves(["personnes-precaires"], served)
    assert not rules.serves(["enfants"], served)
    assert rules.served_publics(concepts, None) is None and rules.serves(["enfants"], None)


def test_the_status_in_force_is_the_latest_begun_and_not_ended():
    history = [Status("project", "En projet", D(2019, 1, 1), D(2020, 6, 30)), Status("active", "Actif", D(2020, 7, 1), None)]
    assert rules.status_on(history, D(2018, 1, 1)) is None
    assert rules.status_on(history, D(2020, 1, 1)).value == "project"
    assert rules.status_on(history, D(2024, 1, 1)).value == "active"


def test_an_abandoned_instance_covers_nothing_after_its_last_status_begins():
    history = [Status("project", "En projet", D(2019, 1, 1), None), Status("abandoned", "Abandonné", D(2019, 12, 31), None)]
    assert rules.covers(D(2019, 1, 1), None, history, D(2019, 6, 1))
    assert rules.covers(D(2019, 1, 1), None, history, D(2019, 12, 31))
    assert not rules.covers(D(2019, 1, 1), None, history, D(2024, 6, 1))
    assert rules.covering_period(D(2019, 1, 1), D(2030, 1, 1), history) == (D(2019, 1, 1), D(2019, 12, 31))
    assert rules.covers(D(2019, 1, 1), None, history[:1], D(2024, 6, 1))
