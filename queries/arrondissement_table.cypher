// arrondissement_table: the arrondissements municipaux and their communes (twin of arrondissement_table.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (a:Arrondissement {build: b.id})-[:IN_COMMUNE]->(c)-[:IN_DEPARTEMENT]->(d)
RETURN a.codeINSEE AS code, a.label AS name, a.population AS population, c.codeINSEE AS commune, c.label AS communeName,
       d.codeINSEE AS departement, d.label AS departementName
