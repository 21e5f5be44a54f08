// public_broader: each public and the broader publics it falls under (twin of public_broader.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (p:Concept {build: b.id})-[:IN_SCHEME]->(:ConceptScheme {uri: 'https://w3id.org/maillage/ontology#Publics'})
MATCH (p)-[:BROADER*1..]->(broader)
RETURN DISTINCT p.notation AS public, broader.notation AS broader
