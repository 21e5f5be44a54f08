// instances_in_territory: the scheme instances (of one type, or all) covering at least one commune of
// a territory, on a date, one row per coverage with its period and card (twin of instances_in_territory.rq).
// Parameters: $territory (IRI), $on (date), $type (IRI of a scheme type, or null for every type).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
// Two MATCH clauses: within one pattern Cypher never walks the same relationship twice, which would
// hide the territory asked for itself (a département's own coverage).
MATCH (:Resource {key: b.id + '|' + $territory})<-[:WITHIN]-(commune:Commune|Arrondissement)
MATCH (commune)-[:WITHIN]->(covered)
WITH DISTINCT covered
MATCH (coverage:Coverage)-[:TERRITORY]->(covered)
WHERE (coverage.validFrom IS NULL OR coverage.validFrom <= $on)
  AND (coverage.validTo IS NULL OR coverage.validTo >= $on)
MATCH (instance:SchemeInstance)-[:HAS_COVERAGE]->(coverage)
MATCH (instance)-[:SCHEME_TYPE]->(type)
WHERE $type IS NULL OR type.uri = $type
RETURN DISTINCT instance.uri AS instance, type.uri AS type, type.notation AS notation, instance.label AS name,
       coverage.uri AS coverage, coverage.validFrom AS from, coverage.validTo AS to, coverage.card AS card
