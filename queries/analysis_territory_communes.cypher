// analysis_territory_communes: the current communes of every territory a coverage or an inventory names
// (twin of analysis_territory_communes.rq). No parameters.
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (x {build: b.id})-[:TERRITORY]->(territory)
WITH DISTINCT territory
MATCH (commune:Commune)-[:WITHIN]->(territory)
RETURN DISTINCT territory.uri AS territory, commune.codeINSEE AS code
