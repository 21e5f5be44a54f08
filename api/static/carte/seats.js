// Seats of the national files (FINESS, France services) as points over the map: where structures
// are, never what they cover. Isolated from carte.js: it only reads the shared `map` and the
// département chosen, and adds one overlay the user can switch off.
(function () {
  if (typeof map === "undefined" || !window.L) return;
  const layer = L.layerGroup();
  L.control.layers(null, { "Sièges (FINESS, France services)": layer }, { collapsed: true }).addTo(map);
  const select = document.getElementById("departement");

  async function draw() {
    layer.clearLayers();
    if (!select || !select.value) return;
    const response = await fetch(`/v1/layers/seats?territory=departement:${encodeURIComponent(select.value)}`);
    if (!response.ok) return;
    const data = await response.json();
    for (const feature of data.features) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      const marker = L.circleMarker([lat, lon], { radius: 5, weight: 1, color: "#333", fillColor: p.type === "FS" ? "#2a7" : "#c50", fillOpacity: 0.9 });
      const text = document.createElement("div");
      text.textContent = `${p.type} · ${p.name} (${p.commune_name || p.commune})`;
      const note = document.createElement("small");
      note.textContent = ` — siège, pas une couverture ; source ${p.source}, ligne ${p.row}`;
      text.appendChild(note);
      marker.bindPopup(text);
      layer.addLayer(marker);
    }
  }
  if (select) select.addEventListener("change", draw);
})();
