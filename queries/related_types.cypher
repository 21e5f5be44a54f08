// related_types: pairs of scheme types whose functions overlap (twin of related_types.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (x:Concept {build: b.id})-[:RELATED]->(y)
WHERE (x)-[:IN_SCHEME]->(:ConceptScheme {uri: 'https://w3id.org/maillage/ontology#SchemeTypes'})
RETURN x.notation AS a, y.notation AS b
