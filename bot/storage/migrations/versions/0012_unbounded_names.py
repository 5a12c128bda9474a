"""Display names without a length limit: Telegram allows 64 + 64 characters and SQLite never
enforced String(100), so PostgreSQL refused names that SQLite took.

Revision ID: 0012
Revises: studio_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "studio_0001"
branch_labels = None
depends_on = None

NAMES = {
    "members": ("name",),
    "button_uses": ("pressed_by_name",),
    "mod_cases": ("member_name", "moderator_name"),
    "ama_sessions": ("host_name",),
    "ama_questions": ("author_name",),
    "ama_pending": ("author_name",),
    "onboarding": ("member_name",),
}


def upgrade() -> None:
    for table, columns in NAMES.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.Text(), existing_type=sa.String(100))


def downgrade() -> None:
    for table, columns in NAMES.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.String(100), existing_type=sa.Text())
