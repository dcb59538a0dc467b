"""manifest lines: one row per manifest line, backfilled from the stored shipments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_manifest_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.String(length=32), nullable=False),
    sa.Column('partner', sa.String(length=64), nullable=False),
    sa.Column('row', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['plan_jobs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plan_manifest_lines', schema=None) as batch_op:
        batch_op.create_index('ix_plan_manifest_lines_job_partner', ['job_id', 'partner', 'id'], unique=False)
    _backfill()


def _backfill() -> None:
    """Lines of the plans finished before this revision, as api.services.results serves them."""
    conn = op.get_bind()
    shipments = sa.table("plan_shipments", sa.column("id"), sa.column("job_id"), sa.column("partner"),
                         sa.column("doc", sa.JSON()))
    lines = sa.table("plan_manifest_lines", sa.column("job_id"), sa.column("partner"), sa.column("row", sa.JSON()))
    head = ("lane_id", "mode", "origin", "destination", "departure", "arrival", "temperature_c")
    for job_id, partner, doc in conn.execute(sa.select(shipments.c.job_id, shipments.c.partner, shipments.c.doc)
                                             .order_by(shipments.c.id)):
        rows = []
        for line in doc["manifest"]:
            org, sep, ident = line["order_id"].partition(":")
            row = {"shipment_id": doc["id"], **{k: doc[k] for k in head}, "unit": line["unit"],
                   "order_id": ident if sep else line["order_id"], "order_org": org if sep else "",
                   "kg": line["kg"], "boxes": line["boxes"], "shelf_life_left_days": line["shelf_life_left_days"]}
            rows.append({"job_id": job_id, "partner": partner, "row": row})
        if rows:
            conn.execute(lines.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table('plan_manifest_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_manifest_lines_job_partner')

    op.drop_table('plan_manifest_lines')
