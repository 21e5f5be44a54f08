"""Sources → one validated RDF graph → an atomic build. One module per source."""
