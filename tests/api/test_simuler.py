"""« Simuler » on the map, in a real headless Chromium (as ``test_browser.py``): a CPTS drawn on the
communes of the CC du Gévaudan turns them covered on the map and in the panel, the address shares the
simulation, the balance exports to XLSX, and the simulation is proposed as a correction in one step."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from queries import palette

from test_browser import READY, layer_ready, page_at, served, shot  # noqa: F401 (served: the fixture)

pytestmark = pytest.mark.browser

GEVAUDAN = ["48005", "48032", "48068", "48072", "48092", "48099", "48103", "48107", "48124", "48138", "48165", "48168"]
COVERED = "rgb({}, {}, {})".format(*(int(palette.COVERED[i:i + 2], 16) for i in (1, 3, 5)))  # the gaps layer's « couvert »


def _fill(page, code: str) -> str:
    return page.locator(f"path.commune-{code}").evaluate("p => getComputedStyle(p).fill")


def test_simulate_a_cpts_share_it_export_it_and_propose_it(served, tmp_path):
    url, _ = served
    with page_at(served, "/carte/#d=48&c=gaps&t=CPTS&on=2026-12-01") as page:
        layer_ready(page)
        before = _fill(page, "48092")
        assert before != COVERED
        page.locator("#simuler").click()
        expect(page.locator("#simuler")).to_have_attribute("aria-pressed", "true")
        for code in GEVAUDAN:
            page.locator(f"path.commune-{code}").click()
        expect(page.locator("#sim-perimetre")).to_contain_text("12 commune(s)")
        expect(page.locator("#panneau h2")).to_have_text("Simuler un dispositif")  # a click draws, it does not explain
        page.locator("#sim-type").select_option("CPTS")
        page.locator("#sim-calculer").click()
        expect(page.locator("body")).to_have_attribute("data-simulation", "prete", timeout=READY)
        balance = page.locator("#sim-bilan")
        expect(balance).to_contain_text("en projet → couvert")
        expect(balance.locator("table.bilan tr", has_text="Lozère")).to_contain_text("12")
        expect(balance).to_contain_text("CPTS Ouest Lozère")  # the overlap created with the planned CPTS
        assert {_fill(page, code) for code in GEVAUDAN} == {COVERED}
        expect(page.locator("#etat")).to_contain_text("12 commune(s) changent d'état pour CPTS")
        address = page.evaluate("location.hash")
        assert "sim=CPTS%7C%7C" + "%2C".join(GEVAUDAN) in address
        shot(page, tmp_path, "carte-simulation")

        with page.expect_download() as download:
            page.locator("#sim-xlsx").click()
        book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert book.sheetnames == ["departements", "mouvements", "communes", "chevauchements"]
        rows = list(book["communes"].iter_rows(values_only=True))
        assert len(rows) == 13 and all(isinstance(r[rows[0].index("population")], int) for r in rows[1:])

        page.locator("#sim-proposer summary").click()
        form = page.locator("form.proposer-simulation")
        form.locator("input[name=titre]").fill("Projet de santé d'une CPTS du Gévaudan")
        form.locator("input[name=adresse]").fill("https://exemple.fr/cpts-gevaudan")
        form.locator("input[name=jour]").fill("2026-11-15")
        form.locator("textarea[name=extrait]").fill("une CPTS sur les douze communes de la communauté de communes du Gévaudan")
        form.locator("button[type=submit]").click()
        expect(page.locator("body")).to_have_attribute("data-proposition", "enregistree", timeout=240_000)
        expect(form.locator(".rapport pre")).to_contain_text("- id: cpts-projet-48005-12")
        ident = form.locator(".rapport a").first.inner_text()
        pending = page.request.get(url + "/v1/proposals").json()
        mine = next(p for p in pending["items"] if p["id"] == ident)
        assert mine["proposal"]["entry"]["type"] == "CPTS" and len(mine["proposal"]["entry"]["coverage"]) == 12

    with page_at(served, "/carte/" + address) as shared:  # the shared address draws the same simulation
        expect(shared.locator("body")).to_have_attribute("data-simulation", "prete", timeout=READY)
        expect(shared.locator("#sim-perimetre")).to_contain_text("12 commune(s)")
        expect(shared.locator("#sim-bilan")).to_contain_text("en projet → couvert")
        assert _fill(shared, "48165") == COVERED
