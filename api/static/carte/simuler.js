// « Simuler » : draw a hypothetical instance on the map before it exists. Click communes to draw its
// perimeter, choose its type and ages, and POST /v1/scenarios (nothing is written) answers what would
// change: the map shows the gaps layer of the type with the simulated states, the panel the balance
// (communes and population changing state, overlaps created). The simulation is kept in the address
// (sim=TYPE|AGES|codes), exported as CSV or XLSX, and proposed as a correction in one step (a new
// instance, en projet, POST /v1/proposals). Uses carte.js's globals ($, say, escape, saveAddress,
// loadLayer, statuses, inferred, styleOf, outlines, byCode, chosen, day, departementOf) and propose.js's send.
"use strict";

const sim = { on: false, type: "CPTS", ages: "", name: "", communes: new Set(), answer: null };

function simulationValue() {  // carte.js's saveAddress keeps it in the address
  return sim.on ? [sim.type, sim.ages, [...sim.communes].sort().join(",")].join("|") : "";
}

function simulate(code) {  // a click on a commune: carte.js asks here first; true when it is taken
  if (!sim.on) return false;
  if (sim.communes.has(code)) sim.communes.delete(code); else sim.communes.add(code);
  sim.answer = null;
  markPerimeter();
  saveAddress();
  showSimulation();
  return true;
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
  return [...sim.communes].sort().map((c) => byCode[c]?.feature.properties.nom || c);
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

function showSimulation() {
  const types = Array.from($("type").options).filter((o) => o.value)
    .map((o) => `<option value="${escape(o.value)}"${o.value === sim.type ? " selected" : ""}>${escape(o.textContent)}</option>`).join("");
  const drawnNames = names();
  $("panneau").innerHTML = `<h2>Simuler un dispositif</h2>
    <p class="aide">Cliquez sur les communes de son périmètre (encore une fois pour en retirer une), choisissez son type et
      ses âges, puis calculez : rien n'est écrit, ni dans le registre ni ailleurs.</p>
    <form id="simulation" onsubmit="return false">
      <label>Type <select id="sim-type">${types}</select></label>
      <label>Âges <input id="sim-ages" list="tranches" placeholder="ceux du type" size="7" value="${escape(sim.ages)}"></label>
      <label>Nom <input id="sim-nom" maxlength="200" placeholder="facultatif" value="${escape(sim.name)}"></label>
      <p id="sim-perimetre">${drawnNames.length} commune(s)${drawnNames.length ? " : " + escape(drawnNames.slice(0, 12).join(", "))
        + (drawnNames.length > 12 ? "…" : "") : ""}</p>
      <button id="sim-calculer" type="submit"${drawnNames.length ? "" : " disabled"}>Calculer le bilan</button>
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
  $("sim-calculer").addEventListener("click", computeSimulation);
  $("sim-vider").addEventListener("click", () => { sim.communes.clear(); sim.answer = null; markPerimeter(); saveAddress(); showSimulation(); });
  $("sim-csv").addEventListener("click", () => download("csv-excel", "communes", "simulation.csv"));
  $("sim-xlsx").addEventListener("click", () => download("xlsx", null, "simulation.xlsx"));
}

async function computeSimulation() {
  document.body.dataset.simulation = "attente";
  say("Simulation…");
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
    document.body.dataset.simulation = "prete";
  } catch (err) {
    $("sim-bilan").innerHTML = `<p class="vide">${escape(err.message)}</p>`;
    say(err.message);
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
