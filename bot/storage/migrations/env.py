"""Alembic environment: runs on the connection the bot passes in (never its own engine)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=True,  # SQLite has almost no ALTER TABLE; batch mode copies tables
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
