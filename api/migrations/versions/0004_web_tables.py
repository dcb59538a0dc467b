"""the web page's tables: sessions, preferences, plan versions, the pending edit, stops done

They were made by ``create_all`` at first use before this revision: a
database that already has one of them keeps it as it is.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ('web_sessions', 'web_preferences', 'web_plan_versions', 'web_plan_drafts', 'web_stops_done')


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if 'web_sessions' not in present:
        op.create_table('web_sessions',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('key_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('org', sa.String(length=64), nullable=False),
        sa.Column('csrf', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('token_hash')
        )
        op.create_index('ix_web_sessions_key_id', 'web_sessions', ['key_id'], unique=False)
    if 'web_preferences' not in present:
        op.create_table('web_preferences',
        sa.Column('key_id', sa.Integer(), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint('key_id')
        )
    if 'web_plan_versions' not in present:
        op.create_table('web_plan_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.String(length=32), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('document', JSON, nullable=False),
        sa.Column('change', JSON, nullable=False),
        sa.Column('author_org', sa.String(length=64), nullable=False),
        sa.Column('author_role', sa.String(length=16), nullable=False),
        sa.Column('author_key_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('job_id', 'number', name='uq_web_plan_versions_job_number')
        )
        op.create_index('ix_web_plan_versions_job_id', 'web_plan_versions', ['job_id'], unique=False)
    if 'web_plan_drafts' not in present:
        op.create_table('web_plan_drafts',
        sa.Column('job_id', sa.String(length=32), nullable=False),
        sa.Column('base_number', sa.Integer(), nullable=False),
        sa.Column('document', JSON, nullable=False),
        sa.Column('change', JSON, nullable=False),
        sa.Column('findings', JSON, nullable=False),
        sa.Column('author_key_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('job_id')
        )
    if 'web_stops_done' not in present:
        op.create_table('web_stops_done',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.String(length=32), nullable=False),
        sa.Column('vehicle_id', sa.String(length=64), nullable=False),
        sa.Column('site', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('lot_ids', JSON, nullable=False),
        sa.Column('lot_key', sa.Text(), nullable=False),
        sa.Column('weighed_kg', sa.Float(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('author_org', sa.String(length=64), nullable=False),
        sa.Column('author_key_id', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('job_id', 'kind', 'lot_key', name='uq_web_stops_done')
        )
        op.create_index('ix_web_stops_done_job_id', 'web_stops_done', ['job_id'], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table)
