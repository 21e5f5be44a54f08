// analysis_coverages: every coverage with its type, territory, ages, validity, publics (one row per
// public) and card (twin of analysis_coverages.rq). No parameters.
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (instance:SchemeInstance {build: b.id})-[:HAS_COVERAGE]->(coverage)-[:TERRITORY]->(territory)
MATCH (instance)-[:SCHEME_TYPE]->(t)
MATCH (coverage)-[:PUBLIC]->(p)
RETURN instance.uri AS instance, t.notation AS type, coverage.uri AS coverage, territory.uri AS territory,
       coverage.minAge AS min, coverage.maxAge AS max, coverage.validFrom AS from, coverage.validTo AS to,
       p.notation AS public, coverage.card AS card
