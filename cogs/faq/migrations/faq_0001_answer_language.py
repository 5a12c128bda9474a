"""The language version of the entry each FAQ answer showed, so the cooldown ("answered a
moment ago, see above") points a member only at an answer in the version they would get.

Revision ID: faq_0001
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "faq_0001"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("faq_answers") as batch:
        batch.add_column(sa.Column("lang", sa.String(16)))


def downgrade() -> None:
    with op.batch_alter_table("faq_answers") as batch:
        batch.drop_column("lang")
