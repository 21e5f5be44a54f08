// analysis_roles: every role held by an organisation, with the actor's kind and sectors, one row per
// sector (twin of analysis_roles.rq). A property is a list only when some node has several values.
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (instance:SchemeInstance {build: b.id})-[:HAS_ROLE]->(r)-[:ROLE_KIND]->(k)
MATCH (r)-[:ACTOR]->(actor)
UNWIND CASE WHEN actor.sector IS NULL THEN [null]
            WHEN valueType(actor.sector) STARTS WITH 'LIST' THEN actor.sector
            ELSE [actor.sector] END AS sector
RETURN instance.uri AS instance, k.notation AS role, actor.uri AS actor, actor.label AS name,
       actor.actorKind AS kind, sector
