"""Alembic environment: runs on the connection the bot passes in (never its own engine)."""

from __future__ import annotations

from alembic import context

from bot.storage.schema import all_tables

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=all_tables(),  # the core's tables and every feature's: for `alembic check`
    render_as_batch=True,  # SQLite has almost no ALTER TABLE; batch mode copies tables
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
