// commune_table: every current commune with its name, population, département and région
// (twin of commune_table.rq). No parameters.
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (c:Commune {build: b.id})-[:IN_DEPARTEMENT]->(d)-[:IN_REGION]->(r)
RETURN c.codeINSEE AS code, c.label AS name, c.population AS population, d.codeINSEE AS departement,
       d.label AS departementName, r.codeINSEE AS region
