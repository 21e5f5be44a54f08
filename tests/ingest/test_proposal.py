"""A proposal applied to the real registry is exactly its change in the YAML: comments, order and
quotes kept, the corrected field and the record's citation, plus the new source."""

from __future__ import annotations

import pytest

from core.settings import PROJECT_ROOT
from core.errors import ProposalInvalid
from ingest.proposal import apply_proposal, find_personal_data

pytestmark = pytest.mark.integration

REGISTRY = PROJECT_ROOT / "registry"
SOURCE = {"title": "DAC 31, rapport d'activité 2025", "url": "https://www.dac31.fr/rapport-2025", "date": "2026-03-01"}


def _changed(diff: str) -> tuple[list[str], list[str]]:
    lines = [line for line in diff.splitlines() if not line.startswith(("---", "+++"))]
    return [line[1:] for line in lines if line.startswith("-")], [line[1:] for line in lines if line.startswith("+")]


def test_a_correction_of_the_real_registry_changes_only_its_lines():
    before = (REGISTRY / "31.yaml").read_bytes()
    applied = apply_proposal(REGISTRY, {"kind": "correction", "instance": "pta-31", "record": "status[-1]",
                                        "set": {"note": "Fusionnée dans le DAC 31."}, "source": SOURCE,
                                        "excerpt": "la PTA 31 a rejoint le DAC 31"}, "20260301-0123456789")
    assert applied.file == "31.yaml" and applied.before == before.decode()
    assert (REGISTRY / "31.yaml").read_bytes() == before  # applying writes nothing
    removed, added = _changed(applied.diff)
    # the new source, last of the file's sources (the blank line before `actors:` stays after it)
    assert added[:4] == ["  proposition-20260301-0123456789:", f'    title: "{SOURCE["title"]}"',
                         f"    url: {SOURCE['url']}", "    date: 2026-03-01"]
    # the status's note and its citation, nothing else
    assert [line.split(":")[0].strip() for line in removed] == ["note", "source"]
    assert added[4:] == ['        note: "Fusionnée dans le DAC 31."',
                         '        source: {ref: proposition-20260301-0123456789, excerpt: "la PTA 31 a rejoint le DAC 31"}']
    before_lines, after_lines = applied.before.splitlines(), applied.after.splitlines()
    assert after_lines[:16] == before_lines[:16] and after_lines[after_lines.index("actors:") - 1] == ""


def test_what_cannot_be_applied_is_said_in_french():
    base = {"source": SOURCE, "excerpt": "…"}
    with pytest.raises(ProposalInvalid, match="Aucun dispositif « inconnu »"):
        apply_proposal(REGISTRY, {"kind": "correction", "instance": "inconnu", "set": {"name": "x"}, **base}, "i")
    with pytest.raises(ProposalInvalid, match="n'a pas d'élément coverage\\[9\\]"):
        apply_proposal(REGISTRY, {"kind": "correction", "instance": "pta-31", "record": "coverage[9]", "set": {"to": "2024-01-01"}, **base}, "i")
    with pytest.raises(ProposalInvalid, match="Source « absente » inconnue de ce fichier"):
        apply_proposal(REGISTRY, {"kind": "source", "instance": "pta-31", "source": {"ref": "absente"}, "excerpt": "…"}, "i")
    with pytest.raises(ProposalInvalid, match="« to » : Date « 2024-02-30 » illisible : écrivez AAAA-MM-JJ, un jour qui existe"):
        apply_proposal(REGISTRY, {"kind": "correction", "instance": "pta-31", "record": "status[0]", "set": {"to": "2024-02-30"}, **base}, "i")


def test_personal_data_is_found_in_any_text_of_a_proposal():
    assert find_personal_data({"entry": {"roles": [{"function": "contact : 06 12 34 56 78"}]}}).startswith(
        "proposition.entry.roles[0].function : numéro de téléphone")
    assert find_personal_data({"excerpt": "selon le Dr Jean Dupont"}) is not None
    assert find_personal_data({"excerpt": "écrire à contact@dac31.fr", "source": {"title": "DAC 31"}}) is None
