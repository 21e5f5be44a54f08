// place_by_name: communes whose folded name equals $key (twin of place_by_name.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (c:Commune {nameKey: $key, build: b.id})-[:IN_DEPARTEMENT]->(d)
RETURN $key AS key, c.uri AS commune, c.codeINSEE AS code, c.label AS name, d.label AS departement, c.population AS population
