"""Settings for the LTI tool, read from ``PLCHOICE_*`` environment variables.

One frozen object built once per app, so a worker never sees half-changed
settings; tests pass a dict to :func:`lti_tool.create_app` instead of touching
the environment.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

PREFIX = "PLCHOICE_"
LOG_FORMATS = ("text", "json")


class ConfigError(ValueError):
    """A setting has a value the tool cannot use; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    base_url: str = "http://localhost:8000"
    data_dir: str = "var/lti"
    database_url: str = ""  # empty: SQLite in data_dir
    secret_key: str = ""  # empty: a key kept in data_dir (made once)
    redis_url: str = ""  # set: launch data and nonces live in Redis
    jwt_leeway: int = 60  # seconds of clock skew accepted on exp / iat / nbf
    jwks_cache_seconds: int = 3600
    launch_ttl: int = 8 * 3600  # how long a launch stays usable for /api calls
    state_ttl: int = 600  # how long a login may take before its launch
    cookie_secure: bool = True  # SameSite=None requires Secure; off only for plain-http development
    max_upload_bytes: int = 210 * 1024 * 1024
    # Evidence limits per kind (the XBlock reads the same names from XBLOCK_SETTINGS).
    file_max_bytes: int = 20 * 1024 * 1024
    audio_max_bytes: int = 50 * 1024 * 1024
    video_max_bytes: int = 200 * 1024 * 1024
    quota_bytes: int = 500 * 1024 * 1024  # one learner's files in one activity, all together
    # Housekeeping (lti_tool.lti.housekeeping): files no draft or attempt uses are deleted after this long,
    # by one outbox worker at most every housekeeping_interval seconds, or by `plchoice-lti housekeeping`.
    orphan_after_seconds: int = 24 * 3600
    housekeeping_interval: float = 3600.0
    # Evidence bytes (lti_tool.blobs): empty = <data_dir>/blobs, or file:///FOLDER, or s3://BUCKET/PREFIX
    # (endpoint and credentials from boto3's AWS_* variables). Redirect: downloads of S3 evidence answer
    # with a 302 to a 5-minute presigned URL (after the permission check) instead of streaming through the tool.
    blob_url: str = ""
    blob_redirect: bool = False
    testing: bool = False
    # AGS outbox (lti_tool.lti.outbox): None = a delivery thread in each web worker, except in TESTING apps.
    # Dynamic registration: comma-separated platform hosts allowed to register ("moodle.example.edu",
    # or ".example.edu" for every host under it). Empty: any platform may ask (an admin still confirms).
    registration_allowed_hosts: str = ""
    outbox_worker: bool | None = None
    outbox_backoff_base: float = 2.0  # seconds before the first retry; doubles per try (with jitter)
    outbox_backoff_max: float = 900.0  # longest wait between tries
    outbox_lease: float = 60.0  # a claimed message returns to the queue if its worker is silent this long
    outbox_poll: float = 5.0  # how often an idle worker looks for due messages
    outbox_max_tries: int = 60  # then the message is dead (visible in `plchoice-lti outbox status`)
    ags_timeout: float = 10.0  # seconds to wait for the platform's answer to one score
    # xAPI (lti_tool.lti.xapi_delivery): statements go to this LRS endpoint (e.g. https://lrs.example/xAPI/)
    # through the outbox, with HTTP Basic credentials. Empty endpoint: no statements are queued.
    xapi_endpoint: str = ""
    xapi_username: str = ""
    xapi_password: str = ""
    # Seconds one call to a platform (key set, token, roster page, registration) may take in all.
    outbound_timeout: float = 10.0
    # Operations (lti_tool.web.ops, lti_tool.logging_setup): see the README's "Running in production".
    log_format: str = "text"  # "json": one JSON object per log line, with the request id
    metrics_token: str = ""  # set: /metrics needs "Authorization: Bearer <token>"; unset: loopback only
    proxy_fix: bool = False  # behind a reverse proxy: trust one hop of X-Forwarded-For/-Proto/-Host

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_path / 'plchoice.sqlite3').resolve()}"

    @property
    def launch_url(self) -> str:
        return self.base_url.rstrip("/") + "/lti/launch"

    @property
    def login_url(self) -> str:
        return self.base_url.rstrip("/") + "/lti/login"

    @property
    def jwks_url(self) -> str:
        return self.base_url.rstrip("/") + "/lti/jwks"


_INT_FIELDS = {f.name for f in fields(Settings) if f.type in ("int", int)}
_FLOAT_FIELDS = {f.name for f in fields(Settings) if f.type in ("float", float)}
_BOOL_FIELDS = {f.name for f in fields(Settings) if f.type in ("bool", bool)}
_OPTIONAL_BOOL_FIELDS = {f.name for f in fields(Settings) if f.type == "bool | None"}


def _coerce(name: str, value: Any) -> Any:
    if name in _OPTIONAL_BOOL_FIELDS:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None  # unset: the tool decides (see the field's comment)
        return _coerce_bool(name, value)
    if name in _FLOAT_FIELDS:
        try:
            real = float(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{PREFIX}{name.upper()} must be a number of seconds, not {value!r}.") from exc
        if not real >= 0 or real == float("inf"):  # also refuses NaN
            raise ConfigError(f"{PREFIX}{name.upper()} must be a finite number, not negative.")
        return real
    if name in _INT_FIELDS:
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{PREFIX}{name.upper()} must be a whole number, not {value!r}.") from exc
        if number < 0:
            raise ConfigError(f"{PREFIX}{name.upper()} must not be negative.")
        return number
    if name in _BOOL_FIELDS:
        return _coerce_bool(name, value)
    return str(value)


def _coerce_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{PREFIX}{name.upper()} must be true or false, not {value!r}.")


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Environment first, then ``overrides`` (keys like ``DATA_DIR`` or ``data_dir``)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    for name in names:
        key = PREFIX + name.upper()
        if key in env:
            values[name] = _coerce(name, env[key])
    for key, value in (overrides or {}).items():
        name = key.lower().removeprefix(PREFIX.lower())
        if name not in names:
            raise ConfigError(f"Unknown setting {key!r}; known: {', '.join(sorted(n.upper() for n in names))}.")
        values[name] = _coerce(name, value)
    settings = replace(Settings(), **values)
    if settings.log_format not in LOG_FORMATS:
        raise ConfigError(f"{PREFIX}LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {settings.log_format!r}.")
    if not settings.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"{PREFIX}BASE_URL must start with http:// or https://, not {settings.base_url!r}.")
    return settings


def secret_key_for(settings: Settings) -> str:
    """The configured key, or one generated once and kept in the data dir, so every worker signs alike."""
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_path / "secret_key"
    settings.data_path.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Write aside, then hard-link into place: the link is atomic and fails if another
        # worker won the race, so every worker ends up reading the same complete key.
        tmp = path.with_name(f"secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="utf-8").strip()
