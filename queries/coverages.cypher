// coverages: every (instance, coverage) pair of the current build (twin of coverages.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (instance:SchemeInstance {build: b.id})-[:HAS_COVERAGE]->(coverage)
RETURN instance.uri AS instance, coverage.uri AS coverage
