"""``plchoice-lti``: set up the database and keys, register platforms, invite registrations, rotate keys,
deliver grades, clean up, move evidence.

Reads the same ``PLCHOICE_*`` variables as the app, so the CLI and the
workers always talk to the same database.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import Engine

from .config import ConfigError, load_settings
from .db import migrate
from .db.session import make_engine, make_sessionmaker, session_scope
from .lti import invites, keys, registrations


def _engine() -> Engine:
    settings = load_settings()
    settings.data_path.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.effective_database_url)
    migrate.upgrade(engine)  # every command works on a fresh database, not only after `init`
    return engine


def cmd_init(_args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        made = keys.ensure_keys(session)
    print("Database is up to date." + (" Made the first key pair." if made else " Keys already exist."))
    print(f"Tool URLs to give the platform:\n  OIDC login:  {settings.login_url}\n"
          f"  Redirect:    {settings.launch_url}\n  JWKS:        {settings.jwks_url}")
    return 0


def cmd_platform_add(args: argparse.Namespace) -> int:
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        registration = registrations.add_registration(
            session, issuer=args.issuer, client_id=args.client_id, auth_login_url=args.auth_login_url,
            auth_token_url=args.auth_token_url, key_set_url=args.key_set_url, audience=args.audience,
            deployment_ids=args.deployment_id or [])
        deployments = [d.deployment_id for d in registration.deployments]
    print(f"Registered {args.issuer} (client id {args.client_id}); deployments: {', '.join(deployments) or 'none'}.")
    return 0


def cmd_platform_list(args: argparse.Namespace) -> int:
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        rows = [{"issuer": r.issuer, "client_id": r.client_id, "auth_login_url": r.auth_login_url,
                 "auth_token_url": r.auth_token_url, "key_set_url": r.key_set_url, "audience": r.audience,
                 "deployment_ids": [d.deployment_id for d in r.deployments]}
                for r in registrations.list_registrations(session)]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No platforms registered. Add one with `plchoice-lti platform add`.")
    for row in rows if not args.json else []:
        print(f"{row['issuer']}  client_id={row['client_id']}  deployments={','.join(row['deployment_ids']) or '-'}")
    return 0


def cmd_platform_remove(args: argparse.Namespace) -> int:
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        removed = registrations.remove_registration(session, args.issuer, args.client_id)
    if not removed:
        print(f"No registration for {args.issuer} with client id {args.client_id}.", file=sys.stderr)
        return 1
    print(f"Removed {args.issuer} (client id {args.client_id}).")
    return 0


def expiry_seconds(text: str) -> timedelta:
    """``--expires-in``: whole seconds, at least 1, at most 30 days (an invite should not linger)."""
    limit = int(invites.MAX_LIFETIME.total_seconds())
    try:
        seconds = int(text)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= limit:
        raise argparse.ArgumentTypeError(f"must be a whole number of seconds from 1 to {limit} (30 days), "
                                         f"not {text!r}")
    return timedelta(seconds=seconds)


def cmd_registration_invite(args: argparse.Namespace) -> int:
    settings = load_settings()
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        made = invites.create_invite(session, settings.base_url, args.expires_in)
    print(f"Registration invite {made.id}: registers one platform, until {made.expires_at:%Y-%m-%d %H:%M} UTC.")
    print("Paste this URL into Moodle's \"Tool URL\" or Canvas's \"LTI Registration\" (keep it private):")
    print(made.url)  # last line: scripts take it with `tail -n 1`
    return 0


def cmd_registration_list(args: argparse.Namespace) -> int:
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        rows = [invites.describe(i) for i in invites.list_invites(session)]
    if args.json:
        print(json.dumps(rows, indent=2))
    elif not rows:
        print("No invites. Make one with `plchoice-lti registration invite`.")
    for row in rows if not args.json else []:
        used = f"  by {row['issuer']} client_id={row['client_id']}" if row["issuer"] else ""
        print(f"{row['id']}  {row['status']}  expires {row['expires_at']}{used}")
    return 0


def cmd_registration_revoke(args: argparse.Namespace) -> int:
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        revoked = invites.revoke_invite(session, args.invite_id)
    if not revoked:
        print(f"No unused invite {args.invite_id} (see `plchoice-lti registration list-invites`).", file=sys.stderr)
        return 1
    print(f"Revoked invite {args.invite_id}: its URL no longer registers anything.")
    return 0


def cmd_keys_rotate(_args: argparse.Namespace) -> int:
    engine = _engine()
    with session_scope(make_sessionmaker(engine)) as session:
        promoted = keys.rotate(session)
        kid = promoted.kid
    print(f"Rotated keys: {kid} now signs; the previous key stays in the JWKS until the next rotation.")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    """The AGS outbox has its own small CLI; hand it the rest of the command line."""
    from .lti import outbox

    _engine()  # migrate first, like every other command, so status works on a fresh database
    return outbox.main(list(args.outbox_args))


def cmd_housekeeping(_args: argparse.Namespace) -> int:
    """Delete evidence files no draft or attempt uses (older than PLCHOICE_ORPHAN_AFTER_SECONDS) now."""
    from .blobs import make_blob_store
    from .lti import housekeeping

    settings = load_settings()
    sessions = make_sessionmaker(_engine())
    report = housekeeping.sweep(sessions, make_blob_store(settings), settings)
    print(housekeeping.describe(report))
    return 0


def cmd_blobs_migrate(args: argparse.Namespace) -> int:
    """Copy the data dir's evidence to S3 (see :mod:`lti_tool.blobs.migrate`)."""
    from .blobs import make_blob_store, parse_s3_url
    from .blobs.files import FileBlobStore
    from .blobs.migrate import migrate, referenced_paths
    from .blobs.s3 import S3BlobStore

    target_bucket, target_prefix = parse_s3_url(args.to, "--to")
    source = make_blob_store(load_settings())
    if not isinstance(source, FileBlobStore):
        raise ConfigError("blobs migrate copies from the data dir: leave PLCHOICE_BLOB_URL unset (or file://...) "
                          "until the copy is done, then set it to the --to URL.")
    with session_scope(make_sessionmaker(_engine())) as session:
        referenced = referenced_paths(session)
    try:
        report = migrate(source, S3BlobStore(target_bucket, target_prefix), referenced=referenced,
                         dry_run=args.dry_run, out=lambda line: print(line, flush=True))
    except OSError as exc:  # the bucket failed or a checksum differed: what is done stays done, rerun to resume
        print(f"error: {exc} {exc.__cause__ or ''}".strip(), file=sys.stderr)
        return 1
    print(report.summary(args.to, args.dry_run))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plchoice-lti", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="migrate the database and make the first key pair").set_defaults(func=cmd_init)

    platform = sub.add_parser("platform", help="manage platform registrations")
    psub = platform.add_subparsers(dest="platform_command", required=True)
    add = psub.add_parser("add", help="register a platform (or add deployments to it)")
    add.add_argument("--issuer", required=True)
    add.add_argument("--client-id", required=True)
    add.add_argument("--auth-login-url", required=True)
    add.add_argument("--auth-token-url", required=True)
    add.add_argument("--key-set-url", required=True)
    add.add_argument("--audience", default=None, help="token audience, when the platform wants one")
    add.add_argument("--deployment-id", action="append", help="repeat for each deployment")
    add.set_defaults(func=cmd_platform_add)
    listing = psub.add_parser("list", help="show registered platforms")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cmd_platform_list)
    remove = psub.add_parser("remove", help="remove a registration and its deployments")
    remove.add_argument("--issuer", required=True)
    remove.add_argument("--client-id", required=True)
    remove.set_defaults(func=cmd_platform_remove)

    invite_group = sub.add_parser("registration", help="invites for LTI dynamic registration")
    rsub = invite_group.add_subparsers(dest="registration_command", required=True)
    invite = rsub.add_parser("invite", help="print a single-use registration URL for one platform")
    invite.add_argument("--expires-in", type=expiry_seconds, default=invites.DEFAULT_LIFETIME, metavar="SECONDS",
                        help="how long the invite stays usable (default 7 days, at most 30 days)")
    invite.set_defaults(func=cmd_registration_invite)
    invite_list = rsub.add_parser("list-invites", help="show invites: open, spent (by which platform), expired")
    invite_list.add_argument("--json", action="store_true")
    invite_list.set_defaults(func=cmd_registration_list)
    revoke = rsub.add_parser("revoke", help="withdraw an unused invite")
    revoke.add_argument("invite_id", type=int)
    revoke.set_defaults(func=cmd_registration_revoke)

    key = sub.add_parser("keys", help="manage the tool's signing keys")
    ksub = key.add_subparsers(dest="keys_command", required=True)
    ksub.add_parser("rotate", help="next key signs, current becomes previous").set_defaults(func=cmd_keys_rotate)

    blobs = sub.add_parser("blobs", help="manage stored evidence files")
    bsub = blobs.add_subparsers(dest="blobs_command", required=True)
    move = bsub.add_parser("migrate", help="copy the data dir's evidence to s3://BUCKET/PREFIX (resumable, verified)")
    move.add_argument("--to", required=True, metavar="s3://BUCKET/PREFIX")
    move.add_argument("--dry-run", action="store_true", help="only list what would be copied")
    move.set_defaults(func=cmd_blobs_migrate)

    box = sub.add_parser("outbox", help="deliver queued AGS grades: `outbox run [--once]`, `outbox status`",
                         add_help=False)
    box.add_argument("outbox_args", nargs=argparse.REMAINDER, help="run [--once] | status")
    box.set_defaults(func=cmd_outbox)
    sub.add_parser("housekeeping", help="delete evidence files no draft or attempt uses, after a day") \
        .set_defaults(func=cmd_housekeeping)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["outbox"]:  # its own parser, so `plchoice-lti outbox --help` shows the outbox's options
        args = argparse.Namespace(func=cmd_outbox, outbox_args=argv[1:])
    else:
        args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ConfigError, registrations.RegistrationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
