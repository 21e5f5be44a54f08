// communes_in_territory: the current communes of one territory (twin of communes_in_territory.rq).
// Parameters: $territory (IRI).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (:Resource {key: b.id + '|' + $territory})<-[:WITHIN]-(commune:Commune)
RETURN commune.codeINSEE AS code, commune.label AS name
