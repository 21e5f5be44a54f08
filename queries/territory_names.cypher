// territory_names: every territory other than a commune with its class and name (twin of territory_names.rq).
MATCH (:Maillage {name: 'maillage'})-[:CURRENT]->(b:Build)
MATCH (t:Territory {build: b.id})
WHERE NOT t:Commune
UNWIND t.types AS level
WITH t, level
WHERE level IN ['http://rdf.insee.fr/def/geo#ArrondissementMunicipal', 'http://rdf.insee.fr/def/geo#Intercommunalite', 'https://w3id.org/maillage/ontology#CustomTerritory',
                'http://rdf.insee.fr/def/geo#Departement', 'http://rdf.insee.fr/def/geo#Region']
RETURN t.uri AS territory, level, t.label AS name
