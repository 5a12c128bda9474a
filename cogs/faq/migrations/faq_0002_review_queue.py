"""The words of each question the FAQ saw (for the moderators' review queue; erased with the
member) and what a moderator decided about a miss.

Revision ID: faq_0002
Revises: ama_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "faq_0002"
down_revision = "ama_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_answers") as batch:
        batch.add_column(sa.Column("question_text", sa.Text))
        batch.add_column(sa.Column("reviewed", sa.String(60)))


def downgrade() -> None:
    with op.batch_alter_table("faq_answers") as batch:
        batch.drop_column("reviewed")
        batch.drop_column("question_text")
