"""Reading a what-if scenario: each rule broken is refused in French, naming the file, the entry and the rule."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.scenario import EndInstance, NewInstance, Perimeter, read_scenario
from cli.whatif import read_scenario_file
from core.errors import InvalidQuery
from core.terms import AgeRange


def test_the_three_kinds_of_change_are_read():
    read = read_scenario({"on": "2026-12-01", "title": "Essai", "changes": [
        {"kind": "nouveau", "type": "cpts", "ages": "0-12", "publics": ["enfants"], "status": "en projet",
         "from": "2027-01-01", "perimeter": ["epci:244800470", "Mende"]},
        {"kind": "fin", "instance": "dac-31"},
        {"kind": "périmètre", "instance": "cpts-terre-des-sources", "remove": "epci:200069151"}]})
    assert read.on == dt.date(2026, 12, 1) and read.title == "Essai"
    new, end, cut = read.changes
    assert new == NewInstance("CPTS", ("epci:244800470", "Mende"), None, AgeRange(0, 12), ("enfants",), "project",
                              dt.date(2027, 1, 1), None)
    assert end == EndInstance("dac-31")
    assert cut == Perimeter("cpts-terre-des-sources", (), ("epci:200069151",))


@pytest.mark.parametrize(("raw", "said"), [
    ([], "un scénario est un objet"),
    ({"changes": []}, "« changes » doit être une liste d'au moins un changement"),
    ({"changes": [{"kind": "end", "instance": "x"}], "surprise": 1}, "champ(s) inconnu(s) surprise"),
    ({"changes": [{"kind": "move"}]}, "changement 1) : « kind » « move » inconnu"),
    ({"changes": [{"kind": "end", "instance": "x"}, {"kind": "new", "type": "CPTS"}]},
     "changement 2) : un nouveau dispositif donne son périmètre"),
    ({"changes": [{"kind": "new", "type": "CPTS", "perimeter": ["epci:1"], "ages": "12-3"}]}, "« ages » : Âges « 12-3 »"),
    ({"changes": [{"kind": "new", "type": "CPTS", "perimeter": ["epci:1"], "from": "2027-02-01", "to": "2026-01-01"}]},
     "« to » précède « from »"),
    ({"changes": [{"kind": "new", "type": "CPTS", "perimeter": ["epci:1"], "status": "fermé"}]}, "« status » « fermé » inconnu"),
    ({"changes": [{"kind": "perimeter", "instance": "dac-31"}]}, "donne « add »"),
    ({"changes": [{"kind": "end"}]}, "« instance » manque"),
    ({"changes": [{"kind": "new", "type": "CPTS", "perimeter": {"a": 1}}]}, "« perimeter » doit être une liste"),
    ({"changes": [{"kind": "end", "instance": "x"}] * 21}, "20 changements au plus"),
    ({"on": "hier", "changes": [{"kind": "end", "instance": "x"}]}, "« on » :"),
])
def test_each_rule_is_named_with_its_entry(raw, said):
    with pytest.raises(InvalidQuery) as err:
        read_scenario(raw, "essai.yaml")
    assert str(err.value).startswith("Scénario refusé (essai.yaml")
    assert said in str(err.value)


def test_a_file_is_named_with_the_line_of_its_broken_yaml(tmp_path):
    path = tmp_path / "projet.yaml"
    path.write_text("on: 2026-12-01\nchanges:\n  - kind: end\n    instance: [dac-31\n")
    with pytest.raises(InvalidQuery, match=r"projet\.yaml\) : YAML illisible ligne \d"):
        read_scenario_file(path)
    with pytest.raises(InvalidQuery, match=r"absent\.yaml\) : fichier illisible"):
        read_scenario_file(tmp_path / "absent.yaml")
    path.write_text("on: 2026-12-01\nchanges:\n  - kind: end\n    instance: dac-31\n")
    assert read_scenario_file(path).on == dt.date(2026, 12, 1)
    path.write_text("changes:\n  - kind: end\n")
    with pytest.raises(InvalidQuery, match=r"projet\.yaml, changement 1\) : « instance » manque"):
        read_scenario_file(path)
