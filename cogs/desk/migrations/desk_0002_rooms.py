"""Private rooms for cases: where a case's conversation lives (a private thread, or a staff
forum topic the member reaches through a private chat with the bot); and who gave a case its
first staff answer (per-helper figures).

Revision ID: desk_0002
Revises: desk_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "desk_0002"
down_revision = "desk_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("desk_cases") as batch:
        batch.add_column(sa.Column("room_channel", sa.String(64)))
        batch.add_column(sa.Column("room_thread", sa.String(64)))
        batch.add_column(sa.Column("room_relay", sa.Boolean))
        batch.add_column(sa.Column("room_by_reply", sa.Boolean))
        batch.add_column(sa.Column("first_responder", sa.String(64)))
        batch.add_column(sa.Column("first_responder_name", sa.Text))
    op.create_index(
        "ix_desk_cases_room", "desk_cases", ["platform", "room_channel", "room_thread"]
    )


def downgrade() -> None:
    op.drop_index("ix_desk_cases_room", "desk_cases")
    with op.batch_alter_table("desk_cases") as batch:
        batch.drop_column("first_responder_name")
        batch.drop_column("first_responder")
        batch.drop_column("room_by_reply")
        batch.drop_column("room_relay")
        batch.drop_column("room_thread")
        batch.drop_column("room_channel")
