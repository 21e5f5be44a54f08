"""« Simuler » on the map, in a real headless Chromium (as ``test_browser.py``): a CPTS drawn on the
communes of the CC du Gévaudan turns them covered on the map and in the panel, the address shares the
simulation, the balance exports to XLSX, and the simulation is proposed as a correction in one step."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

from queries import palette

from test_browser import READY, layer_ready, page_at, served, shot, view  # noqa: F401 (served: the fixture)

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


def _tab_to(page, ident: str, back: bool = False, limit: int = 100) -> None:
    """Tab (or Shift+Tab) until the control ``ident`` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if page.evaluate("document.activeElement.id") == ident:
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    assert page.evaluate("document.activeElement.id") == ident, f"« {ident} » jamais atteint au clavier"


def test_a_keyboard_alone_simulates_a_cpts_on_an_epci(served, tmp_path):
    """Simuler without a mouse: the button, a commune from the search, an EPCI's communes from the panel,
    one taken out by its button and one by Enter on the map, the type and ages chosen, the balance
    computed, focused and said aloud; axe-core finds nothing in these views."""
    with page_at(served, "/carte/#d=48&c=gaps&t=CPTS&on=2026-12-01") as page:
        layer_ready(page)
        said = page.locator("#annonce")
        _tab_to(page, "simuler")
        page.keyboard.press("Enter")
        expect(page.locator("#simuler")).to_have_attribute("aria-pressed", "true")
        expect(said).to_contain_text("Mode Simuler")

        _tab_to(page, "recherche", back=True)  # a commune found by the search joins the perimeter
        page.keyboard.type("Marvejols")
        expect(page.locator("#resultats [role=option]").first).to_contain_text("Marvejols (48092", timeout=30_000)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(said).to_contain_text("Marvejols (48092) ajoutée au périmètre : 1 commune(s).")
        expect(page.locator("#sim-perimetre")).to_contain_text("1 commune(s)")

        _tab_to(page, "sim-epci")  # then the whole EPCI (Marvejols is one of its communes)
        page.keyboard.type("Gévaudan")
        page.keyboard.press("Enter")
        expect(said).to_contain_text("12 commune(s) ajoutée(s) au périmètre, 12 en tout", timeout=30_000)
        expect(page.locator("#sim-perimetre")).to_contain_text("12 commune(s)")
        assert page.evaluate("document.activeElement.id") == "sim-epci"  # the panel drawn again, the focus kept
        assert page.evaluate("[...sim.communes].sort()") == GEVAUDAN
        page.evaluate("document.body.dataset.simulation = ''")
        view(page, tmp_path, "clavier-simulation-perimetre")

        _tab_to(page, "sim-retirer-48005")  # one taken out by its button…
        page.keyboard.press("Enter")
        expect(said).to_contain_text("(48005) retirée du périmètre : 11 commune(s).")
        assert page.evaluate("document.activeElement.id") == "sim-perimetre"
        _tab_to(page, "carte", back=True)  # …and Marvejols by Enter on the map, then put back
        expect(page.locator("body")).to_have_attribute("data-focalisee", "48092")
        expect(said).to_contain_text("dans le périmètre simulé ; Entrée : l'en retirer")
        page.keyboard.press("Enter")
        expect(said).to_contain_text("Marvejols (48092) retirée du périmètre : 10 commune(s).")
        page.keyboard.press("Enter")
        expect(said).to_contain_text("Marvejols (48092) ajoutée au périmètre : 11 commune(s).")
        _tab_to(page, "recherche", back=True)  # and the first one again, by its code
        page.keyboard.press("Control+a")
        page.keyboard.type("48005")
        expect(page.locator("#resultats [role=option]").first).to_contain_text("(48005", timeout=30_000)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        expect(said).to_contain_text("(48005) ajoutée au périmètre : 12 commune(s).")

        _tab_to(page, "sim-type")  # the type and the ages
        page.keyboard.type("CPTS")
        assert page.locator("#sim-type").input_value() == "CPTS"
        _tab_to(page, "sim-ages")
        page.keyboard.type("0-120")
        _tab_to(page, "sim-calculer")
        page.keyboard.press("Enter")
        expect(page.locator("body")).to_have_attribute("data-simulation", "prete", timeout=READY)
        assert page.evaluate("document.activeElement.tagName + ' ' + document.activeElement.textContent").startswith("H3 Bilan au")
        expect(said).to_contain_text("12 commune(s) changent d'état pour CPTS", timeout=READY)
        expect(said).to_contain_text("en projet → couvert")
        expect(page.locator("#sim-bilan table.bilan tr", has_text="Lozère")).to_contain_text("CPTS 0-120")
        assert {_fill(page, code) for code in GEVAUDAN} == {COVERED}
        assert "sim=CPTS%7C0-120%7C" + "%2C".join(GEVAUDAN) in page.evaluate("location.hash")
        view(page, tmp_path, "clavier-simulation-bilan")
        _tab_to(page, "sim-xlsx")  # the balance exported from the keyboard too
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
        assert len(list(book["communes"].iter_rows(values_only=True))) == 13
