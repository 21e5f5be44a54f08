// actor_roles: every actor (or one, when $actor is not null) with its name and kind, and each role it
// holds in an instance with the role's period (twin of actor_roles.rq). Parameters: $actor (IRI or null).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (actor:Actor {build: b.id})
WHERE $actor IS NULL OR actor.uri = $actor
OPTIONAL MATCH (instance:SchemeInstance)-[:HAS_ROLE]->(r)-[:ACTOR]->(actor)
OPTIONAL MATCH (r)-[:ROLE_KIND]->(k)
RETURN actor.uri AS actor, actor.label AS name, actor.actorKind AS kind, instance.uri AS instance,
       instance.label AS instanceName, k.notation AS role, r.validFrom AS from, r.validTo AS to
