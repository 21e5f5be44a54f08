// Paris, Lyon and Marseille by arrondissement municipal (decision 0142): when a coverage layer covers part
// of a commune (layer.arrondissements), each of its arrondissements is drawn over it in its own status's
// colour, from one file of outlines asked once. Nothing is drawn for a layer without them.
let partOutlines = null;   // the 45 arrondissements' GeoJSON, asked once
let partLayer = null;      // the Leaflet layer drawn over the communes

async function showArrondissements(parts, colours) {
  if (partLayer) { partLayer.remove(); partLayer = null; }
  if (!parts || !parts.length) return;
  if (!partOutlines) {
    const response = await fetch("/v1/outlines/arrondissements");
    if (!response.ok) return;  // outlines not made yet: the communes alone are drawn, as before
    partOutlines = await response.json();
  }
  const byCode = Object.fromEntries(parts.map((p) => [p.code, p]));
  partLayer = L.geoJSON(partOutlines, {
    filter: (feature) => feature.id in byCode,
    style: (feature) => ({ color: "#2b2f36", weight: 0.8, fillOpacity: 0.8,
                           fillColor: (colours || {})[byCode[feature.id].status] || "#cccccc" }),
    onEachFeature: (feature, layer) => {
      const part = byCode[feature.id];
      layer.options.className = `arrondissement arrondissement-${feature.id}`;
      layer.bindTooltip(`${part.name} : ${part.status.replace(/-/g, " ")}`
                        + (part.instances.length ? ` (${part.instances.join(", ")})` : ""));
    },
  }).addTo(map);
}
