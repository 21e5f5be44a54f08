// territories_of_commune: every territory that contains a commune, with its class and name
// (twin of territories_of_commune.rq). Parameters: $commune (IRI). via: for a custom territory, the
// declared member (the commune or its EPCI) through which the commune belongs to it.
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (c:Resource {key: b.id + '|' + $commune})-[:WITHIN]->(t)
OPTIONAL MATCH (t)-[:MEMBER]->(via)<-[:WITHIN]-(c)
UNWIND t.types AS level
RETURN $commune AS commune, t.uri AS territory, level, t.label AS name, via.uri AS via
