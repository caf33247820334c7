"""Imports of earlier responses

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_hash', sa.String(length=64), nullable=False),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('mapping_name', sa.String(length=255), nullable=False),
    sa.Column('mapping_text', sa.Text(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('records', 'drafts', name='import_mode', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('to_check', 'checking', 'checked', 'to_import', 'importing', 'imported', 'failed', 'cancelled', name='import_status', native_enum=False, length=20), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('imported_count', sa.Integer(), nullable=True),
    sa.Column('skipped_count', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['confirmed_by_id'], ['users.id'], name=op.f('fk_imports_confirmed_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_imports_round_id_rounds')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_imports_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imports'))
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imports_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imports_status'), ['status'], unique=False)

    op.create_table('imported_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('row_key', sa.String(length=200), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['imports.id'], name=op.f('fk_imported_projects_batch_id_imports')),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_imported_projects_submission_id_submissions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_projects')),
    sa.UniqueConstraint('source', 'row_key', name=op.f('uq_imported_projects_source')),
    sa.UniqueConstraint('submission_id', name=op.f('uq_imported_projects_submission_id'))
    )
    with op.batch_alter_table('imported_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_projects_batch_id'), ['batch_id'], unique=False)



def downgrade():
    with op.batch_alter_table('imported_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imported_projects_batch_id'))

    op.drop_table('imported_projects')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imports_status'))
        batch_op.drop_index(batch_op.f('ix_imports_round_id'))

    op.drop_table('imports')
