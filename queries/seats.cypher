// seats: every seat read from a national file with its type, name, commune, point, dates, kind,
// identifiers, the registry instance it is the seat of, the row of its source and what part of the world
// that file holds (twin of seats.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (seat:Seat {build: b.id})-[:SCHEME_TYPE]->(t), (seat)-[:COMMUNE]->(c),
      (seat)-[:QUALIFIED_DERIVATION]->(d)-[:ENTITY]->(source)
OPTIONAL MATCH (seat)-[:SEAT_OF]->(instance)
RETURN seat.uri AS seat, seat.entryId AS key, t.notation AS type, seat.label AS name, c.codeINSEE AS commune,
       seat.lat AS lat, seat.long AS long, seat.validFrom AS from, seat.validTo AS to, seat.seatKind AS kind,
       seat.finess AS finess, seat.siret AS siret, instance.uri AS instance, source.uri AS source, d.row AS row,
       source.extent AS extent
