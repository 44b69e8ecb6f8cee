"""What one running tool shares between requests: settings, database, launch storage, key cache, blob store,
registration cache.

Kept in ``app.extensions["plchoice"]``; :func:`services` reads it inside a request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from flask import current_app
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .blobs import ToolBlobStore
from .config import Settings
from .lti.launch_storage import LaunchStore
from .lti.oidc_state import StateKey
from .lti.platform_keys import PlatformKeyCache
from .lti.registry import Registry
from .lti.service_tokens import TokenCache


@dataclass
class ToolServices:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    launch_store: LaunchStore
    platform_keys: PlatformKeyCache
    blobs: ToolBlobStore
    secret_key: str
    tokens: TokenCache  # service access tokens, cached in launch_store so every worker reuses one
    registry: Registry = field(default_factory=Registry)  # registrations and link mappings, per process

    @cached_property
    def state_key(self) -> StateKey:
        """Signs and checks OIDC states (:mod:`.lti.oidc_state`), derived once from the secret key."""
        return StateKey(self.secret_key)


def services() -> ToolServices:
    return current_app.extensions["plchoice"]
