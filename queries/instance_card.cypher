// instance_card: everything a planner reads about one instance and one of its coverages, one fact per
// row (twin of instance_card.rq). Parameters: $instance, $coverage (IRIs). A source row carries the period
// its citation speaks of (citedFrom, citedTo) and its document's (speaksFrom, speaksTo).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(bd:Build)
MATCH (i:Resource {key: bd.id + '|' + $instance}), (cov:Resource {key: bd.id + '|' + $coverage})
CALL (i, cov) {
  MATCH (i)-[:SCHEME_TYPE]->(t)
  RETURN 'instance' AS kind, t.uri AS node, i.label AS a, t.notation AS b, i.entryId AS c,
         null AS from, null AS to, null AS doc, null AS title, null AS date, null AS file, null AS url, null AS excerpt,
         i.confidence AS confidence, i.note AS note, null AS observed, null AS retrieved, null AS paraphrase,
         i.aggregate AS aggregate, null AS citedFrom, null AS citedTo, null AS speaksFrom, null AS speaksTo
  UNION ALL
  MATCH (cov)-[:TERRITORY]->(t)
  RETURN 'coverage' AS kind, t.uri AS node, null AS a, null AS b, null AS c,
         null AS from, null AS to, null AS doc, null AS title, null AS date, null AS file, null AS url, null AS excerpt,
         cov.confidence AS confidence, cov.note AS note, null AS observed, null AS retrieved, null AS paraphrase,
         null AS aggregate, null AS citedFrom, null AS citedTo, null AS speaksFrom, null AS speaksTo
  UNION ALL
  MATCH (i)-[:HAS_STATUS]->(n)-[:STATUS]->(s)
  RETURN 'status' AS kind, n.uri AS node, s.notation AS a, s.prefLabel AS b, null AS c,
         n.validFrom AS from, n.validTo AS to, null AS doc, null AS title, null AS date, null AS file, null AS url, null AS excerpt,
         n.confidence AS confidence, n.note AS note, null AS observed, null AS retrieved, null AS paraphrase,
         null AS aggregate, null AS citedFrom, null AS citedTo, null AS speaksFrom, null AS speaksTo
  UNION ALL
  MATCH (i)-[:HAS_ROLE]->(n)-[:ROLE_KIND]->(r)
  OPTIONAL MATCH (n)-[:ACTOR]->(actor)
  RETURN 'role' AS kind, n.uri AS node, r.notation AS a, coalesce(actor.label, n.function) AS b, actor.entryId AS c,
         n.validFrom AS from, n.validTo AS to, null AS doc, null AS title, null AS date, null AS file, null AS url, null AS excerpt,
         n.confidence AS confidence, n.note AS note, null AS observed, null AS retrieved, null AS paraphrase,
         null AS aggregate, null AS citedFrom, null AS citedTo, null AS speaksFrom, null AS speaksTo
  UNION ALL
  MATCH (cov)-[:PUBLIC]->(p)
  RETURN 'coverage-public' AS kind, null AS node, p.notation AS a, null AS b, null AS c,
         null AS from, null AS to, null AS doc, null AS title, null AS date, null AS file, null AS url, null AS excerpt,
         null AS confidence, null AS note, null AS observed, null AS retrieved, null AS paraphrase, null AS aggregate,
         null AS citedFrom, null AS citedTo, null AS speaksFrom, null AS speaksTo
  UNION ALL
  MATCH (cov)-[:TERRITORY]->(t) UNWIND t.types AS type
  RETURN 'territory' AS kind, t.uri AS node, type AS a, t.label AS b, null AS c,
         null AS from, null AS to, null AS doc, null AS title, null AS date, null AS file, null AS url, null AS excerpt,
         t.confidence AS confidence, t.note AS note, null AS observed, null AS retrieved, null AS paraphrase,
         null AS aggregate, null AS citedFrom, null AS citedTo, null AS speaksFrom, null AS speaksTo
  UNION ALL
  MATCH (x)-[:QUALIFIED_DERIVATION]->(d)-[:ENTITY]->(doc)
  WHERE x = i OR x = cov OR (i)-[:HAS_STATUS|HAS_ROLE]->(x)
  RETURN 'source' AS kind, CASE WHEN x = cov THEN null ELSE x.uri END AS node, null AS a, null AS b, null AS c,
         null AS from, null AS to, doc.uri AS doc, doc.title AS title, doc.date AS date, doc.file AS file, doc.url AS url,
         d.excerpt AS excerpt, d.confidence AS confidence, null AS note, d.observed AS observed, doc.retrieved AS retrieved,
         d.paraphrase AS paraphrase, null AS aggregate, d.periodFrom AS citedFrom, d.periodTo AS citedTo,
         doc.periodFrom AS speaksFrom, doc.periodTo AS speaksTo
}
RETURN $instance AS instance, $coverage AS coverage, kind, node, a, b, c, from, to, doc, title, date, file, url, excerpt,
       confidence, note, observed, retrieved, paraphrase, aggregate, citedFrom, citedTo, speaksFrom, speaksTo
