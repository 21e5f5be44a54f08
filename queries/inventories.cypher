// inventories: where the registry declares it lists every instance of a type (twin of inventories.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (i:Inventory {build: b.id})-[:SCHEME_TYPE]->(t)
MATCH (i)-[:TERRITORY]->(territory)
MATCH (i)-[:QUALIFIED_DERIVATION]->(d)-[:ENTITY]->(s)
RETURN i.uri AS inventory, t.notation AS type, territory.uri AS territory, i.asOf AS asOf,
       i.confidence AS confidence, s.title AS title, coalesce(d.excerpt, d.paraphrase) AS excerpt
