// "Signaler une correction": a form under each instance of the commune panel, posting a proposal to
// /v1/proposals (no token: the operator reads and decides) and showing its report. It takes what a
// planner types: states in French (« actif »), dates as people write them (« 1er mars 2025 »,
// « 01/03/2025 »); required fields are marked; every message names the field in plain French; the change
// is shown (before → after) and confirmed before anything is sent; a note the change contradicts is
// flagged, with a box to rewrite it. Nothing proposed is published before the operator accepts it.
// Uses carte.js's escape() and day().
"use strict";

// [record|field, label, kind]: kind "etat" offers the states, "date" reads a date
const FIELDS = [
  ["|name", "Nom", "texte"],
  ["|description", "Description", "texte"],
  ["|level", "Niveau (local, départemental, régional)", "niveau"],
  ["status[-1]|value", "État actuel", "etat"],
  ["status[-1]|to", "Fin de l'état actuel", "date"],
  ["|", "Aucun : une source plus récente confirme le dispositif", "aucun"],
];
// the registry's values and how French says them
const STATES = { actif: "active", "en projet": "project", projet: "project", pilote: "pilot", expérimentation: "pilot",
                 suspendu: "suspended", abandonné: "abandoned", terminé: "ended", fermé: "ended" };
const STATE_LABELS = { active: "actif", project: "en projet", pilot: "pilote", suspended: "suspendu", abandoned: "abandonné",
                       ended: "terminé" };
const LEVELS = { local: "local", départemental: "departemental", departemental: "departemental", régional: "regional",
                 regional: "regional" };
const MONTH_NUMBERS = { janvier: 1, février: 2, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, août: 8, aout: 8,
                        septembre: 9, octobre: 10, novembre: 11, décembre: 12, decembre: 12 };
// the labels the messages name (the form's own words)
const LABELS = { champ: "Champ", valeur: "Nouvelle valeur", titre: "Titre de la source", adresse: "Adresse de la source",
                 jour: "Date de la source", extrait: "Extrait", note: "Nouvelle note" };

const fold = (t) => String(t || "").trim().toLowerCase().replace(/\s+/g, " ");

// « 1er mars 2025 », « 1 mars 2025 », « 01/03/2025 », « 1.3.2025 », « 2025-03-01 » → 2025-03-01; else null.
function readDay(text) {
  const t = fold(text).replace(/^le /, "");
  let y, m, d;
  let found = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/);
  if (found) [, y, m, d] = found.map(Number);
  else if ((found = t.match(/^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/))) [, d, m, y] = found.map(Number);
  else if ((found = t.match(/^(\d{1,2})(?:er)? ([a-zéû]+) (\d{4})$/)) && MONTH_NUMBERS[found[2]]) {
    [d, m, y] = [Number(found[1]), MONTH_NUMBERS[found[2]], Number(found[3])];
  } else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

function readState(text) {
  const t = fold(text);
  return STATES[t] || (STATE_LABELS[t] ? t : null);
}

function correctionForm(c) {
  const options = FIELDS.map(([v, label]) => `<option value="${v}">${escape(label)}</option>`).join("");
  const states = Object.entries(STATE_LABELS).map(([v, l]) => `<option value="${escape(l)}">`).join("");
  const id = `correction-${escape(c.instance_id)}`;
  const required = '<abbr class="requis" title="obligatoire">*</abbr>';
  return `<details class="signaler"><summary>Signaler une correction</summary>
    <form class="correction" data-instance="${escape(c.instance_id)}" novalidate aria-describedby="${id}-aide">
      <p class="aide" id="${id}-aide">Les champs marqués ${required} sont obligatoires. Sans nom ni coordonnées de personne.</p>
      <label>Champ <select name="champ">${options}</select></label>
      <label>Nouvelle valeur <input name="valeur" maxlength="400" list="${id}-etats" autocomplete="off"></label>
      <datalist id="${id}-etats">${states}</datalist>
      <p class="compris" aria-live="polite"></p>
      <label>Titre de la source ${required}<input name="titre" required aria-required="true" maxlength="400"
        placeholder="ex. Rapport d'activité 2024 du DAC"></label>
      <label>Adresse de la source ${required}<input name="adresse" required aria-required="true" type="url" maxlength="500"
        placeholder="https://…"></label>
      <label>Date de la source ${required}<input name="jour" required aria-required="true" maxlength="40" autocomplete="off"
        placeholder="ex. 1er mars 2025 ou 01/03/2025"></label>
      <label>Extrait (les mots exacts de la source) ${required}<textarea name="extrait" rows="3" required aria-required="true"
        maxlength="2000"></textarea></label>
      <div class="contredite" hidden></div>
      <div class="apercu" hidden aria-live="polite"></div>
      <button type="submit">Vérifier la proposition</button>
      <p class="aide">La proposition attend la décision de l'opérateur : rien n'est publié avant.</p>
      <div class="rapport" aria-live="polite"></div>
    </form></details>`;
}

function cardOf(form) {
  return (window.shownCards || {})[form.dataset.instance] || null;
}

// What the form says, read: {proposal, problems: [message naming its field], before, after}.
function readForm(form) {
  const [record, field] = form.elements.champ.value.split("|");
  const kind = (FIELDS.find(([v]) => v === form.elements.champ.value) || [])[2];
  const problems = [];
  const typed = form.elements.valeur.value.trim();
  let value = typed || null;
  if (kind === "etat" && typed) {
    value = readState(typed);
    if (!value) problems.push(`« ${LABELS.valeur} » : « ${typed} » n'est pas un état ; écrivez actif, en projet, pilote, suspendu, abandonné ou terminé.`);
  } else if (kind === "date" && typed) {
    value = readDay(typed);
    if (!value) problems.push(`« ${LABELS.valeur} » : « ${typed} » n'est pas une date ; écrivez par exemple 1er mars 2025 ou 01/03/2025.`);
  } else if (kind === "niveau" && typed) {
    value = LEVELS[fold(typed)] || null;
    if (!value) problems.push(`« ${LABELS.valeur} » : « ${typed} » n'est pas un niveau ; écrivez local, départemental ou régional.`);
  }
  if (field && !typed) problems.push(`« ${LABELS.valeur} » : donnez la nouvelle valeur du champ choisi.`);
  const source = { title: form.elements.titre.value.trim() };
  if (!source.title) problems.push(`« ${LABELS.titre} » est obligatoire : le titre du document qui le dit.`);
  const url = form.elements.adresse.value.trim();
  if (!url) problems.push(`« ${LABELS.adresse} » est obligatoire : l'adresse (https://…) où lire la source.`);
  else if (!/^https?:\/\/\S+$/.test(url)) problems.push(`« ${LABELS.adresse} » : « ${url} » n'est pas une adresse web (elle commence par https://).`);
  else source.url = url;
  const typedDay = form.elements.jour.value.trim();
  const sourceDay = readDay(typedDay);
  if (!typedDay) problems.push(`« ${LABELS.jour} » est obligatoire : écrivez par exemple 1er mars 2025.`);
  else if (!sourceDay) problems.push(`« ${LABELS.jour} » : « ${typedDay} » n'est pas une date ; écrivez par exemple 1er mars 2025 ou 01/03/2025.`);
  else source.date = sourceDay;
  const excerpt = form.elements.extrait.value.trim();
  if (!excerpt) problems.push(`« ${LABELS.extrait} » est obligatoire : recopiez les mots de la source qui disent la correction.`);
  const proposal = { kind: field ? "correction" : "source", instance: form.dataset.instance, source, excerpt };
  if (record) proposal.record = record;
  if (field) proposal.set = { [field]: value };
  const note = form.querySelector("textarea[name=note]");
  if (field && note && form.querySelector("input[name=remplacer]")?.checked) proposal.set.note = note.value.trim() || null;
  return { proposal, problems, field, value, typed };
}

// The value now, as the panel shows it, for the field chosen
function currentValue(card, field, record) {
  if (!card) return "";
  if (record === "status[-1]") {
    if (field === "value") return card.status ? STATE_LABELS[card.status.value] || card.status.label : card.state_label;
    if (field === "to") return card.status?.valid_to ? day(card.status.valid_to) : "non renseignée";
  }
  return card[field] ?? "non renseigné";
}

// The note that says otherwise: the record's note, when the value changes and the note speaks of it.
function contradictedNote(card, record, field) {
  if (!card || !field || field === "note") return null;
  const note = record === "status[-1]" ? card.status?.note : card.note;
  return note || null;
}

function showContradiction(form) {
  const [record, field] = form.elements.champ.value.split("|");
  const box = form.querySelector(".contredite");
  const note = contradictedNote(cardOf(form), record, field);
  box.hidden = !note;
  if (!note) { box.innerHTML = ""; return; }
  if (box.dataset.for === form.elements.champ.value) return;
  box.dataset.for = form.elements.champ.value;
  box.innerHTML = `<p class="alerte" role="note">⚠ La note de cet enregistrement dit : « ${escape(note)} ».
    Si votre correction la contredit, mettez-la à jour : elle resterait sinon telle quelle.</p>
    <label><input type="checkbox" name="remplacer"> remplacer la note</label>
    <label>${LABELS.note} <textarea name="note" rows="2" maxlength="2000">${escape(note)}</textarea></label>`;
}

function showUnderstood(form) {
  const kind = (FIELDS.find(([v]) => v === form.elements.champ.value) || [])[2];
  const typed = form.elements.valeur.value.trim();
  const out = form.querySelector(".compris");
  let text = "";
  if (typed && kind === "etat") text = readState(typed) ? `compris : ${STATE_LABELS[readState(typed)]}` : "";
  if (typed && kind === "date") text = readDay(typed) ? `compris : ${day(readDay(typed))}` : "";
  const sourceDay = readDay(form.elements.jour.value);
  out.textContent = [text, sourceDay ? `date de la source : ${day(sourceDay)}` : ""].filter(Boolean).join(" · ");
}

function previewHtml(form, read) {
  const [record, field] = form.elements.champ.value.split("|");
  const label = (FIELDS.find(([v]) => v === form.elements.champ.value) || [])[1];
  const card = cardOf(form);
  const shown = (v) => (field === "value" ? STATE_LABELS[v] || v : field === "to" ? day(v) : v);
  const change = field ? `<p><b>${escape(label)}</b> : « ${escape(currentValue(card, field, record))} » → « ${escape(shown(read.value))} »</p>`
    : "<p>Aucun champ changé : la source confirme le dispositif tel qu'il est.</p>";
  const note = read.proposal.set && "note" in read.proposal.set
    ? `<p><b>Note</b> : ${read.proposal.set.note ? `« ${escape(read.proposal.set.note)} »` : "retirée"}</p>` : "";
  return `<h3>Votre proposition</h3>${change}${note}
    <p>Source : ${escape(read.proposal.source.title)}, ${escape(read.proposal.source.url)}, ${escape(day(read.proposal.source.date))}</p>
    <p>Extrait : « ${escape(read.proposal.excerpt)} »</p>
    <button type="button" class="envoyer">Envoyer la proposition</button> <button type="button" class="corriger">Modifier</button>`;
}

// A refusal names the form's fields, not the registry's keys (« sources.proposition-… »)
function plainField(problem) {
  const where = `${problem.entry || ""} ${problem.field || ""}`;
  if (/proposition-|sources/.test(where)) {
    if (/url/.test(where)) return LABELS.adresse;
    if (/date|retrieved/.test(where)) return LABELS.jour;
    if (/title/.test(where)) return LABELS.titre;
    return "Source";
  }
  if (/excerpt/.test(where)) return LABELS.extrait;
  if (/note/.test(where)) return LABELS.note;
  return LABELS.valeur;
}

function reportHtml(status, body) {
  if (status === 201) {
    return `<p>${escape(body.report.message)}</p><p>Proposition n° <a href="/v1/proposals/${encodeURIComponent(body.id)}">${escape(body.id)}</a>
      (${escape(body.state_label)}) · <a href="/v1/proposals">les propositions en attente</a></p><pre>${escape(body.diff)}</pre>`;
  }
  const problems = (body.problems || []).map((p) => `<li>« ${escape(plainField(p))} » : ${escape(p.message)}</li>`).join("");
  const message = String(body.message || `Erreur ${status} du service.`).replace(/sources\.proposition-[\w-]+/g, "la source");
  return `<p>${escape(message)}</p>${problems ? `<ul>${problems}</ul>` : ""}`;
}

function refuse(form, problems) {
  const report = form.querySelector(".rapport");
  report.className = "rapport refuse";
  report.innerHTML = `<p>La proposition n'est pas envoyée :</p><ul>${problems.map((p) => `<li>${escape(p)}</li>`).join("")}</ul>`;
  document.body.dataset.proposition = "incomplete";
  for (const [name, label] of Object.entries(LABELS)) {
    const input = form.elements[name];
    if (input && input.setAttribute) input.setAttribute("aria-invalid", String(problems.some((p) => p.startsWith(`« ${label} »`))));
  }
}

async function send(form, proposal) {
  const report = form.querySelector(".rapport");
  form.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  report.className = "rapport";
  report.textContent = "Vérification par les règles du registre…";
  document.body.dataset.proposition = "attente";
  try {
    const response = await fetch("/v1/proposals", { method: "POST", body: JSON.stringify(proposal),
                                                     headers: { "Content-Type": "application/json", Accept: "application/json" } });
    let body = {};
    try { body = await response.json(); } catch (err) { /* an empty or non-JSON answer: the status says enough */ }
    report.className = `rapport ${response.status === 201 ? "valide" : "refuse"}`;
    report.innerHTML = reportHtml(response.status, body);
    document.body.dataset.proposition = response.status === 201 ? "enregistree" : "refusee";
  } catch (err) {
    report.className = "rapport refuse";
    report.textContent = `Envoi impossible : ${err.message}`;
    document.body.dataset.proposition = "erreur";
  } finally {
    form.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    form.querySelector(".apercu").hidden = true;
  }
}

const panel = document.getElementById("panneau");
panel.addEventListener("input", (event) => {
  const form = event.target.closest("form.correction");
  if (!form) return;
  form.querySelector(".apercu").hidden = true;  // what is shown must be what is sent
  showUnderstood(form);
});
panel.addEventListener("change", (event) => {
  const form = event.target.closest("form.correction");
  if (form && event.target.name === "champ") showContradiction(form);
});
panel.addEventListener("click", (event) => {
  const form = event.target.closest("form.correction");
  if (!form) return;
  if (event.target.classList.contains("envoyer")) {
    const read = readForm(form);
    if (read.problems.length) refuse(form, read.problems);
    else send(form, read.proposal);
  } else if (event.target.classList.contains("corriger")) {
    form.querySelector(".apercu").hidden = true;
    form.elements.valeur.focus();
  }
});
panel.addEventListener("submit", (event) => {
  const form = event.target.closest("form.correction");
  if (!form) return;
  event.preventDefault();
  showContradiction(form);
  const read = readForm(form);
  if (read.problems.length) { refuse(form, read.problems); return; }
  form.querySelectorAll("[aria-invalid]").forEach((i) => i.setAttribute("aria-invalid", "false"));
  const preview = form.querySelector(".apercu");
  preview.innerHTML = previewHtml(form, read);
  preview.hidden = false;
  form.querySelector(".rapport").textContent = "";
  document.body.dataset.proposition = "apercu";
  preview.querySelector(".envoyer").focus();
});
