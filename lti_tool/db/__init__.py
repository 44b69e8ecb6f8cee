"""The LTI tool's database: SQLAlchemy 2 models, the core Store on top of them, Alembic migrations."""
