// instance_actors: the actors of one instance with their roles, kinds and periods; a role held by a
// person appears by its function (twin of instance_actors.rq). Parameters: $instance (IRI).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (:Resource {key: b.id + '|' + $instance})-[:HAS_ROLE]->(r)-[:ROLE_KIND]->(k)
OPTIONAL MATCH (r)-[:ACTOR]->(actor)
RETURN $instance AS instance, k.notation AS role, actor.uri AS actor, actor.label AS name,
       actor.actorKind AS kind, r.function AS function, r.validFrom AS from, r.validTo AS to
