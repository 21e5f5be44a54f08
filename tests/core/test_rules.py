"""The one definition of "in force", "serves" and "covers", on small hand-made cases."""

from __future__ import annotations

import datetime as dt

import pytest

from core import rules
from store.cards import Status

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


def test_only_an_active_or_pilot_status_covers():
    history = [Status("pilot", "En expérimentation", D(2018, 1, 1), D(2018, 12, 31)),
               Status("project", "En projet", D(2019, 1, 1), None), Status("abandoned", "Abandonné", D(2019, 12, 31), None)]
    assert rules.state_on(history, D(2018, 6, 1)) == rules.ACTIVE and rules.covers(None, None, history, D(2018, 6, 1))
    assert rules.state_on(history, D(2019, 6, 1)) == rules.PROJECT and not rules.covers(None, None, history, D(2019, 6, 1))
    assert rules.state_on(history, D(2024, 6, 1)) == rules.ENDED and not rules.covers(None, None, history, D(2024, 6, 1))
    assert rules.state_on(history, D(2017, 6, 1)) == rules.UNKNOWN
    assert rules.covering_period(None, None, history) == (D(2018, 1, 1), D(2018, 12, 31))
    assert rules.covering_period(None, None, history[1:]) is None


def test_an_unknown_start_is_known_from_the_day_a_source_attests_it():
    history = [Status("active", "Actif", None, None, observed=D(2024, 5, 24))]
    assert rules.state_on(history, D(2019, 6, 1)) == rules.UNKNOWN
    assert rules.state_on(history, D(2024, 5, 24)) == rules.ACTIVE
    assert rules.state_on([Status("active", "Actif", None, None)], D(2024, 5, 24)) == rules.UNKNOWN


def test_durations_and_staleness():
    assert rules.add_duration(D(2019, 12, 31), "P1Y") == D(2020, 12, 31)
    assert rules.add_duration(D(2024, 1, 31), "P1M") == D(2024, 2, 29)
    assert rules.add_duration(D(2024, 1, 1), "P1Y6M10D") == D(2025, 7, 11)
    assert rules.stale(D(2019, 12, 31), "P1Y", D(2026, 12, 1))
    assert not rules.stale(D(2019, 12, 31), "P1Y", D(2020, 6, 1))
    assert rules.stale(None, "P5Y", D(2020, 6, 1))
    with pytest.raises(ValueError):
        rules.add_duration(D(2024, 1, 1), "deux ans")
