// who_covers: the coverage of one commune for an age range, a public and a date (twin of who_covers.rq).
// $commune may be an arrondissement municipal; a commune is also reached, in part, through its arrondissements.
// Parameters: $commune (IRI), $minAge, $maxAge (integers), $on (date), $public (IRI of a public, or null).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (place:Resource {key: b.id + '|' + $commune})
CALL {
  WITH place MATCH (place)-[:WITHIN]->(territory) RETURN territory
  UNION
  WITH place MATCH (territory:Arrondissement)-[:IN_COMMUNE]->(place) RETURN territory
}
MATCH (coverage:Coverage)-[:TERRITORY]->(territory)
WHERE coverage.minAge <= $maxAge AND coverage.maxAge >= $minAge
  AND (coverage.validFrom IS NULL OR coverage.validFrom <= $on)
  AND (coverage.validTo IS NULL OR coverage.validTo >= $on)
  AND ($public IS NULL OR EXISTS {
    MATCH (coverage)-[:PUBLIC]->(covered)
    WHERE covered.uri = 'https://w3id.org/maillage/public/tout-public'
       OR EXISTS { MATCH (:Resource {key: b.id + '|' + $public})-[:BROADER*0..]->(covered) }
  })
MATCH (instance:SchemeInstance)-[:HAS_COVERAGE]->(coverage)
RETURN $commune AS commune, instance.uri AS instance, coverage.uri AS coverage, territory.uri AS territory,
       coverage.minAge AS min, coverage.maxAge AS max,
       coverage.validFrom AS from, coverage.validTo AS to, coverage.card AS card
