// freshness: the default freshness window and each type's, with the reason (twin of freshness.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (r:FreshnessWindow {build: b.id})
OPTIONAL MATCH (r)-[:SCHEME_TYPE]->(t)
RETURN r.uri AS rule, t.notation AS type, toString(r.window) AS window, r.comment AS reason
