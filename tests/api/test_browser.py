"""The map and the API's documentation in a real headless Chromium (Debian's, driven by Playwright; no
browser download), served by a real service. Every page must work with the network off: a request
that leaves the loopback is aborted and fails the test. Screenshots are written to the test's tmp
folder (the path is printed)."""

from __future__ import annotations

import re

import contextlib
import csv
import io
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect, sync_playwright

from running import running_service

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = 60_000


@pytest.fixture(scope="module")
def served(national):
    with running_service(national) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield url, browser
        finally:
            browser.close()


@contextlib.contextmanager
def page_at(served, path: str, ready: bool = True):
    """A page of the service at ``path``, with every non-loopback request aborted and recorded."""
    url, browser = served
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    external: list[str] = []

    def offline(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    try:
        page.goto(url + path)
        if ready:
            expect(page.locator("body")).to_have_attribute("data-pret", "oui", timeout=30_000)
        yield page
        assert external == [], f"la page a demandé le réseau extérieur : {external}"
    finally:
        context.close()


def shot(page, tmp_path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    print(f"capture d'écran : {path}")


def layer_ready(page) -> None:
    expect(page.locator("body")).to_have_attribute("data-couche", "prete", timeout=READY)


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
    layer_ready(page)


def test_click_muret_and_read_who_covers_it(served, tmp_path):
    with page_at(served, "/carte/") as page:
        _draw(page, "Haute-Garonne (31)", ages="0-12", type="ILC")
        muret = page.locator("path.commune-31395")
        expect(muret).to_have_count(1)
        muret.click()
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("Muret (31395)", timeout=30_000)
        expect(panel).to_contain_text("ILC Toulouse-Sud")
        expect(panel).to_contain_text("chemin : Muret ∈ CA Le Muretain Agglo ∈ Toulouse-Sud")
        expect(panel).to_contain_text("âges 0-12")
        expect(page.locator("#etat")).to_contain_text("couverte(s) sur 586")
        shot(page, tmp_path, "carte-muret")


def test_gaps_layer_shows_gap_and_unknown_apart(served, tmp_path):
    """Lozère, CPTS: communes a known CPTS covers, and the others as unknown (no inventory), not gaps."""
    with page_at(served, "/carte/") as page:
        _draw(page, "Lozère (48)", layer="gaps", type="CPTS", date="2024-06-01")
        expect(page.locator(".legende")).to_contain_text("Inconnue : non couverte sans recensement complet")
        expect(page.locator("#etat")).to_contain_text("sur 152")
        shot(page, tmp_path, "carte-lacunes-lozere")


def test_the_map_says_where_the_registry_is_silent_deduced_or_old(served, tmp_path):
    """Paris is painted "hors registre"; the Toulouse-Sud ILC's deduced perimeter is hatched; its panel
    says the last observation is old ("à confirmer")."""
    with page_at(served, "/carte/") as page:
        _draw(page, "Paris (75)")
        legend = page.locator(".legende")
        expect(legend).to_contain_text("Hors registre")
        expect(page.locator("path.commune-75056")).to_have_attribute("fill", "#f7f7f2", timeout=60_000)
        shot(page, tmp_path, "carte-hors-registre")
        _draw(page, "Haute-Garonne (31)", ages="0-12", type="ILC", date="2026-12-01")
        expect(legend).to_contain_text("Périmètre déduit")
        muret = page.locator("path.commune-31395")
        expect(muret).to_have_attribute("fill", re.compile(r"^url\(#hachures-"), timeout=60_000)
        muret.click()
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("en projet", timeout=30_000)
        expect(panel.locator(".constat.perime").first).to_contain_text("à confirmer")
        expect(panel).to_contain_text("périmètre déduit")
        shot(page, tmp_path, "carte-deduit-a-confirmer")


def test_search_a_postcode_opens_muret(served, tmp_path):
    with page_at(served, "/carte/") as page:
        page.locator("#recherche").fill("31600")
        expect(page.locator("#resultats")).to_contain_text("Muret (31395", timeout=30_000)
        expect(page.locator("#resultats")).to_contain_text("code postal 31600")
        page.locator("#recherche").press("Enter")
        expect(page.locator("#panneau")).to_contain_text("Muret (31395)", timeout=READY)
        layer_ready(page)
        expect(page.locator("path.commune-31395.choisie")).to_have_count(1)
        assert "commune=31395" in page.url and "d=31" in page.url
        # at close zoom the communes are named on the map
        expect(page.locator(".etiquette", has_text="Muret")).to_have_count(1, timeout=10_000)
        assert int(page.locator("body").get_attribute("data-etiquettes")) > 1
        shot(page, tmp_path, "carte-recherche-31600")


def test_a_shared_address_restores_the_view(served, tmp_path):
    address = "/carte/#d=48&c=gaps&t=CPTS&a=0-12&on=2024-06-01&commune=48095"
    with page_at(served, address) as page:
        layer_ready(page)
        assert page.locator("#departement").evaluate("s => Array.from(s.selectedOptions).map(o => o.value)") == ["48"]
        assert (page.locator("#couche").input_value(), page.locator("#type").input_value(),
                page.locator("#ages").input_value(), page.locator("#date").input_value()) == ("gaps", "CPTS", "0-12", "2024-06-01")
        expect(page.locator("#panneau")).to_contain_text("Mende (48095)", timeout=READY)
        expect(page.locator("#panneau")).to_contain_text("1er juin 2024")  # dates in French
        expect(page.locator("#etat")).to_contain_text("sur 152")
        shot(page, tmp_path, "carte-adresse-partagee")


def test_occitanie_in_one_view_and_its_exports_open(served, tmp_path):
    with page_at(served, "/carte/") as page:
        page.locator("#date").fill("2024-06-01")
        page.locator("#type").select_option("DAC")
        page.locator("#region").select_option("76")
        layer_ready(page)
        communes = int(page.locator("#etat").inner_text().split(" sur ")[1].split()[0])
        drawn = page.locator("path.commune").count()
        assert communes > 4000 and 0 <= communes - drawn <= 5  # the 13 départements; a few communes lack an outline
        assert "r=76" in page.url
        expect(page.locator(".legende")).to_contain_text("Couverte par au moins un dispositif")
        shot(page, tmp_path, "carte-occitanie")
        with page.expect_download() as sheet:
            page.locator("#export-xlsx").click()
        saved = tmp_path / sheet.value.suggested_filename
        sheet.value.save_as(saved)
        assert saved.suffix == ".xlsx"
        book = openpyxl.load_workbook(saved)
        rows = list(book.active.iter_rows(values_only=True))
        assert rows[0][:3] == ("code", "name", "status") and len(rows) - 1 == communes
        with page.expect_download() as table:
            page.locator("#export-csv").click()
        assert table.value.suggested_filename.endswith(".csv")
        text = open(table.value.path(), encoding="utf-8-sig").read()
        lines = list(csv.DictReader(io.StringIO(text), delimiter=";"))
        assert len(lines) == communes
        assert {r["status"] for r in lines} <= {"couverte", "en-projet", "suspendue", "inconnue", "non-couverte",
                                                "type-non-recense", "hors-registre"}
        assert next(r for r in lines if r["code"] == "31395")["status"] == "couverte"


def test_a_territory_without_outlines_says_so_and_clears_the_old_drawing(served, tmp_path):
    with page_at(served, "/carte/") as page:
        _draw(page, "Haute-Garonne (31)")
        page.locator("#departement").select_option("975")
        expect(page.locator("body")).to_have_attribute("data-couche", "sans-contours", timeout=READY)
        expect(page.locator("#etat")).to_contain_text("Aucun contour de communes connu pour Saint-Pierre-et-Miquelon")
        expect(page.locator("path.commune")).to_have_count(0)
        expect(page.locator("#panneau")).not_to_contain_text("Muret")
        shot(page, tmp_path, "carte-975")


def test_invalid_ages_clear_the_colours(served, tmp_path):
    with page_at(served, "/carte/") as page:
        _draw(page, "Lozère (48)")
        page.locator("path.commune-48095").click()
        expect(page.locator("#panneau")).to_contain_text("Mende (48095)", timeout=READY)
        page.locator("#ages").fill("12-3")
        page.locator("#ages").press("Tab")
        expect(page.locator("body")).to_have_attribute("data-couche", "erreur", timeout=READY)
        expect(page.locator("#etat")).to_contain_text("Âges « 12-3 » invalides")
        fills = set(page.locator("path.commune").evaluate_all("ps => ps.map(p => p.getAttribute('fill'))"))
        assert fills == {"#cccccc"}
        expect(page.locator(".legende")).to_have_count(0)
        expect(page.locator("#exports")).to_be_hidden()
        # another département: the panel of a commune of the old one goes
        page.locator("#departement").select_option(label="Haute-Garonne (31)")
        expect(page.locator("#panneau")).not_to_contain_text("Mende", timeout=READY)
        shot(page, tmp_path, "carte-ages-invalides")


@pytest.mark.parametrize("path, title", [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")])
def test_the_docs_render_with_the_network_off(served, tmp_path, path, title):
    with page_at(served, path, ready=False) as page:
        expect(page.locator(title).first).to_contain_text("Maillage", timeout=30_000)
        expect(page.locator("body")).to_contain_text("/v1/who-covers", timeout=30_000)
        shot(page, tmp_path, "docs" + path.replace("/", "-"))


def test_propose_a_correction_from_the_panel_and_read_the_pending_list(served, tmp_path):
    """From Muret's panel: a proposal holding a phone number is refused on the spot; a sourced one is
    validated, shown with its report, listed pending by /v1/proposals, and not published."""
    url, _ = served
    new_name = "ILC Toulouse-Sud (Muretain et Savès)"
    with page_at(served, "/carte/#d=31&commune=31395") as page:
        layer_ready(page)
        card = page.locator("#panneau .dispositif", has_text="ILC Toulouse-Sud").first
        expect(card).to_be_visible(timeout=READY)
        card.locator("summary", has_text="Signaler une correction").click()
        form = card.locator("form.correction")
        form.locator("select[name=champ]").select_option("|name")
        form.locator("input[name=valeur]").fill(new_name)
        form.locator("input[name=titre]").fill("RAP 31, page des instances locales de concertation")
        form.locator("input[name=adresse]").fill("https://rap31.fr/ilc")
        form.locator("input[name=jour]").fill("2025-03-01")
        form.locator("textarea[name=extrait]").fill("pour tout renseignement : 05 61 00 00 00")
        form.locator("button[type=submit]").click()
        body = page.locator("body")
        expect(body).to_have_attribute("data-proposition", "refusee", timeout=READY)
        expect(form.locator(".rapport")).to_contain_text("numéro de téléphone")
        form.locator("textarea[name=extrait]").fill("l'ILC Toulouse-Sud réunit les partenaires du Muretain et du Savès")
        form.locator("button[type=submit]").click()
        expect(body).to_have_attribute("data-proposition", "enregistree", timeout=240_000)
        report = form.locator(".rapport")
        expect(report).to_contain_text("en attente de l'opérateur")
        expect(report.locator("pre")).to_contain_text(f'name: "{new_name}"')
        ident = report.locator("a").first.inner_text()
        report.scroll_into_view_if_needed()
        shot(page, tmp_path, "carte-proposition")
        pending = page.request.get(url + "/v1/proposals").json()
        mine = next(p for p in pending["items"] if p["id"] == ident)
        assert (mine["state"], mine["proposal"]["set"], mine["proposal"]["instance"]) == (
            "pending", {"name": new_name}, card.locator("form.correction").get_attribute("data-instance"))
        who = page.request.get(url + "/v1/who-covers", params={"place": "31395"}).json()
        assert new_name not in {i["name"] for i in who["instances"]}


def test_what_changed_since_a_date_is_drawn_and_listed(served, tmp_path):
    """Haute-Garonne, DAC, since 1 June 2019: the PTA 31 → DAC 31 handover is listed, and the communes
    that gained a DAC are drawn (every one of the 586, none lost)."""
    with page_at(served, "/carte/") as page:
        _draw(page, "Haute-Garonne (31)", type="DAC")
        page.locator("#depuis").select_option("date")
        page.locator("#depuis-date").fill("2019-06-01")
        expect(page.locator("body")).to_have_attribute("data-changements", "prets", timeout=READY)
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("Ce qui a changé depuis le 1er juin 2019")
        expect(panel.locator("h3")).to_have_text("Haute-Garonne (31)")
        expect(panel.locator(".relais", has_text="pta-31 → dac-31")).to_have_count(1)
        expect(panel).to_contain_text("DAC · ")
        assert page.locator("path.commune.gagnee").count() == 586
        assert page.locator("path.commune.perdue").count() == 0
        assert "s=2019-06-01" in page.url
        shot(page, tmp_path, "carte-changements-2019")


@pytest.mark.parametrize("address, layer", [("#d=48&c=gaps&t=CPTS&on=2024-06-01", "gaps"),
                                            ("#d=31&t=ILC&a=0-12&on=2019-06-01", "coverage")])
def test_one_count_for_one_thing_status_line_legend_layer_and_table(served, tmp_path, address, layer):
    """The status line, the legend, the layer's JSON and the view's CSV count each status alike: a
    planned CPTS is not counted covered in the status line while the legend says 0 covered."""
    url, _ = served
    with page_at(served, "/carte/" + address) as page:
        layer_ready(page)
        legend = {row.get_attribute("data-statut"): int(row.locator(".compte").inner_text().strip("()"))
                  for row in page.locator(".legende [data-statut]").all()}
        line = page.locator("#etat").inner_text()
        covered, total = re.match(r"(\d+) commune\(s\) couverte\(s\) sur (\d+)", line).groups()
        code = address.split("d=")[1].split("&")[0]
        params = {"territory": f"departement:{code}", "type": address.split("t=")[1].split("&")[0],
                  "on": address.split("on=")[1]}
        if "a=" in address:
            params["ages"] = address.split("a=")[1].split("&")[0]
        answer = page.request.get(f"{url}/v1/layers/{layer}", params=params).json()
        first = next(iter(answer["legend"]))
        assert legend == answer["counts"] and set(legend) == set(answer["legend"])  # every state, zeros included
        assert int(covered) == answer["counts"][first] and int(total) == len(answer["communes"]) == sum(legend.values())
        for status, n in answer["counts"].items():  # the others, as the status line names them
            if n and status != first:
                assert f"{n} {status.replace('-', ' ')}" in line, (status, line)
        table = page.request.get(f"{url}/v1/layers/{layer}", params={**params, "format": "csv"}).text()
        rows = list(csv.DictReader(io.StringIO(table)))
        assert {s: sum(1 for r in rows if r["status"] == s) for s in answer["counts"]} == answer["counts"]
        shot(page, tmp_path, f"carte-un-compte-{layer}-{code}")


def test_the_lozere_dac_layer_says_the_national_rule_expects_one(served, tmp_path):
    with page_at(served, "/carte/#d=48&t=DAC&on=2024-06-01") as page:
        layer_ready(page)
        expect(page.locator(".legende .regle")).to_contain_text("La règle nationale prévoit un DAC")
        expect(page.locator(".legende .regle")).to_contain_text("le registre ne l'a pas trouvé")
        page.locator("path.commune-48095").click()
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("Recensé, aucun trouvé", timeout=READY)
        expect(panel.locator(".regle")).to_contain_text("La règle nationale prévoit un DAC")
        shot(page, tmp_path, "carte-regle-dac-lozere")


def test_the_panel_shows_an_ended_role_as_ended(served, tmp_path):
    with page_at(served, "/carte/#d=31&t=ILC&a=0-12&on=2024-06-01&commune=31483") as page:
        layer_ready(page)
        role = page.locator("#panneau .role.termine", has_text="ASEI")
        expect(role).to_contain_text("jusqu'en 2018 (terminé)", timeout=READY)
        shot(page, tmp_path, "carte-role-termine")
