"""read versions: how often each organisation's orders and lots changed, counted by triggers

Every insert, update or delete of ``orders`` or ``lots`` adds one to the
``read_versions`` row of the changed rows' (table, case, organisation), in the
same transaction, whichever code writes. The API serves a read it keeps in
memory only while that number is unchanged (api.readcache), in every server
process. SQLite: a trigger per row; PostgreSQL: one per statement, over its
transition table (an ingest of 1,000 rows bumps each organisation once).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TABLES = ('orders', 'lots')
EVENTS = ('insert', 'update', 'delete')

SQLITE_BUMP = """INSERT INTO read_versions (kind, case_id, org, version) VALUES ('{table}', {row}.case_id, {row}.org, 1)
    ON CONFLICT (kind, case_id, org) DO UPDATE SET version = version + 1;"""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION bump_read_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO read_versions (kind, case_id, org, version)
        SELECT DISTINCT TG_TABLE_NAME, case_id, org, 1 FROM changed_before
        ON CONFLICT (kind, case_id, org) DO UPDATE SET version = read_versions.version + 1;
    ELSIF TG_OP = 'INSERT' THEN
        INSERT INTO read_versions (kind, case_id, org, version)
        SELECT DISTINCT TG_TABLE_NAME, case_id, org, 1 FROM changed_after
        ON CONFLICT (kind, case_id, org) DO UPDATE SET version = read_versions.version + 1;
    ELSE
        INSERT INTO read_versions (kind, case_id, org, version)
        SELECT DISTINCT TG_TABLE_NAME, case_id, org, 1
        FROM (SELECT case_id, org FROM changed_before UNION SELECT case_id, org FROM changed_after) AS changed
        ON CONFLICT (kind, case_id, org) DO UPDATE SET version = read_versions.version + 1;
    END IF;
    RETURN NULL;
END $$;
"""
POSTGRES_REFERENCING = {'insert': 'NEW TABLE AS changed_after', 'delete': 'OLD TABLE AS changed_before',
                        'update': 'OLD TABLE AS changed_before NEW TABLE AS changed_after'}


def upgrade() -> None:
    op.create_table('read_versions',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('org', sa.String(length=64), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'case_id', 'org')
    )
    if op.get_bind().dialect.name == 'sqlite':
        for table in TABLES:
            for event in EVENTS:
                rows = {'insert': ['NEW'], 'delete': ['OLD'], 'update': ['OLD', 'NEW']}[event]
                body = '\n    '.join(SQLITE_BUMP.format(table=table, row=row) for row in rows)
                op.execute(f'CREATE TRIGGER {table}_{event}_read_version AFTER {event.upper()} ON {table}\n'
                           f'BEGIN\n    {body}\nEND')
        return
    op.execute(POSTGRES_FUNCTION)
    for table in TABLES:
        for event in EVENTS:
            op.execute(f'CREATE TRIGGER {table}_{event}_read_version AFTER {event.upper()} ON {table} '
                       f'REFERENCING {POSTGRES_REFERENCING[event]} FOR EACH STATEMENT '
                       'EXECUTE FUNCTION bump_read_versions()')


def downgrade() -> None:
    for table in TABLES:
        for event in EVENTS:
            op.execute(f'DROP TRIGGER IF EXISTS {table}_{event}_read_version'
                       + ('' if op.get_bind().dialect.name == 'sqlite' else f' ON {table}'))
    if op.get_bind().dialect.name != 'sqlite':
        op.execute('DROP FUNCTION IF EXISTS bump_read_versions()')
    op.drop_table('read_versions')
