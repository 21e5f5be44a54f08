// A région's communes arrive as one quantised TopoJSON topology (/v1/outlines/region/<code>): each border
// between two communes once, as integer steps on a grid. This turns it into features for carte.js (id,
// properties.code and nom, as /v1/outlines/departement/<code> gives) whose rings hold Leaflet LatLng
// objects already: each arc's points are made once and shared by the rings of both its communes, and
// the map draws them as they are (TOPO_POINTS: no conversion point by point).
"use strict";

const TOPO_POINTS = { coordsToLatLng: (point) => point };  // L.geoJSON's option for these features

function topoFeatures(topo) {
  if (!topo.transform) return [];  // none of the région's départements has outlines
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  const arcs = topo.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => L.latLng((y += dy) * sy + ty, (x += dx) * sx + tx));
  });
  const ring = (refs) => {
    const points = [];
    for (const ref of refs) {
      const arc = arcs[ref < 0 ? ~ref : ref];
      const first = points.length ? 1 : 0;
      if (ref < 0) for (let i = arc.length - 1 - first; i >= 0; i -= 1) points.push(arc[i]);
      else for (let i = first; i < arc.length; i += 1) points.push(arc[i]);
    }
    return points;
  };
  return topo.objects.communes.geometries.map((g) => ({
    type: "Feature", id: g.id, properties: Object.assign({ code: g.id }, g.properties),
    geometry: { type: "MultiPolygon", coordinates: g.arcs.map((polygon) => polygon.map(ring)) },
  }));
}
