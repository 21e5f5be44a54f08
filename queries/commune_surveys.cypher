// commune_surveys: the surveys and inventories whose territory contains one commune (twin of
// commune_surveys.rq). Parameters: $commune (IRI).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (:Resource {key: b.id + '|' + $commune})-[:WITHIN]->(territory)<-[:TERRITORY]-(s)
WHERE s:Survey OR s:Inventory
OPTIONAL MATCH (s)-[:SCHEME_TYPE]->(t)
RETURN s.uri AS survey, t.notation AS type, s.asOf AS asOf
