// expectations: the coverage rules of ontology/expectations.ttl, with their source (twin of
// expectations.rq). No parameters.
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (e:CoverageExpectation {build: b.id})-[:EXPECTED_OF]->(t)
MATCH (e)-[:QUALIFIED_DERIVATION]->(d)-[:ENTITY]->(s)
OPTIONAL MATCH (e)-[:PUBLIC]->(p)
OPTIONAL MATCH (e)-[:TERRITORY]->(territory)
RETURN e.uri AS expectation, e.label AS label, t.notation AS type, e.minAge AS min, e.maxAge AS max,
       p.notation AS public, e.validFrom AS from, territory.uri AS territory, e.confidence AS confidence,
       s.title AS title, d.excerpt AS excerpt
