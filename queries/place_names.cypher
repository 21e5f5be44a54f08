// place_names: every commune's folded name, for suggesting the closest names (twin of place_names.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (c:Commune {build: b.id})-[:IN_DEPARTEMENT]->(d)
RETURN c.nameKey AS key, c.codeINSEE AS code, c.label AS name, d.label AS departement, c.population AS population
