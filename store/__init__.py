"""The store: builds (current, publish, prune), the backend protocol, the embedded and Neo4j backends,
the named questions, the Neo4j loader, and the session that owns an opened backend's indexes."""
