// surveys: where the registry says it has looked, for which types, as of which date (twin of surveys.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (s:Survey {build: b.id})-[:TERRITORY]->(territory)
OPTIONAL MATCH (s)-[:SCHEME_TYPE]->(t)
RETURN s.uri AS survey, territory.uri AS territory, t.notation AS type, s.asOf AS asOf
