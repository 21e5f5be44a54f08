// covered_communes: the current communes of every territory a coverage or an inventory names, with the
// declared member (the commune or its EPCI) through which each belongs to a custom territory
// (twin of covered_communes.rq). No parameters.
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (x {build: b.id})-[:TERRITORY]->(territory)
WITH DISTINCT territory
MATCH (commune:Commune)-[:WITHIN]->(territory)
OPTIONAL MATCH (territory)-[:MEMBER]->(via)<-[:WITHIN]-(commune)
RETURN DISTINCT territory.uri AS territory, commune.codeINSEE AS code, via.uri AS via, via.label AS viaName
