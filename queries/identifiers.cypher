// identifiers: the SIREN, SIRET, FINESS and RNA numbers of every actor and instance (twin of identifiers.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (n:Resource {build: b.id}) WHERE n:Actor OR n:SchemeInstance
UNWIND [['siren', n.siren], ['siret', n.siret], ['finess', n.finess], ['rna', n.rna]] AS pair
WITH n, pair WHERE pair[1] IS NOT NULL
RETURN n.uri AS node, pair[0] AS scheme, pair[1] AS value
