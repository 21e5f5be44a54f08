// instance_coverages: the coverages of one instance (or of every instance when $instance is null), with
// territory, ages, period and stored card (twin of instance_coverages.rq). Parameters: $instance (IRI or null).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (instance:SchemeInstance {build: b.id})-[:HAS_COVERAGE]->(coverage)-[:TERRITORY]->(territory)
WHERE $instance IS NULL OR instance.uri = $instance
RETURN instance.uri AS instance, coverage.uri AS coverage, territory.uri AS territory,
       coverage.minAge AS min, coverage.maxAge AS max, coverage.validFrom AS from, coverage.validTo AS to,
       coverage.card AS card
