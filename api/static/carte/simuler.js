// « Simuler » : draw a hypothetical instance on the map before it exists. Click communes to draw its
// perimeter, choose its type and ages, and POST /v1/scenarios (nothing is written) answers what would
// change: the map shows the gaps layer of the type with the simulated states, the panel the balance
// (communes and population changing state, overlaps created). The simulation is kept in the address
// (sim=TYPE|AGES|codes), exported as CSV or XLSX, and proposed as a correction in one step (a new
// instance, en projet, POST /v1/proposals). Uses carte.js's globals ($, say, escape, saveAddress,
// loadLayer, statuses, inferred, styleOf, outlines, byCode, chosen, day, departementOf, announce, ask, all) and
// propose.js's send. Without a mouse: the button, the search (a commune found joins the perimeter), Enter on
// the map (keyboard.js), an EPCI's field, a « Retirer » button per commune; each change is said aloud (#annonce),
// and so is the balance, where the focus then goes.
"use strict";

const sim = { on: false, type: "CPTS", ages: "", name: "", communes: new Set(), answer: null, names: {} };

function simulationValue() {  // carte.js's saveAddress keeps it in the address
  return sim.on ? [sim.type, sim.ages, [...sim.communes].sort().join(",")].join("|") : "";
}

// A commune clicked, chosen in the search or by Enter on the map (keyboard.js): carte.js asks here
// first; true when it is taken. It joins the perimeter, or leaves it if there, and that is said aloud.
function simulate(code, name) {
  if (!sim.on) return false;
  if (name) sim.names[code] = name;
  const added = !sim.communes.has(code);
  if (added) sim.communes.add(code); else sim.communes.delete(code);
  perimeterChanged();
  announce(`${nameOf(code)} (${code}) ${added ? "ajoutée au" : "retirée du"} périmètre : ${sim.communes.size} commune(s).`);
  return true;
}

function perimeterChanged() {
  sim.answer = null;
  markPerimeter();
  saveAddress();
  showSimulation();
}

function nameOf(code) { return byCode[code]?.feature.properties.nom || sim.names[code] || code; }

// An EPCI found by its SIREN or name (/v1/places: the whole name or its start), else by a word of its
// name among every EPCI (« Gévaudan » finds « CC du Gévaudan »); several: the planner is asked to choose.
let epciList = null;
const folded = (t) => String(t).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

async function findEpci(text) {
  const found = (await ask("/v1/places", { q: text, kind: "epci", limit: 1 })).items;
  if (found.length) return found;
  epciList ||= await all("/v1/territories/epci");
  const key = folded(text);
  return epciList.filter((e) => folded(e.name).includes(key));
}

// An EPCI's communes added to the perimeter or taken out of it.
async function epciToPerimeter(add) {
  const text = $("sim-epci").value.trim();
  if (text.length < 2) { announce("Saisissez le nom ou le numéro SIREN d'un EPCI."); return; }
  try {
    const found = await findEpci(text);
    if (!found.length) { announce(`Aucun EPCI trouvé pour « ${text} ».`); return; }
    if (found.length > 1) {
      announce(`Plusieurs EPCI pour « ${text} » : ${found.slice(0, 6).map((e) => e.name).join(", ")}${found.length > 6 ? "…" : ""}. Précisez.`);
      return;
    }
    const communes = await all(`/v1/territories/epci/${encodeURIComponent(found[0].code)}/communes`);
    for (const c of communes) {
      sim.names[c.code] = c.name;
      if (add) sim.communes.add(c.code); else sim.communes.delete(c.code);
    }
    sim.epci = "";
    perimeterChanged();
    announce(`${found[0].name} : ${communes.length} commune(s) ${add ? "ajoutée(s) au" : "retirée(s) du"} périmètre, `
             + `${sim.communes.size} en tout.`);
  } catch (err) {
    announce(err.message);
  }
}

function markPerimeter() {
  for (const [code, layer] of Object.entries(byCode)) layer.getElement?.()?.classList.toggle("simulee", sim.communes.has(code));
}

function scenario() {
  const change = { kind: "new", type: sim.type, perimeter: [...sim.communes].sort().map((c) => `commune:${c}`) };
  if (sim.ages) change.ages = sim.ages;
  if (sim.name) change.name = sim.name;
  return { on: $("date").value || undefined, changes: [change] };
}

async function postScenario(format, table) {
  const query = format ? `?format=${format}${table ? `&table=${table}` : ""}` : "";
  const response = await fetch(`/v1/scenarios${query}`, { method: "POST", body: JSON.stringify(scenario()),
                                                          headers: { "Content-Type": "application/json" } });
  if (!response.ok) {
    let body = {};
    try { body = await response.json(); } catch (err) { /* the status says enough */ }
    throw new Error(body.message || `Erreur ${response.status} du service.`);
  }
  return response;
}

function names() {
  return [...sim.communes].sort().map(nameOf);
}

function balanceHtml(answer) {
  const n = (x) => Number(x).toLocaleString("fr-FR");
  const moves = answer.moves.map((m) => `<tr><td>${escape(m.departement_name)}</td><td>${escape(m.type)} ${m.ages[0]}-${m.ages[1]}</td>
    <td>${escape(m.before)} → ${escape(m.after)}</td><td>${m.communes}</td><td>${n(m.population)}</td></tr>`).join("");
  const overlaps = answer.overlaps.map((o) => `<li>${escape(o.change)} : ${escape(o.a_name)} ↔ ${escape(o.b_name)}
    (${escape(o.reason)}), score ${o.score_before ?? "—"} → ${o.score_after ?? "—"}${o.planned.length ? ` ; en projet : ${escape(o.planned.join(", "))}` : ""}</li>`).join("");
  return `<h3>Bilan au ${day(answer.on)}</h3>
    <table class="bilan"><tr><th>département</th><th>type, âges</th><th>état</th><th>communes</th><th>habitants</th></tr>
    ${moves || '<tr><td colspan="5">Aucune commune ne change d\'état.</td></tr>'}</table>
    <h3>Chevauchements</h3>${overlaps ? `<ul class="chevauchements">${overlaps}</ul>` : "<p>Aucun créé ni supprimé.</p>"}
    <p class="aide">${answer.notes.map(escape).join(" ")}</p>`;
}

// The panel of the simulation, drawn again at each change; the focus, when it was in the panel, comes
// back to the same control (or to the perimeter, when that control is gone: a commune taken out).
// The balance in one sentence, for a screen reader (#annonce): the table follows in the panel.
function balanceSaid(answer, moved) {
  const n = (x) => Number(x).toLocaleString("fr-FR");
  const moves = answer.moves.map((m) => `${m.departement_name}, ${m.type} ${m.ages[0]}-${m.ages[1]} : ${m.before} → ${m.after}, `
    + `${m.communes} commune(s), ${n(m.population)} habitants`).join(" ; ");
  return `Bilan au ${day(answer.on)} : ${moved} commune(s) changent d'état pour ${sim.type}${moves ? ". " + moves : ""}. `
    + `${answer.overlaps.length} chevauchement(s) créé(s) ou supprimé(s).`;
}

function showSimulation() {
  const focusedId = $("panneau").contains(document.activeElement) ? document.activeElement.id : "";
  const types = Array.from($("type").options).filter((o) => o.value)
    .map((o) => `<option value="${escape(o.value)}"${o.value === sim.type ? " selected" : ""}>${escape(o.textContent)}</option>`).join("");
  const codes = [...sim.communes].sort();
  const list = codes.map((c) => `<li>${escape(nameOf(c))} (${c}) <button type="button" class="sim-retirer" id="sim-retirer-${c}"
    data-retirer="${c}">Retirer<span class="lecteur"> ${escape(nameOf(c))} (${c}) du périmètre</span></button></li>`).join("");
  $("panneau").innerHTML = `<h2>Simuler un dispositif</h2>
    <p class="aide">Choisissez les communes de son périmètre : un clic sur la carte, la recherche de commune, ou sur la
      carte les flèches puis Entrée (encore une fois pour en retirer une) ; ou toutes celles d'un EPCI. Choisissez son
      type et ses âges, puis calculez : rien n'est écrit, ni dans le registre ni ailleurs.</p>
    <form id="simulation" onsubmit="return false">
      <label>Type <select id="sim-type">${types}</select></label>
      <label>Âges <input id="sim-ages" list="tranches" placeholder="ceux du type" size="7" value="${escape(sim.ages)}"></label>
      <label>Nom <input id="sim-nom" maxlength="200" placeholder="facultatif" value="${escape(sim.name)}"></label>
      <label>EPCI (nom ou SIREN) <input id="sim-epci" maxlength="200" placeholder="ex. CC du Gévaudan" value="${escape(sim.epci || "")}"></label>
      <span><button id="sim-epci-ajouter" type="button">Ajouter ses communes</button>
        <button id="sim-epci-retirer" type="button">Retirer ses communes</button></span>
      <p id="sim-perimetre" tabindex="-1">${codes.length} commune(s) dans le périmètre</p>
      ${codes.length ? `<ul id="sim-communes" aria-labelledby="sim-perimetre">${list}</ul>` : ""}
      <button id="sim-calculer" type="submit"${codes.length ? "" : " disabled"}>Calculer le bilan</button>
      <button id="sim-vider" type="button">Vider le périmètre</button>
    </form>
    <div id="sim-bilan" aria-live="polite">${sim.answer ? balanceHtml(sim.answer) : ""}</div>
    <p id="sim-exports"${sim.answer ? "" : " hidden"}>Exporter le bilan :
      <button id="sim-csv" type="button">CSV (Excel)</button> · <button id="sim-xlsx" type="button">XLSX</button></p>
    <details class="signaler" id="sim-proposer"${sim.answer ? "" : " hidden"}><summary>Proposer comme correction</summary>
      <form class="proposer-simulation">
        <label>Source : titre <input name="titre" required maxlength="400" placeholder="ex. Projet de santé de la CPTS"></label>
        <label>Adresse de la source (obligatoire) <input name="adresse" type="url" required maxlength="500" placeholder="https://…"></label>
        <label>Date de la source <input name="jour" type="date"></label>
        <label>Extrait (les mots exacts de la source) <textarea name="extrait" rows="3" required maxlength="2000"></textarea></label>
        <button type="submit">Proposer ce dispositif (en projet)</button>
        <p class="aide">Un nouveau dispositif en projet sur ces communes, dans le fichier du département ; l'opérateur décide.</p>
        <div class="apercu" hidden></div><div class="rapport" aria-live="polite"></div>
      </form></details>`;
  $("sim-type").addEventListener("change", (e) => { sim.type = e.target.value; sim.answer = null; saveAddress(); });
  $("sim-ages").addEventListener("change", (e) => { sim.ages = e.target.value.trim(); sim.answer = null; saveAddress(); });
  $("sim-nom").addEventListener("change", (e) => { sim.name = e.target.value.trim(); });
  $("sim-epci").addEventListener("input", (e) => { sim.epci = e.target.value; });
  $("sim-epci").addEventListener("keydown", (e) => {  // Enter here adds the EPCI, it does not compute
    if (e.key === "Enter") { e.preventDefault(); epciToPerimeter(true); }
  });
  $("sim-epci-ajouter").addEventListener("click", () => epciToPerimeter(true));
  $("sim-epci-retirer").addEventListener("click", () => epciToPerimeter(false));
  $("sim-calculer").addEventListener("click", computeSimulation);
  $("sim-vider").addEventListener("click", () => {
    sim.communes.clear();
    perimeterChanged();
    announce("Périmètre vidé.");
  });
  $("panneau").querySelectorAll("[data-retirer]").forEach((b) => b.addEventListener("click", () => simulate(b.dataset.retirer)));
  if (focusedId) ($(focusedId) || $("sim-perimetre")).focus();
  $("sim-csv").addEventListener("click", () => download("csv-excel", "communes", "simulation.csv"));
  $("sim-xlsx").addEventListener("click", () => download("xlsx", null, "simulation.xlsx"));
}

async function computeSimulation() {
  const fromPanel = $("panneau").contains(document.activeElement);
  // what the fields hold now (Enter in a field submits before its change event)
  sim.type = $("sim-type")?.value || sim.type;
  sim.ages = $("sim-ages") ? $("sim-ages").value.trim() : sim.ages;
  sim.name = $("sim-nom") ? $("sim-nom").value.trim() : sim.name;
  document.body.dataset.simulation = "attente";
  say("Simulation…");
  announce("Calcul du bilan…");
  try {
    const answer = await (await postScenario()).json();
    sim.answer = answer;
    // the gaps layer of the type and ages simulated, then each commune in its simulated state
    $("couche").value = "gaps";
    $("type").value = sim.type;
    $("ages").value = sim.ages;
    await loadLayer();
    for (const c of answer.communes) {
      if (c.type !== sim.type) continue;
      statuses[c.code] = c.after;
      delete inferred[c.code];  // its state is now the hypothesis's, not a deduced perimeter's
    }
    outlines?.setStyle(styleOf);
    markPerimeter();
    const moved = answer.communes.filter((c) => c.type === sim.type);
    say(`Simulation : ${moved.length} commune(s) changent d'état pour ${sim.type} au ${day(answer.on)} (hypothèse, rien n'est écrit)`);
    showSimulation();
    const heading = $("sim-bilan").querySelector("h3");
    heading.tabIndex = -1;
    if (fromPanel) heading.focus();  // a keyboard reads on from the balance
    announce(balanceSaid(answer, moved.length));
    document.body.dataset.simulation = "prete";
  } catch (err) {
    $("sim-bilan").innerHTML = `<p class="vide">${escape(err.message)}</p>`;
    say(err.message);
    announce(`Bilan impossible : ${err.message}`);
    document.body.dataset.simulation = "erreur";
  }
}

async function download(format, table, filename) {
  try {
    const blob = await (await postScenario(format, table)).blob();
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: filename });
    document.body.append(link);
    link.click();
    link.remove();
  } catch (err) {
    say(err.message);
  }
}

function proposalOfSimulation(form) {
  const codes = [...sim.communes].sort();
  const stamp = new Date().toISOString().slice(0, 10);
  const name = sim.name || `${sim.type} en projet (${names().slice(0, 3).join(", ")}${codes.length > 3 ? "…" : ""})`;
  const entry = { id: `${sim.type.toLowerCase()}-projet-${codes[0]}-${codes.length}`, type: sim.type, name, level: "local",
                  status: [{ value: "project", from: stamp }],
                  coverage: codes.map((c) => Object.assign({ territory: `commune:${c}` },
                                                           sim.ages ? { ages: sim.ages.split("-").map(Number) } : {})) };
  const source = { title: form.elements.titre.value.trim() };
  if (form.elements.adresse.value.trim()) source.url = form.elements.adresse.value.trim();
  if (form.elements.jour.value) source.date = form.elements.jour.value;
  return { kind: "instance", file: `${departementOf(codes[0])}.yaml`, entry, source, excerpt: form.elements.extrait.value.trim() };
}

document.getElementById("panneau").addEventListener("submit", (event) => {
  const form = event.target.closest("form.proposer-simulation");
  if (!form) return;
  event.preventDefault();
  send(form, proposalOfSimulation(form));  // propose.js: posts it and shows the report
});

function toggleSimulation(on) {
  sim.on = on;
  $("simuler").setAttribute("aria-pressed", String(on));
  document.body.classList.toggle("simulation", on);
  if (on) { chosen = null; showSimulation(); } else { sim.answer = null; resetPanel(); loadLayer(); }
  markPerimeter();
  saveAddress();
  announce(on ? "Mode Simuler : choisissez les communes du périmètre (recherche de commune, ou sur la carte les flèches "
                + "puis Entrée), ou un EPCI dans le panneau ; puis calculez le bilan."
              : "Mode Simuler quitté.");
}

function simulationAsked() {  // sim=TYPE|AGES|codes in the address, or null
  return new URLSearchParams(location.hash.slice(1)).get("sim");
}

async function restoreSimulation(wanted) {
  if (!wanted) return;
  const [type, ages, codes] = wanted.split("|");
  sim.type = type || sim.type;
  sim.ages = ages || "";
  sim.communes = new Set((codes || "").split(",").filter((c) => /^[0-9][0-9AB][0-9]{3}$/.test(c)));
  toggleSimulation(true);
  if (sim.communes.size) await computeSimulation();
}

function whenDrawn(then) {  // once carte.js has drawn the view of the address
  const waiting = setInterval(() => {
    if (document.body.dataset.pret !== "oui" || document.body.dataset.couche === "attente") return;
    clearInterval(waiting);
    then();
  }, 100);
}

(function installSimulation() {
  const button = Object.assign(document.createElement("button"), { id: "simuler", type: "button", textContent: "Simuler" });
  button.setAttribute("aria-pressed", "false");
  button.title = "Dessiner un dispositif hypothétique et voir ce qu'il changerait";
  button.addEventListener("click", () => toggleSimulation(!sim.on));
  $("choix").append(button);
  // read now: carte.js rewrites the address with its own choices before the view is drawn
  const shared = simulationAsked();
  whenDrawn(() => restoreSimulation(shared).catch((err) => say(err.message)));
  window.addEventListener("hashchange", () => {  // a pasted address: before carte.js's own listener
    const pasted = simulationAsked();
    if (pasted && pasted !== simulationValue()) whenDrawn(() => restoreSimulation(pasted).catch((err) => say(err.message)));
  }, { capture: true });
}());
