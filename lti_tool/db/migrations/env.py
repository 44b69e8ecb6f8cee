"""Alembic environment, run programmatically by lti_tool.db.migrate (the engine comes in config.attributes)."""

from alembic import context
from sqlalchemy import create_engine

import lti_tool.db.invite_models  # noqa: F401 - registration invites (0003)
from lti_tool.db.models import Base

try:  # lti-services' outbox tables, when that module exists
    import lti_tool.db.outbox_models  # noqa: F401
except ModuleNotFoundError as exc:
    if exc.name != "lti_tool.db.outbox_models":
        raise

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
