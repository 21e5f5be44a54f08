// place_by_code: the current commune with INSEE code $code (twin of place_by_code.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (c:Commune {codeINSEE: $code, build: b.id})-[:IN_DEPARTEMENT]->(d)
RETURN $code AS code, c.uri AS commune, c.label AS name, d.label AS departement, c.population AS population
