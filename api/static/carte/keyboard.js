// The map without a mouse: the map is one Tab stop; inside it the arrows move from a territory (a
// commune, or a département on the first view) to its neighbour in that direction, Enter opens it (the
// commune's panel, the département's communes), + and − zoom, Escape leaves. Where the focus stands is
// outlined and said aloud (#annonce). Uses carte.js's shared state (byCode, statuses, legendShown, explain)
// and knowledge.js's (knowledgeByCode, openDepartement).
"use strict";

let focused = null;  // the code of the territory the keyboard stands on

function keyboardLayers() {
  return Object.keys(byCode).length ? byCode : (typeof knowledgeByCode === "object" ? knowledgeByCode : {});
}

function centreOf(layer) {
  const c = layer.getBounds().getCenter();
  return { x: c.lng * Math.cos((c.lat * Math.PI) / 180), y: c.lat };
}

// The neighbour of ``code`` in the direction (dx, dy): among the territories whose outline touches its
// own (their bounds meet), the one closest to that direction (within 60° of it); else the nearest one
// anywhere in that direction.
function neighbour(code, dx, dy) {
  const layers = keyboardLayers();
  const here = layers[code];
  const from = centreOf(here);
  const around = here.getBounds().pad(0.02);
  let best = null;
  for (const [other, layer] of Object.entries(layers)) {
    if (other === code) continue;
    const to = centreOf(layer);
    const vx = to.x - from.x;
    const vy = to.y - from.y;
    const length = Math.hypot(vx, vy) || 1e-9;
    const cos = (vx * dx + vy * dy) / length;
    if (cos < 0.5) continue;
    const touching = around.intersects(layer.getBounds());
    const score = (touching ? 0 : 1000) + length * (2 - cos);
    if (!best || score < best.score) best = { code: other, score };
  }
  return best ? best.code : null;
}

function describe(code) {
  const layer = keyboardLayers()[code];
  const name = layer.feature.properties.nom;
  if (byCode[code]) {
    const label = legendShown[statuses[code]];
    const enter = typeof sim === "object" && sim.on
      ? (sim.communes.has(code) ? "dans le périmètre simulé ; Entrée : l'en retirer" : "Entrée : l'ajouter au périmètre simulé")
      : "Entrée : qui la couvre";
    return `${name} (${code})${label ? " : " + label.split(" :")[0] : ""}. ${enter}.`;
  }
  return `${layer.getElement?.()?.getAttribute("aria-label") || name}. Entrée : ses communes.`;
}

function focusCommune(code, speak = true) {
  const layers = keyboardLayers();
  if (!layers[code]) return;
  if (focused && layers[focused]) layers[focused].getElement?.()?.classList.remove("focalisee");
  focused = code;
  const layer = layers[code];
  layer.getElement?.()?.classList.add("focalisee");
  layer.bringToFront?.();
  if (!map.getBounds().contains(layer.getBounds().getCenter())) map.panTo(layer.getBounds().getCenter(), { animate: false });
  state("focalisee", code);
  if (speak) announce(describe(code));
}

function startingPoint() {
  const layers = keyboardLayers();
  if (focused && layers[focused]) return focused;
  if (chosen && layers[chosen]) return chosen;
  const centre = map.getCenter();
  let best = null;
  for (const [code, layer] of Object.entries(layers)) {
    const d = centre.distanceTo(layer.getBounds().getCenter());
    if (!best || d < best.d) best = { code, d };
  }
  return best && best.code;
}

const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

$("carte").addEventListener("keydown", (event) => {
  if (event.target !== $("carte")) return;  // a control of the map (zoom, layers) keeps its keys
  const layers = keyboardLayers();
  if (ARROWS[event.key]) {
    event.preventDefault();
    const start = startingPoint();
    if (!start) { announce("Aucun territoire dessiné : choisissez une région ou un département."); return; }
    const next = focused && layers[focused] ? neighbour(start, ...ARROWS[event.key]) : start;
    if (next) focusCommune(next);
    else announce("Pas de voisin dans cette direction.");
  } else if (event.key === "Enter" && focused && layers[focused]) {
    event.preventDefault();
    if (byCode[focused] && typeof simulate === "function" && simulate(focused)) return;  // « Simuler » takes it
    if (byCode[focused]) explain(focused, byCode[focused].feature.properties.nom, true);
    else if (typeof openDepartement === "function") openDepartement(focused);
  } else if (event.key === "+" || event.key === "=") {
    event.preventDefault();
    map.zoomIn();
  } else if (event.key === "-") {
    event.preventDefault();
    map.zoomOut();
  }
});

$("carte").addEventListener("focus", () => {
  const start = startingPoint();
  announce(start ? `Carte. ${describe(start)} Flèches pour passer à un voisin.` : "Carte.");
});
