"""Moderation: numbered cases (the mod log, with decaying warning points), slow modes, raids.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.types import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "mod_cases",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("community", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("member", sa.String(64), nullable=False),
        sa.Column("member_name", sa.String(100), nullable=False),
        sa.Column("moderator", sa.String(64)),
        sa.Column("moderator_name", sa.String(100)),
        sa.Column("rule", sa.Integer),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text),
        sa.Column("channel", sa.String(64)),
        sa.Column("message", sa.String(64)),
        sa.Column("points", sa.Integer, nullable=False, server_default="0"),
        sa.Column("duration_seconds", sa.Integer),
        sa.Column("expires_at", UtcDateTime),
        sa.Column("revoked_at", UtcDateTime),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime),
        sa.UniqueConstraint("platform", "community", "number", name="uq_mod_cases_number"),
    )
    op.create_index("ix_mod_cases_member", "mod_cases", ["platform", "community", "member"])
    op.create_table(
        "mod_slowmodes",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("channel", sa.String(64), primary_key=True),
        sa.Column("interval_seconds", sa.Integer, nullable=False),
        sa.Column("native", sa.Boolean, nullable=False),
        sa.Column("until", UtcDateTime),
        sa.Column("set_by", sa.String(64)),
    )
    op.create_table(
        "mod_raids",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("last_join_at", UtcDateTime, nullable=False),
        sa.Column("lifted_at", UtcDateTime),
    )
    op.create_table(
        "mod_held",
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("community", sa.String(64), primary_key=True),
        sa.Column("member", sa.String(64), primary_key=True),
        sa.Column("held_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("mod_held")
    op.drop_table("mod_raids")
    op.drop_table("mod_slowmodes")
    op.drop_index("ix_mod_cases_member", "mod_cases")
    op.drop_table("mod_cases")
