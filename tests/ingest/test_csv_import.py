"""A planner's spreadsheet (CSV) goes through the same rules as the YAML registry."""

from __future__ import annotations

import pytest

from core.errors import RegistryInvalid
from ingest.build import build
from store.session import open_backend
from queries.coverage import who_covers

HEADER = "id,type,name,territory,age_min,age_max,publics,from,to,status,carrier,source_title,source_url,source_date,excerpt\n"


def test_csv_rows_become_instances(small):
    (small.registry / "31-suivi.csv").write_text(
        HEADER
        + "clsm-muret,CLSM,CLSM de Muret (essai),commune:31395,0,120,tout-public,2023-01-01,,active,rap31,"
        "Tableau de suivi,https://example.org/suivi,2024-01-01,CLSM de Muret\n"
        + "clsm-muret,CLSM,CLSM de Muret (essai),commune:31003,0,120,tout-public,2023-01-01,,active,rap31,"
        "Tableau de suivi,https://example.org/suivi,2024-01-01,CLSM de Muret\n"
    )
    build(small)
    backend = open_backend(small)
    try:
        found = {c.instance_id: c for c in who_covers(backend, "Muret", on="2024-06-01").instances}
    finally:
        backend.close()
    assert found["clsm-muret"].coverages[0].level == "commune"
    assert found["clsm-muret"].roles[0].actor_id == "rap31"


def test_csv_with_a_bad_row_is_refused_with_its_file(small):
    (small.registry / "31-suivi.csv").write_text(
        HEADER + "x-1,CLSM,Essai,commune:31395,12,3,tout-public,,,active,,Tableau,https://example.org,2024-01-01,essai\n"
    )
    with pytest.raises(RegistryInvalid) as caught:
        build(small)
    assert any(p.file == "31-suivi.csv" and p.entry == "x-1" and p.field.endswith("ages") for p in caught.value.problems)


def test_csv_missing_columns_is_refused(small):
    (small.registry / "31-suivi.csv").write_text("id,type\nx,CLSM\n")
    with pytest.raises(RegistryInvalid) as caught:
        build(small)
    assert any(p.file == "31-suivi.csv" and "colonnes manquantes" in p.field for p in caught.value.problems)
