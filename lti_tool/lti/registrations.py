"""Platform registrations and deployments in the database, and pylti1p3's tool config over them.

Many client ids per issuer (Canvas uses one issuer for every customer), so a
registration is found by (issuer, client id); deployments hang off their
registration, so the same deployment id under another client is a different one.
A client id, though, belongs to one platform: a second issuer claiming a client id
already registered is refused (a rogue platform reusing a real one's client id),
except among Instructure's cloud issuers, whose beta and test copies keep the
production developer keys.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from pylti1p3.deployment import Deployment as PyltiDeployment
from pylti1p3.registration import Registration as PyltiRegistration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lti_tool.db.models import Deployment, Registration

from .keys import NoSigningKey, current_private_key, jwks
from .registry import bump_version

CANVAS_CLOUD_ISSUERS = ("https://canvas.instructure.com", "https://canvas.beta.instructure.com",
                        "https://canvas.test.instructure.com")


class RegistrationError(ValueError):
    """A registration cannot be saved as given; the message says which field and why."""


class ClientIdTaken(RegistrationError):
    """The client id is already registered under another issuer."""

    def __init__(self, client_id: str, issuer: str, other_issuer: str) -> None:
        self.client_id, self.issuer, self.other_issuer = client_id, issuer, other_issuer
        super().__init__(f"Client id {client_id!r} is already registered for {other_issuer}, so {issuer} cannot "
                         f"use it: a client id belongs to one platform. Check the client id; if {other_issuer} "
                         f"really is gone, remove it first with `plchoice-lti platform remove --issuer "
                         f"{other_issuer} --client-id {client_id}`.")


def _check_url(name: str, value: str) -> None:
    parsed = urlparse(value or "")
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise RegistrationError(f"--{name} must be an absolute http(s) URL, not {value!r}.")


def find_registration(session: Session, issuer: str, client_id: str) -> Registration | None:
    return session.scalars(select(Registration).options(selectinload(Registration.deployments))
                           .where(Registration.issuer == issuer, Registration.client_id == client_id)).first()


def _same_platform(issuer: str, other: str) -> bool:
    return issuer == other or {issuer.rstrip("/"), other.rstrip("/")} <= set(CANVAS_CLOUD_ISSUERS)


def _check_client_id_free(session: Session, issuer: str, client_id: str) -> None:
    for other in session.scalars(select(Registration.issuer).where(Registration.client_id == client_id)):
        if not _same_platform(issuer, other):
            raise ClientIdTaken(client_id, issuer, other)


def find_deployment(session: Session, registration: Registration, deployment_id: str) -> Deployment | None:
    return session.scalars(select(Deployment).where(Deployment.registration_id == registration.id,
                                                    Deployment.deployment_id == deployment_id)).first()


def add_registration(session: Session, *, issuer: str, client_id: str, auth_login_url: str, auth_token_url: str,
                     key_set_url: str, audience: str | None = None,
                     deployment_ids: list[str] | tuple[str, ...] = ()) -> Registration:
    """Create a registration, or add deployments to an existing one with the same URLs."""
    if not issuer or not client_id:
        raise RegistrationError("--issuer and --client-id are required.")
    for name, value in (("auth-login-url", auth_login_url), ("auth-token-url", auth_token_url),
                        ("key-set-url", key_set_url)):
        _check_url(name, value)
    _check_client_id_free(session, issuer, client_id)
    _check_token_url_on_authorization_server(auth_token_url, audience)
    registration = find_registration(session, issuer, client_id)
    if registration is None:
        registration = Registration(issuer=issuer, client_id=client_id, auth_login_url=auth_login_url,
                                    auth_token_url=auth_token_url, key_set_url=key_set_url, audience=audience)
        session.add(registration)
        session.flush()
    else:
        registration.auth_login_url, registration.auth_token_url = auth_login_url, auth_token_url
        registration.key_set_url, registration.audience = key_set_url, audience
    for deployment_id in deployment_ids:
        if not deployment_id:
            raise RegistrationError("--deployment-id must not be empty.")
        if find_deployment(session, registration, deployment_id) is None:
            session.add(Deployment(registration=registration, deployment_id=deployment_id))
    session.flush()
    bump_version(session)  # every process drops its cached registrations (lti_tool.lti.registry)
    return registration


def _check_token_url_on_authorization_server(auth_token_url: str, audience: str | None) -> None:
    """Client assertions are posted only to the platform's authorization server (see service_tokens)."""
    from .service_tokens import token_url_allowed

    if audience and not token_url_allowed(auth_token_url, audience):
        raise RegistrationError(f"--auth-token-url {auth_token_url!r} is not on the authorization server "
                                f"{audience!r} (--audience); the tool would refuse to send it a client assertion.")


def list_registrations(session: Session) -> list[Registration]:
    return list(session.scalars(select(Registration).options(selectinload(Registration.deployments))
                                .order_by(Registration.issuer, Registration.client_id)))


def remove_registration(session: Session, issuer: str, client_id: str) -> bool:
    registration = find_registration(session, issuer, client_id)
    if registration is None:
        return False
    session.delete(registration)
    session.flush()
    bump_version(session)  # the removed platform stops launching on every node within a second
    return True


class ToolRegistration(PyltiRegistration):
    """pylti1p3's registration, with the kid of *our* current key (it would derive one from a public key)."""

    _kid: str | None = None

    def set_kid(self, kid: str) -> ToolRegistration:
        self._kid = kid
        return self

    def get_kid(self) -> str | None:
        return self._kid


def to_pylti(session: Session, registration: Registration) -> ToolRegistration:
    """The pylti1p3 view of a registration, with the tool's current key for service calls (AGS, NRPS)."""
    result = (ToolRegistration().set_issuer(registration.issuer).set_client_id(registration.client_id)
              .set_auth_login_url(registration.auth_login_url).set_auth_token_url(registration.auth_token_url)
              .set_key_set_url(registration.key_set_url))
    if registration.audience:
        result.set_auth_audience(registration.audience)
    try:
        kid, private_pem = current_private_key(session)
    except NoSigningKey:  # launches validate without our key; only service calls need it
        return result
    result.set_tool_private_key(private_pem)
    result.set_kid(kid)
    return result


class DbToolConf(ToolConfAbstract):
    """pylti1p3 tool config backed by our tables; every issuer may have many client ids."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> PyltiRegistration | None:
        rows = list(self.session.scalars(select(Registration).where(Registration.issuer == iss).limit(2)))
        return to_pylti(self.session, rows[0]) if len(rows) == 1 else None

    def find_registration_by_params(self, iss: str, client_id: str, *args: Any,
                                    **kwargs: Any) -> PyltiRegistration | None:
        registration = find_registration(self.session, iss, client_id)
        return to_pylti(self.session, registration) if registration else None

    def find_deployment(self, iss: str, deployment_id: str) -> PyltiDeployment | None:
        rows = list(self.session.scalars(select(Deployment).join(Registration)
                                         .where(Registration.issuer == iss, Deployment.deployment_id == deployment_id)))
        return PyltiDeployment().set_deployment_id(deployment_id) if len(rows) == 1 else None

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args: Any,
                                  **kwargs: Any) -> PyltiDeployment | None:
        registration = find_registration(self.session, iss, client_id)
        if registration is None or find_deployment(self.session, registration, deployment_id) is None:
            return None
        return PyltiDeployment().set_deployment_id(deployment_id)

    def get_jwks(self, iss: str | None = None, client_id: str | None = None, **kwargs: Any) -> dict[str, Any]:
        return jwks(self.session)
