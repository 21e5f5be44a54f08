// The map's first view: where the registry knows, per type (/v1/knowledge), drawn on the départements'
// borders (/v1/outlines/departements), so that a planner sees at once where an answer can be trusted and
// zooms in by clicking a département. The same borders, with the chefs-lieux named, are drawn over a
// commune layer. Uses carte.js's shared state (map, filters, showLegend, say, state, escape).
"use strict";

let bordersAsked = null;  // the borders, fetched once (the browser revalidates them with their ETag)
let knowledgeDrawn = null;  // the first view's Leaflet layer
let knowledgeByCode = {};  // département code → its Leaflet layer on the first view
let bordersDrawn = null;  // the borders over a commune layer
let chefsLieux = null;  // their names
const CHEF_LIEU_ZOOM = 7;  // the chefs-lieux are named from this zoom on
const METROPOLE = L.latLngBounds([41.3, -5.2], [51.1, 9.6]);  // the first view: overseas départements are reached by the lists

function departementBorders() {
  if (!bordersAsked) bordersAsked = ask("/v1/outlines/departements").catch((err) => { bordersAsked = null; throw err; });
  return bordersAsked;
}

function hideKnowledge() {
  if (knowledgeDrawn) knowledgeDrawn.remove();
  knowledgeDrawn = null;
  knowledgeByCode = {};
}

function knowledgeCounts(entry, total, legend) {
  const counts = Object.fromEntries(Object.keys(legend).map((k) => [k, 0]));
  for (const d of entry.departements) counts[d.knowledge] += 1;
  counts["hors-registre"] += total - entry.departements.length;
  return counts;
}

// The status line says the legend's numbers: départements per knowledge, the strongest first.
const SHORT = { inventaire: "avec inventaire", recense: "recensé(s)", connu: "connu(s) sans recensement",
                "type-non-recense": "recensé(s) pour d'autres types" };
function knowledgeLine(entry, counts, total) {
  const known = total - counts["hors-registre"];
  const parts = Object.entries(counts).filter(([k, n]) => n && k !== "hors-registre").map(([k, n]) => `${n} ${SHORT[k] || k}`);
  return `${entry.type || "Tous types"} : le registre sait quelque chose de ${known} département(s) sur ${total}`
    + (parts.length ? ` (${parts.join(", ")})` : "") + `, ${counts["hors-registre"]} hors registre`;
}

function knowledgePanel(entry, on) {
  const figures = entry.national.map((f) => `<li>${escape(f.text)} en France (${escape(f.cited)}${f.note ? " ; " + escape(f.note) : ""})
    — source : ${f.url ? `<a href="${escape(f.url)}">${escape(f.source)}</a>` : escape(f.source)}</li>`).join("");
  const rows = entry.departements.filter((d) => d.knowledge !== "type-non-recense").map((d) => `<li>
    <button type="button" class="lien" data-departement="${escape(d.code)}">${escape(d.name)} (${escape(d.code)})</button> :
    ${escape(d.label.split(" :")[0].toLowerCase())}${d.inventory_as_of ? ` au ${day(d.inventory_as_of)}` : d.surveyed_as_of ? ` au ${day(d.surveyed_as_of)}` : ""}
    · ${d.instances.length} dispositif(s)${d.communes_covered ? `, ${d.communes_covered} des ${d.communes} communes couvertes` : ""}</li>`).join("");
  $("panneau").innerHTML = `<h2>Ce que le registre sait de la France</h2>
    <p class="resume">${escape(entry.summary)}</p>
    ${figures ? `<ul class="connaissance">${figures}</ul>` : ""}
    <p class="aide">Au ${day(on)}. Les couleurs disent où les réponses sont sûres : un inventaire (la liste complète), un
      recensement, des dispositifs connus sans recensement. Cliquez sur un département (ou Entrée au clavier) pour voir ses communes.</p>
    ${rows ? `<ul class="connaissance">${rows}</ul>` : '<p class="vide">Aucun département connu pour ce type.</p>'}`;
  $("panneau").querySelectorAll("button[data-departement]").forEach((b) => b.addEventListener("click", () => openDepartement(b.dataset.departement)));
}

function openDepartement(code) {
  $("region").value = "";
  for (const o of $("departement").options) o.selected = o.value === code;
  loadTerritory();
}

async function showKnowledge(ticket) {
  state("vue", "connaissance");
  say("Chargement de ce que le registre sait…");
  try {
    const f = filters();
    const [borders, known] = await Promise.all([departementBorders(), ask("/v1/knowledge", { on: f.on })]);
    if (ticket !== asked) return;
    const entry = known.types.find((t) => (t.type || "") === f.type) || { type: f.type, departements: [], national: [],
      summary: `${f.type} : aucun dispositif connu` };
    const byCode = Object.fromEntries(entry.departements.map((d) => [d.code, d]));
    const colours = known.colours;
    hideKnowledge();
    if (bordersDrawn) { bordersDrawn.remove(); bordersDrawn = null; }
    knowledgeDrawn = L.geoJSON(borders, {
      style: (feature) => ({ color: "#55606e", weight: 1, fillOpacity: 0.85,
                             fillColor: colours[byCode[feature.id]?.knowledge || "hors-registre"] }),
      onEachFeature: (feature, layer) => {
        layer.options.className = `departement departement-${feature.id}`;
        const d = byCode[feature.id];
        layer.bindTooltip(`${feature.properties.nom} (${feature.id}) : ${(d ? d.label : known.legend["hors-registre"]).split(" :")[0]}`, { sticky: true });
        layer.on("click", () => openDepartement(feature.id));
        knowledgeByCode[feature.id] = layer;
      },
    }).addTo(map);
    knowledgeDrawn.eachLayer((l) => {
      const el = l.getElement?.();
      if (!el) return;
      const d = byCode[l.feature.id];
      el.setAttribute("tabindex", "-1");
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", `${l.feature.properties.nom} (${l.feature.id}) : ${(d ? d.label : known.legend["hors-registre"]).split(" :")[0]}`);
    });
    COLOURS = colours;
    const counts = knowledgeCounts(entry, known.departements_total, known.legend);
    showLegend(known.legend, counts, []);
    drawChefsLieux(borders, null);
    fit(METROPOLE);
    say(knowledgeLine(entry, counts, known.departements_total));
    $("titre-vue").textContent = `Ce que le registre sait · toute la France · ${f.type ? "type " + f.type : "tous les types"} · au ${day(known.on)}`;
    knowledgePanel(entry, known.on);
    state("couche", "prete");
    state("connaissance", entry.type || "tous");
  } catch (err) {
    if (ticket !== asked) return;
    say(`Chargement impossible : ${err.message}`);
    state("couche", "erreur");
  }
}

// The chefs-lieux of the départements ``codes`` (null: all), named from CHEF_LIEU_ZOOM on.
function drawChefsLieux(borders, codes) {
  if (chefsLieux) chefsLieux.remove();
  chefsLieux = L.layerGroup();
  for (const feature of borders.features) {
    const head = feature.properties.chef_lieu;
    if (!head || (codes && !codes.includes(feature.id))) continue;
    chefsLieux.addLayer(L.tooltip({ permanent: true, direction: "right", className: "chef-lieu", interactive: false, offset: [4, 0] })
      .setLatLng([head.point[1], head.point[0]]).setContent(`● ${escape(head.nom)}`));
  }
  showChefsLieux();
}

function showChefsLieux() {
  if (!chefsLieux) return;
  const wanted = map.getZoom() >= CHEF_LIEU_ZOOM;
  if (wanted && !map.hasLayer(chefsLieux)) chefsLieux.addTo(map);
  if (!wanted && map.hasLayer(chefsLieux)) chefsLieux.remove();
}

// The borders of the départements drawn (and of their neighbours), over the commune layer.
async function drawBorders(codes) {
  try {
    const borders = await departementBorders();
    if (bordersDrawn) bordersDrawn.remove();
    bordersDrawn = L.geoJSON(borders, { interactive: false, style: { color: "#1d2433", weight: 2, fill: false, opacity: 0.8,
                                                                      className: "departement-limite" } }).addTo(map);
    drawChefsLieux(borders, codes);
  } catch (err) { /* no borders (an older build): the communes are still drawn */ }
}

function raiseBorders() { bordersDrawn?.bringToFront(); }

map.on("zoomend", showChefsLieux);
