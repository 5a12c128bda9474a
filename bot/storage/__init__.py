"""Storage: one small layer over SQLAlchemy Core (async). SQLite is the embedded default;
the schema and queries avoid SQLite-only SQL so PostgreSQL can be added for scale-out."""
