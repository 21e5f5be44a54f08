// concepts: every concept of the SKOS schemes with its label (twin of concepts.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (c:Concept {build: b.id})-[:IN_SCHEME]->(scheme)
WHERE c.notation IS NOT NULL AND c.prefLabel IS NOT NULL
OPTIONAL MATCH (c)-[:BROADER]->(broader)
RETURN c.uri AS concept, scheme.uri AS scheme, c.notation AS notation, c.prefLabel AS label, broader.uri AS broader
