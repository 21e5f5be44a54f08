"""The map and the API's documentation in a real headless Chromium (Debian's, driven by Playwright; no
browser download), served by a real service. Every page must work with the network off: a request
that leaves the loopback is aborted and fails the test. Every view of the map is checked by axe-core
(the pinned npm package) for accessibility violations, and its screenshot is written to the test's tmp
folder (the path is printed; pytest keeps the last three runs' folders)."""

from __future__ import annotations

import re

import contextlib
import csv
import io
from urllib.parse import urlsplit

import openpyxl
import pytest
from playwright.sync_api import expect, sync_playwright

from core.settings import PROJECT_ROOT
from queries.palette import COVERED
from running import running_service

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = 60_000
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def served(national):
    with running_service(national) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield url, browser
        finally:
            browser.close()


@contextlib.contextmanager
def page_at(served, path: str, ready: bool = True, viewport: dict | None = None):
    """A page of the service at ``path``, with every non-loopback request aborted and recorded."""
    url, browser = served
    context = browser.new_context(viewport=viewport or DESKTOP, accept_downloads=True)
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


def accessible(page) -> None:
    """axe-core finds no violation in the page as it stands (every rule, every impact)."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
        .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }))""")
    assert found == [], f"axe-core : {found}"


def view(page, tmp_path, name: str) -> None:
    """A view of the map: no accessibility violation, and its screenshot kept."""
    accessible(page)
    shot(page, tmp_path, name)


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
        view(page, tmp_path, "carte-muret")


def test_gaps_layer_shows_gap_and_unknown_apart(served, tmp_path):
    """Lozère, CPTS: communes a known CPTS covers, and the others as unknown (no inventory), not gaps."""
    with page_at(served, "/carte/") as page:
        _draw(page, "Lozère (48)", layer="gaps", type="CPTS", date="2024-06-01")
        expect(page.locator(".legende")).to_contain_text("Inconnue : non couverte sans recensement complet")
        expect(page.locator("#etat")).to_contain_text("sur 152")
        view(page, tmp_path, "carte-lacunes-lozere")


def test_the_map_says_where_the_registry_is_silent_deduced_or_old(served, tmp_path):
    """Paris is painted "hors registre"; the Toulouse-Sud ILC's deduced perimeter is hatched; its panel
    says the last observation is old ("à confirmer")."""
    with page_at(served, "/carte/") as page:
        _draw(page, "Paris (75)")
        legend = page.locator(".legende")
        expect(legend).to_contain_text("Hors registre")
        expect(page.locator("path.commune-75056")).to_have_attribute("fill", "#f7f7f2", timeout=60_000)
        view(page, tmp_path, "carte-hors-registre")
        _draw(page, "Haute-Garonne (31)", ages="0-12", type="ILC", date="2026-12-01")
        expect(legend).to_contain_text("Périmètre déduit")
        muret = page.locator("path.commune-31395")
        expect(muret).to_have_attribute("fill", re.compile(r"^url\(#hachures-"), timeout=60_000)
        muret.click()
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("en projet", timeout=30_000)
        expect(panel.locator(".constat.perime").first).to_contain_text("à confirmer")
        expect(panel).to_contain_text("périmètre déduit")
        view(page, tmp_path, "carte-deduit-a-confirmer")


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
        view(page, tmp_path, "carte-recherche-31600")


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
        view(page, tmp_path, "carte-adresse-partagee")


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
        # drawn once, in the layer's colours (the outlines are added to the map after the layer's answer)
        fills = page.locator("path.commune").evaluate_all("ps => ps.map(p => p.getAttribute('fill'))")
        covered = int(page.locator("#etat").inner_text().split()[0])
        assert 0 <= covered - fills.count(COVERED) <= 5 and covered > 800 and "#cccccc" not in fills  # a few lack an outline
        view(page, tmp_path, "carte-occitanie")
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
        view(page, tmp_path, "carte-975")


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
        view(page, tmp_path, "carte-ages-invalides")


@pytest.mark.parametrize("path, title", [("/docs", ".swagger-ui .info .title"), ("/redoc", "h1")])
def test_the_docs_render_with_the_network_off(served, tmp_path, path, title):
    with page_at(served, path, ready=False) as page:
        expect(page.locator(title).first).to_contain_text("Maillage", timeout=30_000)
        expect(page.locator("body")).to_contain_text("/v1/who-covers", timeout=30_000)
        shot(page, tmp_path, "docs" + path.replace("/", "-"))


def _correction_form(page, name: str):
    card = page.locator("#panneau .dispositif", has_text=name).first
    expect(card).to_be_visible(timeout=READY)
    card.locator("summary", has_text="Signaler une correction").click()
    return card, card.locator("form.correction")


def _source(form, excerpt: str, day: str = "2025-03-01") -> None:
    form.locator("input[name=titre]").fill("RAP 31, page des instances locales de concertation")
    form.locator("input[name=adresse]").fill("https://rap31.fr/ilc")
    form.locator("input[name=jour]").fill(day)
    form.locator("textarea[name=extrait]").fill(excerpt)


def _send(page, form) -> None:
    """Check the proposal (the change is shown), then send it."""
    form.locator("button[type=submit]").click()
    expect(page.locator("body")).to_have_attribute("data-proposition", "apercu", timeout=10_000)
    form.locator(".apercu button.envoyer").click()


def test_propose_a_correction_from_the_panel_and_read_the_pending_list(served, tmp_path):
    """From Muret's panel: a proposal holding a phone number is refused on the spot; a sourced one is
    validated, shown with its report, listed pending by /v1/proposals, and not published."""
    url, _ = served
    new_name = "ILC Toulouse-Sud (Muretain et Savès)"
    with page_at(served, "/carte/#d=31&commune=31395") as page:
        layer_ready(page)
        card, form = _correction_form(page, "ILC Toulouse-Sud")
        form.locator("select[name=champ]").select_option("|name")
        form.locator("input[name=valeur]").fill(new_name)
        _source(form, "pour tout renseignement : 05 61 00 00 00")
        _send(page, form)
        body = page.locator("body")
        expect(body).to_have_attribute("data-proposition", "refusee", timeout=READY)
        expect(form.locator(".rapport")).to_contain_text("numéro de téléphone")
        form.locator("textarea[name=extrait]").fill("l'ILC Toulouse-Sud réunit les partenaires du Muretain et du Savès")
        _send(page, form)
        expect(body).to_have_attribute("data-proposition", "enregistree", timeout=240_000)
        report = form.locator(".rapport")
        expect(report).to_contain_text("en attente de l'opérateur")
        expect(report.locator("pre")).to_contain_text(f'name: "{new_name}"')
        ident = report.locator("a").first.inner_text()
        report.scroll_into_view_if_needed()
        view(page, tmp_path, "carte-proposition")
        pending = page.request.get(url + "/v1/proposals").json()
        mine = next(p for p in pending["items"] if p["id"] == ident)
        assert (mine["state"], mine["proposal"]["set"], mine["proposal"]["instance"]) == (
            "pending", {"name": new_name}, card.locator("form.correction").get_attribute("data-instance"))
        who = page.request.get(url + "/v1/who-covers", params={"place": "31395"}).json()
        assert new_name not in {i["name"] for i in who["instances"]}


def test_the_correction_form_takes_what_a_planner_types(served, tmp_path):
    """« actif » and « 1er mars 2025 » are read; required fields are marked and named when missing; the
    change is shown before sending; the status note the change contradicts is flagged and rewritten."""
    url, _ = served
    with page_at(served, "/carte/#d=31&t=ILC&a=0-12&commune=31395") as page:
        layer_ready(page)
        _, form = _correction_form(page, "ILC Toulouse-Sud")
        expect(form.locator("abbr.requis")).to_have_count(5)  # the help line, then the four required fields
        form.locator("select[name=champ]").select_option("status[-1]|value")
        flagged = form.locator(".contredite")
        expect(flagged).to_be_visible()
        expect(flagged).to_contain_text("chargés de mission encore attendus")
        form.locator("button[type=submit]").click()
        body, report = page.locator("body"), form.locator(".rapport")
        expect(body).to_have_attribute("data-proposition", "incomplete")
        for field in ("Nouvelle valeur", "Titre de la source", "Adresse de la source", "Date de la source", "Extrait"):
            expect(report).to_contain_text(f"« {field} »")
        expect(form.locator("input[name=jour]")).to_have_attribute("aria-invalid", "true")
        form.locator("input[name=valeur]").fill("actif")
        _source(form, "l'ILC Toulouse-Sud fonctionne depuis mars 2025", day="32 mars 2025")
        form.locator("button[type=submit]").click()
        expect(report).to_contain_text("« Date de la source » : « 32 mars 2025 » n'est pas une date")
        form.locator("input[name=jour]").fill("1er mars 2025")
        expect(form.locator(".compris")).to_contain_text("compris : actif · date de la source : 1er mars 2025")
        flagged.locator("input[name=remplacer]").check()
        flagged.locator("textarea[name=note]").fill("Instance réunie depuis mars 2025.")
        form.locator("button[type=submit]").click()
        preview = form.locator(".apercu")
        expect(preview).to_contain_text("État actuel : « en projet » → « actif »")
        expect(preview).to_contain_text("Note : « Instance réunie depuis mars 2025. »")
        view(page, tmp_path, "carte-correction-apercu")
        preview.locator("button.envoyer").click()
        expect(body).to_have_attribute("data-proposition", "enregistree", timeout=240_000)
        ident = report.locator("a").first.inner_text()
        mine = next(p for p in page.request.get(url + "/v1/proposals").json()["items"] if p["id"] == ident)
        assert mine["proposal"]["set"] == {"value": "active", "note": "Instance réunie depuis mars 2025."}
        assert mine["proposal"]["source"]["date"] == "2025-03-01" and mine["proposal"]["record"] == "status[-1]"
        view(page, tmp_path, "carte-correction-envoyee")


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
        expect(panel.locator(".relais", has_text="PTA 31 → DAC 31")).to_have_count(1)  # by name, not by identifier
        expect(panel.locator(".relais", has_text="pta-31")).to_have_count(0)
        expect(panel).to_contain_text("DAC · ")
        assert page.locator("path.commune.gagnee").count() == 586
        assert page.locator("path.commune.perdue").count() == 0
        assert "s=2019-06-01" in page.url
        view(page, tmp_path, "carte-changements-2019")


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
        view(page, tmp_path, f"carte-un-compte-{layer}-{code}")


def test_the_lozere_dac_layer_says_the_national_rule_expects_one(served, tmp_path):
    with page_at(served, "/carte/#d=48&t=DAC&on=2024-06-01") as page:
        layer_ready(page)
        expect(page.locator(".legende .regle")).to_contain_text("La règle nationale prévoit un DAC")
        expect(page.locator(".legende .regle")).to_contain_text("le registre ne l'a pas trouvé")
        page.locator("path.commune-48095").click()
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("Recensé, aucun trouvé", timeout=READY)
        expect(panel.locator(".regle")).to_contain_text("La règle nationale prévoit un DAC")
        view(page, tmp_path, "carte-regle-dac-lozere")


def test_the_panel_shows_an_ended_role_as_ended(served, tmp_path):
    with page_at(served, "/carte/#d=31&t=ILC&a=0-12&on=2024-06-01&commune=31483") as page:
        layer_ready(page)
        role = page.locator("#panneau .role.termine", has_text="ASEI")
        expect(role).to_contain_text("jusqu'en 2018 (terminé)", timeout=READY)
        view(page, tmp_path, "carte-role-termine")


def _fill(page, selector: str) -> str:
    return page.locator(selector).first.get_attribute("fill")


def _legend_counts(page) -> dict[str, int]:
    return {row.get_attribute("data-statut"): int(row.locator(".compte").text_content().strip("()"))  # folded too
            for row in page.locator(".legende [data-statut]").all()}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1440x900", "390x844"])
def test_the_first_view_shows_where_the_registry_knows(served, tmp_path, viewport):
    """Before any choice: the départements coloured by what the registry knows of them (/v1/knowledge),
    per type; the status line says the legend's numbers; a click opens a département's communes."""
    url, _ = served
    size = f"{viewport['width']}x{viewport['height']}"
    with page_at(served, "/carte/", viewport=viewport) as page:
        layer_ready(page)
        expect(page.locator("body")).to_have_attribute("data-connaissance", "tous")
        known = page.request.get(url + "/v1/knowledge").json()
        every, colours = known["types"][0], known["colours"]
        assert every["type"] is None and {"31", "48"} <= {d["code"] for d in every["departements"]}
        for d in every["departements"]:
            assert _fill(page, f"path.departement-{d['code']}") == colours[d["knowledge"]], d["code"]
        assert _fill(page, "path.departement-33") == colours["hors-registre"]
        legend = _legend_counts(page)
        line = page.locator("#etat").inner_text()
        assert sum(legend.values()) == known["departements_total"] and f"sur {known['departements_total']}" in line
        assert f"{legend['hors-registre']} hors registre" in line
        assert f"de {known['departements_total'] - legend['hors-registre']} département(s)" in line
        expect(page.locator("#titre-vue")).to_have_text(re.compile(r"^Ce que le registre sait · toute la France · tous les types · au "))
        view(page, tmp_path, f"carte-premiere-vue-{size}")
        if viewport is PHONE:
            page.locator("#ouvrir-filtres").click()
        page.locator("#type").select_option("CPTS")
        expect(page.locator("body")).to_have_attribute("data-connaissance", "CPTS", timeout=READY)
        cpts = next(t for t in known["types"] if t["type"] == "CPTS")
        for d in cpts["departements"]:
            assert _fill(page, f"path.departement-{d['code']}") == colours[d["knowledge"]], d["code"]
        if viewport is PHONE:
            page.locator("#ouvrir-filtres").click()
            page.locator("#ouvrir-panneau").click()
        expect(page.locator("#panneau")).to_contain_text("environ 800 en France (FINESS, juillet 2026)")
        assert "type=CPTS" not in page.url and "t=CPTS" in page.url
        view(page, tmp_path, f"carte-premiere-vue-cpts-{size}")
        page.evaluate("document.body.dataset.couche = ''")
        page.locator("path.departement-48").dispatch_event("click")
        layer_ready(page)
        expect(page.locator("path.commune-48095")).to_have_count(1)
        expect(page.locator(".chef-lieu", has_text="Mende")).to_have_count(1)  # the chef-lieu named
        assert page.locator("path.departement-limite").count() > 90  # the départements' borders over the communes
        expect(page.locator("#titre-vue")).to_have_text(re.compile(r"^Couverture · Lozère \(48\) · type CPTS · tous âges · tous publics · au "))
        view(page, tmp_path, f"carte-lozere-cpts-{size}")


def test_the_map_fills_a_phone_and_its_choices_and_panel_are_drawers(served, tmp_path):
    with page_at(served, "/carte/", viewport=PHONE) as page:
        layer_ready(page)
        box = page.locator("#carte").bounding_box()
        assert box["width"] == PHONE["width"] and box["height"] > 0.6 * PHONE["height"]
        expect(page.locator("#choix")).to_be_hidden()
        expect(page.locator("#panneau")).to_be_hidden()
        expect(page.locator(".legende")).not_to_have_attribute("open", "")  # folded: the map first
        page.locator("#ouvrir-filtres").click()
        expect(page.locator("#choix")).to_be_visible()
        expect(page.locator("#ouvrir-filtres")).to_have_attribute("aria-expanded", "true")
        view(page, tmp_path, "telephone-filtres")
        page.evaluate("document.body.dataset.couche = ''")
        page.locator("#type").select_option("DAC")
        page.locator("#departement").select_option("31")
        layer_ready(page)
        page.locator("#ouvrir-filtres").click()
        expect(page.locator("#choix")).to_be_hidden()
        assert page.locator("#carte").bounding_box()["width"] == PHONE["width"]
        page.locator("path.commune-31395").dispatch_event("click")
        panel = page.locator("#panneau")
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("Muret (31395)", timeout=READY)
        view(page, tmp_path, "telephone-panneau")


def test_a_keyboard_alone_goes_from_the_search_to_the_panel_to_the_correction_form(served, tmp_path):
    with page_at(served, "/carte/") as page:
        layer_ready(page)
        focused = "document.activeElement"
        page.keyboard.press("Tab")
        assert page.evaluate(f"{focused}.id") == "recherche"
        page.keyboard.type("Muret")
        expect(page.locator("#resultats [role=option]").first).to_contain_text("Muret (31395", timeout=30_000)
        page.keyboard.press("ArrowDown")  # into the suggestions, announced
        expect(page.locator("#recherche")).to_have_attribute("aria-activedescendant", "suggestion-0")
        expect(page.locator("#annonce")).to_contain_text("Muret (31395")
        page.keyboard.press("Enter")
        panel = page.locator("#panneau")
        expect(panel.locator("h2")).to_contain_text("Muret (31395)", timeout=READY)
        expect(panel.locator("h2")).to_be_focused()
        layer_ready(page)
        for _ in range(60):  # Tab through the panel to the first correction form
            page.keyboard.press("Tab")
            if page.evaluate(f"{focused}.tagName") == "SUMMARY":
                break
        assert page.evaluate(f"{focused}.textContent") == "Signaler une correction"
        page.keyboard.press("Enter")  # the form opens
        page.keyboard.press("Tab")
        assert page.evaluate(f"{focused}.name") == "champ"
        view(page, tmp_path, "clavier-formulaire")
        # the map is one Tab stop; inside, the arrows move to a neighbouring commune and Enter opens it
        assert page.locator("path.commune").count() > 500
        assert page.locator("path.commune:not([tabindex='-1'])").count() == 0
        page.locator("#carte").focus()
        expect(page.locator("body")).to_have_attribute("data-focalisee", "31395")
        page.keyboard.press("ArrowRight")
        neighbour = page.locator("body").get_attribute("data-focalisee")
        assert neighbour != "31395"
        touching, east = page.evaluate("""([a, b]) => [byCode[a].getBounds().pad(0.02).intersects(byCode[b].getBounds()),
            byCode[b].getBounds().getCenter().lng > byCode[a].getBounds().getCenter().lng]""", ["31395", neighbour])
        assert touching and east
        name = page.evaluate("(code) => byCode[code].feature.properties.nom", neighbour)
        expect(page.locator("#annonce")).to_contain_text(f"{name} ({neighbour})")
        expect(page.locator(f"path.commune-{neighbour}")).to_have_attribute("aria-label", re.compile(re.escape(name)))
        page.keyboard.press("Enter")
        expect(panel.locator("h2")).to_contain_text(f"({neighbour})", timeout=READY)
        expect(panel.locator("h2")).to_be_focused()
        view(page, tmp_path, "clavier-voisine")


def test_a_shared_address_pasted_into_an_open_tab_replaces_every_filter(served, tmp_path):
    with page_at(served, "/carte/#d=31&t=ILC&a=0-12&on=2019-06-01") as page:
        layer_ready(page)
        assert page.locator("#ages").input_value() == "0-12"
        page.evaluate("document.body.dataset.couche = ''")
        page.evaluate("location.hash = '#d=48'")
        layer_ready(page)
        assert (page.locator("#ages").input_value(), page.locator("#type").input_value()) == ("", "")
        assert page.locator("#date").input_value() != "2019-06-01"
        assert page.locator("#departement").evaluate("s => Array.from(s.selectedOptions).map(o => o.value)") == ["48"]
        assert "a=" not in page.url and "t=" not in page.url  # nothing written back
        view(page, tmp_path, "carte-adresse-collee")


def test_the_search_shows_the_answer_to_the_last_keystroke(served, tmp_path):
    with page_at(served, "/carte/") as page:
        # the answers to the first keystrokes arrive last
        page.evaluate("""() => { const original = window.fetch;
            window.fetch = (u, o) => { const q = new URL(u, location.href).searchParams.get("q") || "";
              const answer = original(u, o);
              return q && q.length < 8 ? new Promise((done) => setTimeout(() => done(answer), 1500)) : answer; }; }""")
        page.locator("#recherche").press_sequentially("Saint-Gaud", delay=40)
        options = page.locator("#resultats [role=option]")
        expect(options.first).to_contain_text("Saint-Gaudens", timeout=30_000)
        page.wait_for_timeout(2500)  # every late answer has arrived
        assert page.locator("body").get_attribute("data-suggestions") == "Saint-Gaud"
        assert all("Saint-Gaud" in t for t in options.all_inner_texts())


def test_the_panel_shows_one_quote_per_source_passage(served, tmp_path):
    url, _ = served
    with page_at(served, "/carte/#d=31&commune=31395") as page:
        layer_ready(page)
        panel = page.locator("#panneau")
        expect(panel).to_contain_text("Muret (31395)", timeout=READY)
        expect(panel.locator(".dispositif").first).to_be_visible()

        def plain(text):
            return re.sub(r"[\s«»\"'’.…,;:()-]+", " ", text.lower()).strip()

        shown = 0
        for source in panel.locator(".dispositif .source").all():
            quotes = [plain(q) for q in source.locator("blockquote, .paraphrase").all_inner_texts()]
            quotes = [q.removeprefix("selon la source ") for q in quotes]
            assert len(set(quotes)) == len(quotes)
            assert not any(a != b and a in b for a in quotes for b in quotes)
            shown += len(quotes)
        cited = sum(len(i["sources"]) for i in page.request.get(url + "/v1/who-covers", params={"place": "31395"}).json()["instances"])
        assert 0 < shown < cited  # MDPH 31, MDA 31, the ACT calls… cite a passage twice or inside a longer one
        view(page, tmp_path, "carte-une-citation-par-passage")


def test_marseille_is_drawn_by_arrondissement_when_a_layer_covers_part_of_it(served, tmp_path):
    """Bouches-du-Rhône, CPTS: each of Marseille's 16 arrondissements drawn over the commune in its own
    status's colour (13201, in no CPTS, apart from 13214, CPTS Actes Santé's); Lozère's layer draws none."""
    with page_at(served, "/carte/") as page:
        _draw(page, "Bouches-du-Rhône (13)", type="CPTS", date="2026-06-01")
        parts = page.locator("path.arrondissement")
        expect(parts).to_have_count(16, timeout=READY)
        first, fourteenth = (page.locator(f"path.arrondissement-{code}").get_attribute("fill") for code in ("13201", "13214"))
        assert first and fourteenth and first != fourteenth
        view(page, tmp_path, "carte-marseille-arrondissements")
        _draw(page, "Lozère (48)", type="CPTS", date="2026-06-01")
        expect(page.locator("path.arrondissement")).to_have_count(0)
