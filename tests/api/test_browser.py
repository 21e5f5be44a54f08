"""The map in a real headless Chromium (Debian's, driven by Playwright; no browser download): pick
Haute-Garonne and ages 0-12, click Muret, read the Toulouse-Sud ILC and why it covers Muret."""

from __future__ import annotations

import re

import contextlib

import pytest
from playwright.sync_api import expect, sync_playwright

from running import running_service

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def map_page(settings):
    """The map served by a real service, open in headless Chromium, ready; and the outside requests."""
    with running_service(settings) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            external: list[str] = []
            page.on("request", lambda r: external.append(r.url) if not r.url.startswith((url, "data:")) else None)
            page.goto(url + "/carte/")
            expect(page.locator("body")).to_have_attribute("data-pret", "oui", timeout=30_000)
            yield page, external
        finally:
            browser.close()


def _draw(page, departement: str, ages: str | None = None, layer: str | None = None, type: str | None = None,
          date: str | None = None) -> None:
    """Choose the map's inputs as a planner would, then wait for the layer to be drawn."""
    page.evaluate("document.body.dataset.couche = ''")  # a layer drawn before is not this one
    if ages is not None:
        page.locator("#ages").fill(ages)
        page.locator("#ages").press("Tab")
    if layer is not None:
        page.locator("#couche").select_option(layer)
    if type is not None:
        page.locator("#type").select_option(type)
    if date is not None:
        page.locator("#date").fill(date)
    page.locator("#departement").select_option(label=departement)
    expect(page.locator("body")).to_have_attribute("data-couche", "prete", timeout=60_000)


def test_click_muret_and_read_who_covers_it(national, tmp_path):
    with map_page(national) as (page, external):
        _draw(page, "Haute-Garonne (31)", ages="0-12", type="ILC")
        muret = page.locator("path.commune-31395")
        expect(muret).to_have_count(1)
        muret.click()
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("Muret (31395)", timeout=30_000)
        expect(panel).to_contain_text("ILC Toulouse-Sud")
        expect(panel).to_contain_text("chemin : Muret ∈ CA Le Muretain Agglo ∈ Toulouse-Sud")
        expect(panel).to_contain_text("âges 0-12")
        uncovered = page.locator("#etat")
        expect(uncovered).to_contain_text("couverte(s) sur 586")
        shot = tmp_path / "carte-muret.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"capture d'écran : {shot}")
        assert external == [], f"la carte a demandé le réseau extérieur : {external}"


def test_gaps_layer_shows_gap_and_unknown_apart(national, tmp_path):
    """Lozère, CPTS: communes a known CPTS covers, and the others as unknown (no inventory), not gaps."""
    with map_page(national) as (page, external):
        _draw(page, "Lozère (48)", layer="gaps", type="CPTS", date="2024-06-01")
        legend = page.locator(".legende")
        expect(legend).to_contain_text("Inconnue : non couverte, sans recensement complet")
        expect(page.locator("#etat")).to_contain_text("sur 152")
        page.screenshot(path=str(tmp_path / "carte-lacunes-lozere.png"), full_page=True)
        assert external == []


def test_the_map_says_where_the_registry_is_silent_deduced_or_old(national, tmp_path):
    """Paris is painted "hors registre"; the Toulouse-Sud ILC's deduced perimeter is hatched; its panel
    says the last observation is old ("à confirmer")."""
    with map_page(national) as (page, external):
        _draw(page, "Paris (75)")
        legend = page.locator(".legende")
        expect(legend).to_contain_text("Hors registre")
        expect(legend).to_contain_text("Périmètre déduit")
        expect(page.locator("path.commune-75056")).to_have_attribute("fill", "#f7f7f2", timeout=60_000)
        page.screenshot(path=str(tmp_path / "carte-hors-registre.png"), full_page=True)
        _draw(page, "Haute-Garonne (31)", ages="0-12", type="ILC", date="2026-12-01")
        muret = page.locator("path.commune-31395")
        expect(muret).to_have_attribute("fill", re.compile(r"^url\(#hachures-"), timeout=60_000)
        muret.click()
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("en projet", timeout=30_000)
        expect(panel.locator(".constat.perime").first).to_contain_text("à confirmer")
        expect(panel).to_contain_text("périmètre déduit")
        shot = tmp_path / "carte-deduit-a-confirmer.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"captures d'écran : {tmp_path}")
        assert external == []
