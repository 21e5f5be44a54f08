// territories_of_commune: every territory that contains a commune, with its class and name
// (twin of territories_of_commune.rq). Parameters: $commune (IRI).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (:Resource {key: b.id + '|' + $commune})-[:WITHIN]->(t)
UNWIND t.types AS level
RETURN $commune AS commune, t.uri AS territory, level, t.label AS name
