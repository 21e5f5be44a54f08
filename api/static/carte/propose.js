// "Signaler une correction": a form under each instance of the commune panel, posting a proposal to
// /v1/proposals (no token: the operator reads and decides) and showing its report. Nothing proposed
// is published before the operator accepts it; the form says so. Uses carte.js's escape().
"use strict";

const FIELDS = [
  ["|name", "Nom"],
  ["|description", "Description"],
  ["|level", "Niveau (local, departemental, regional)"],
  ["status[-1]|value", "État actuel (project, pilot, active, suspended, abandoned, ended)"],
  ["status[-1]|to", "Fin de l'état actuel (AAAA-MM-JJ)"],
  ["|", "Aucun : une source plus récente confirme le dispositif"],
];

function correctionForm(c) {
  const options = FIELDS.map(([v, label]) => `<option value="${v}">${escape(label)}</option>`).join("");
  return `<details class="signaler"><summary>Signaler une correction</summary>
    <form class="correction" data-instance="${escape(c.instance_id)}">
      <label>Champ <select name="champ">${options}</select></label>
      <label>Nouvelle valeur <input name="valeur" maxlength="400"></label>
      <label>Source : titre <input name="titre" required maxlength="400" placeholder="ex. Rapport d'activité 2024 du DAC"></label>
      <label>Adresse de la source <input name="adresse" type="url" maxlength="500" placeholder="https://…"></label>
      <label>Date de la source <input name="jour" type="date"></label>
      <label>Extrait (les mots exacts de la source) <textarea name="extrait" rows="3" required maxlength="2000"></textarea></label>
      <button type="submit">Envoyer la proposition</button>
      <p class="aide">Sans nom ni coordonnées de personne. La proposition attend la décision de l'opérateur : rien n'est publié avant.</p>
      <div class="rapport" aria-live="polite"></div>
    </form></details>`;
}

function proposalOf(form) {
  const [record, field] = form.elements.champ.value.split("|");
  const value = form.elements.valeur.value.trim();
  const source = { title: form.elements.titre.value.trim() };
  if (form.elements.adresse.value.trim()) source.url = form.elements.adresse.value.trim();
  if (form.elements.jour.value) source.date = form.elements.jour.value;
  const proposal = { kind: field ? "correction" : "source", instance: form.dataset.instance, source,
                     excerpt: form.elements.extrait.value.trim() };
  if (record) proposal.record = record;
  if (field) proposal.set = { [field]: value || null };
  return proposal;
}

function reportHtml(status, body) {
  if (status === 201) {
    return `<p>${escape(body.report.message)}</p><p>Proposition n° <a href="/v1/proposals/${encodeURIComponent(body.id)}">${escape(body.id)}</a>
      (${escape(body.state_label)}) · <a href="/v1/proposals">les propositions en attente</a></p><pre>${escape(body.diff)}</pre>`;
  }
  const problems = (body.problems || []).map((p) => `<li>${escape(p.file)} · ${escape(p.entry)} · ${escape(p.field)} : ${escape(p.message)}</li>`).join("");
  return `<p>${escape(body.message || `Erreur ${status} du service.`)}</p>${problems ? `<ul>${problems}</ul>` : ""}`;
}

document.getElementById("panneau").addEventListener("submit", async (event) => {
  const form = event.target.closest("form.correction");
  if (!form) return;
  event.preventDefault();
  const report = form.querySelector(".rapport");
  const proposal = proposalOf(form);
  if (proposal.kind === "correction" && Object.values(proposal.set)[0] === null) {
    report.className = "rapport refuse";
    report.textContent = "Donnez la nouvelle valeur du champ choisi.";
    return;
  }
  form.querySelector("button").disabled = true;
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
    form.querySelector("button").disabled = false;
  }
});
