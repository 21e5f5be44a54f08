// "Ce qui a changé depuis…": the changes of /v1/changes for the territory shown, since a date (the
// instances as they stood that day against today) or since a kept build (the records changed from it
// to the live one). Per scheme type (the one chosen on the map, or every type), a commune that gained a
// type is outlined in green, one that lost a type in dashed red, one that did both (a type for another:
// a handover) in violet; the panel lists each change with its status and source. Uses carte.js's shared
// map state (byCode, territories, filters).
"use strict";

const SINCE_DATE = /^\d{4}-\d{2}-\d{2}$/;

function sinceValue() {
  const choice = $("depuis").value;
  return choice === "date" ? $("depuis-date").value : choice;
}

function clearChanges() {
  for (const layer of Object.values(byCode)) {
    layer.getElement?.()?.classList.remove("gagnee", "perdue", "changee");
  }
}

function mark(types) {  // per commune: gained a type, lost one, or both
  const gained = new Set(types.flatMap((t) => t.gained));
  const lost = new Set(types.flatMap((t) => t.lost));
  for (const code of new Set([...gained, ...lost])) {
    const name = gained.has(code) && lost.has(code) ? "changee" : gained.has(code) ? "gagnee" : "perdue";
    byCode[code]?.getElement?.()?.classList.add(name);
  }
  state("changees", String(gained.size + lost.size));
}

function placeName(ref) {  // departement:31 → Haute-Garonne (31), as the map's lists name it
  const [kind, code] = ref.split(":");
  if (kind === "region" && regions[code]) return `${regions[code]} (${code})`;
  return $("departement").querySelector(`option[value="${CSS.escape(code || "")}"]`)?.textContent || ref;
}

// A handover names its instances as planners do: « PTA 31 », not « pta-31 » nor the whole title.
function shortName(name, id) {
  if (!name) return id;
  const short = name.replace(/\s*\(.*\)\s*$/, "").trim();
  return short || name;
}

function communes(n, population) {
  return `${n} commune(s)${population ? `, ${population.toLocaleString("fr-FR")} habitants` : ""}`;
}

function reachChangeHtml(r) {
  const seen = new Set();
  const sources = (r.sources || []).filter((s) => !seen.has(s.title) && seen.add(s.title)).slice(0, 2).map((s) => `<div class="source">source : ${escape(s.title)}${s.date ? ` (${day(s.date)})` : ""}</div>`).join("");
  const gained = r.gained.length ? `<span class="plus">+${r.gained.length}</span>` : "";
  const lost = r.lost.length ? `<span class="moins">−${r.lost.length}</span>` : "";
  return `<div class="changement"><div class="titre">${escape(r.type)} · ${escape(r.name)} — ${escape(r.change)}</div>
    <div>avant : ${escape(r.state_before || "absent")}${r.status_before ? ` (${escape(r.status_before)})` : ""}, ${communes(r.communes_before, r.population_before)}</div>
    <div>maintenant : ${escape(r.state_after || "absent")}${r.status_after ? ` (${escape(r.status_after)})` : ""}, ${communes(r.communes_after, r.population_after)}</div>
    <div>communes ${gained} ${lost}</div>${sources}</div>`;
}

function recordChangeHtml(c) {
  const lines = [c.before ? `avant : ${escape(c.before)}` : "", c.after ? `après : ${escape(c.after)}` : "",
                 c.communes ? communes(c.communes, c.population) : ""].filter(Boolean).map((l) => `<div>${l}</div>`).join("");
  return `<div class="changement"><div class="titre">${escape(c.kind)} ${escape(c.change)} : ${escape(c.label)}</div>${lines}</div>`;
}

function typeHtml(t) {  // communes that only became known (or unknown) are no gain (or loss): said apart
  const known = (t.became_known || []).length ? `<div class="connu">${t.became_known.length} commune(s) devenue(s) connue(s) `
    + `(${t.population_became_known.toLocaleString("fr-FR")} habitants) : l'état était inconnu, ce n'est pas un gain</div>` : "";
  const unknown = (t.became_unknown || []).length ? `<div class="connu">${t.became_unknown.length} commune(s) devenue(s) `
    + "inconnue(s) : ce n'est pas une perte</div>" : "";
  return `<div class="changement"><div class="titre">${escape(t.type)}</div>
    <div><span class="plus">+${t.gained.length} commune(s) (${t.population_gained.toLocaleString("fr-FR")} habitants)</span> ·
    <span class="moins">−${t.lost.length} (${t.population_lost.toLocaleString("fr-FR")} habitants)</span></div>${known}${unknown}</div>`;
}

async function showChanges() {
  $("depuis-jour").hidden = $("depuis").value !== "date";
  clearChanges();
  saveAddress();
  const since = sinceValue();
  if (!since || !outlines) { state("changements", ""); return; }
  state("changements", "attente");
  const places = territories();
  try {
    const answers = await Promise.all(places.map((t) => ask("/v1/changes", { since, territory: t })));
    if (sinceValue() !== since) return;  // another choice was made meanwhile
    chosen = null;
    const label = SINCE_DATE.test(since) ? `le ${day(since)}` : `la construction ${since}`;
    const type = filters().type;
    const ofType = (x) => !type || x.type === type;
    mark(answers.flatMap((a) => (a.types || []).filter(ofType)));
    const parts = answers.map((a, i) => {
      const reaches = (a.reaches || []).filter(ofType);
      const names = Object.fromEntries((a.reaches || []).map((r) => [r.instance, r.name]));
      const relays = (a.relays || []).map((r) => `<div class="relais" title="${escape(names[r.before] || r.before)} → ${escape(names[r.after] || r.after)}">`
        + `relais : ${escape(shortName(names[r.before], r.before))} → ${escape(shortName(names[r.after], r.after))} sur ${communes(r.communes, r.population)}</div>`).join("");
      const items = a.reaches ? reaches.map(reachChangeHtml).join("") : (a.changes || []).map(recordChangeHtml).join("");
      const types = (a.types || []).filter(ofType).filter((t) => a.changes || (t.became_known || []).length
        || (t.became_unknown || []).length).map(typeHtml).join("");
      return `<h3>${escape(placeName(places[i]))}</h3>${relays}${items}${types}`;
    });
    const empty = answers.every((a) => !(a.reaches || a.changes || []).length && !(a.types || []).length);
    $("panneau").innerHTML = `<h2>Ce qui a changé depuis ${escape(label)}</h2>
      <p class="aide">${type ? `Type ${escape(type)} : ` : "Par type : "}en vert les communes qui l'ont gagné, en pointillés rouges
        celles qui l'ont perdu, en violet celles qui ont changé de type (un relais). Cliquez sur une commune pour voir qui la couvre.</p>
      ${empty ? '<p class="vide">Aucun changement pour ce territoire.</p>' : parts.join("")}`;
    state("changements", "prets");
  } catch (err) {
    $("panneau").innerHTML = `<h2>Ce qui a changé</h2><p class="vide">${escape(err.message)}</p>`;
    state("changements", "erreur");
  }
}

async function loadBuilds() {
  try {
    const builds = (await ask("/v1/builds")).items.filter((b) => !b.live);
    builds.forEach((b, i) => {
      const when = b.created ? day(b.created.slice(0, 10)) : b.name;
      $("depuis").add(new Option(`${i === 0 ? "la construction précédente" : "la construction"} du ${when}`, b.name));
    });
  } catch (err) { /* no build to compare with: the date stays */ }
}

$("depuis").addEventListener("change", () => {
  if ($("depuis").value === "date" && !$("depuis-date").value) {
    const year = new Date();
    year.setFullYear(year.getFullYear() - 1);
    $("depuis-date").value = year.toISOString().slice(0, 10);
  }
  showChanges();
});
$("depuis-date").addEventListener("change", showChanges);
$("type").addEventListener("change", () => { if (sinceValue()) showChanges(); });
loadBuilds();
