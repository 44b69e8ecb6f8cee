"""Claims of the wrong type, signed by a registered platform: a 4xx page naming the claim, never a 500.

pylti1p3's message validators call ``.get`` on whatever a claim holds, so a retyped claim used to crash the
launch with ``AttributeError``. Each case here is a real login and a validly signed id_token (RS256) whose one
claim has the wrong type; the fuzz test throws 2,000 such tokens, with seeded junk in every claim the tool
reads, and counts the 5xx (a 500 is always a bug).
"""

from __future__ import annotations

import copy
import functools
import random
import string
from collections import Counter
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from tests.lti.conftest import launch_rows
from tests.lti.helpers.tokens import INSTRUCTOR, LEARNER

from .launch_helpers import (
    AGS,
    CLAIM,
    DL_SETTINGS,
    NRPS,
    assert_refused_and_nothing_stored,
    deep_link_overrides,
    error_code,
)

RL, DL = "resource_link", "deep_link"
AGS_VALUE = {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
             "lineitem": "https://platform.example/lineitems/1", "lineitems": "https://platform.example/lineitems"}
NRPS_VALUE = {"context_memberships_url": "https://platform.example/memberships", "service_versions": ["2.0"]}

# (message, claim path, wrong value): each one a claim the tool reads, with a type the LTI spec does not allow.
CASES = [
    (RL, (CLAIM + "resource_link",), None),
    (RL, (CLAIM + "resource_link",), "rl-1"),
    (RL, (CLAIM + "resource_link",), 7),
    (RL, (CLAIM + "resource_link", "id"), ["rl-1"]),
    (RL, (CLAIM + "resource_link", "title"), {"text": "x"}),
    (RL, (CLAIM + "roles",), LEARNER),
    (RL, (CLAIM + "roles",), [1, 2]),
    (RL, (CLAIM + "roles",), None),
    (RL, (CLAIM + "custom",), ["activity_id", "act-1"]),
    (RL, (CLAIM + "custom",), "activity_id=act-1"),
    (RL, (CLAIM + "custom", "activity_id"), {"id": "act-1"}),
    (RL, (CLAIM + "context",), "course-1"),
    (RL, (CLAIM + "context",), None),
    (RL, (CLAIM + "context", "id"), {"id": "course-1"}),
    (RL, (CLAIM + "context", "title"), [1]),
    (RL, (CLAIM + "launch_presentation",), ["en"]),
    (RL, (CLAIM + "launch_presentation",), None),
    (RL, (CLAIM + "launch_presentation", "locale"), 5),
    (RL, (CLAIM + "launch_presentation", "return_url"), {"url": "x"}),
    (RL, (AGS,), "https://platform.example/lineitems/1"),
    (RL, (AGS, "scope"), "https://purl.imsglobal.org/spec/lti-ags/scope/score"),
    (RL, (AGS, "lineitem"), 5),
    (RL, (AGS, "lineitems"), ["https://platform.example/lineitems"]),
    (RL, (NRPS,), "https://platform.example/memberships"),
    (RL, (NRPS, "context_memberships_url"), 7),
    (RL, ("sub",), 42),
    (RL, ("name",), {"first": "Ada"}),
    (RL, ("given_name",), ["Ada"]),
    (RL, ("family_name",), 3),
    (RL, ("email",), ["ada@example.org"]),
    (RL, (CLAIM + "message_type",), 7),
    (RL, (CLAIM + "version",), 1.3),
    (RL, (CLAIM + "deployment_id",), 5),
    (DL, (DL_SETTINGS,), "https://platform.example/dl-return"),
    (DL, (DL_SETTINGS,), None),
    (DL, (DL_SETTINGS, "deep_link_return_url"), 5),
    (DL, (DL_SETTINGS, "accept_types"), "ltiResourceLink"),
    (DL, (DL_SETTINGS, "accept_presentation_document_targets"), "iframe"),
    (DL, (DL_SETTINGS, "title"), {"t": 1}),
    (DL, (CLAIM + "roles",), INSTRUCTOR),
]


def base_claims(platform, nonce: str, message: str) -> dict[str, Any]:
    extra = deep_link_overrides() if message == DL else {}
    return platform.claims(nonce, **{AGS: copy.deepcopy(AGS_VALUE), NRPS: copy.deepcopy(NRPS_VALUE), **extra})


def set_path(claims: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = claims
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[path[-1]] = value


@functools.lru_cache(maxsize=4)
def _signer(private_pem: str) -> Any:
    """The platform's private key, parsed once: parsing a PEM costs more than signing (2,000 tokens)."""
    return load_pem_private_key(private_pem.encode(), None)


def post(app, platform, message: str, mutate) -> Any:
    """A real login, then a launch whose RS256 id_token carries the mutated claims."""
    client = app.test_client()
    login = platform.login(client)
    claims = base_claims(platform, login.nonce, message)
    mutate(claims)
    token = jwt.encode(claims, _signer(platform.key.private_pem), algorithm="RS256",
                       headers={"kid": platform.key.kid})
    return platform.post_launch(client, token, login.state)


def shown_name(path: tuple[str, ...]) -> str:
    return ".".join(path)


@pytest.mark.parametrize(("message", "path", "value"), CASES,
                         ids=[f"{shown_name(p).rsplit('/', 1)[-1]}={type(v).__name__}" for _, p, v in CASES])
def test_wrong_type_gets_a_4xx_naming_the_claim(app, platform, message, path, value):
    before = launch_rows(app)
    response = post(app, platform, message, lambda claims: set_path(claims, path, value))
    assert_refused_and_nothing_stored(app, response, before, codes=("invalid_claim",), words=shown_name(path))


def test_resource_link_is_required_for_a_resource_link_launch(app, platform):
    before = launch_rows(app)
    response = post(app, platform, RL, lambda claims: claims.pop(CLAIM + "resource_link"))
    assert_refused_and_nothing_stored(app, response, before, codes=("invalid_claim", "missing_claim"),
                                      words=CLAIM + "resource_link")


def test_optional_claims_may_be_absent(app, platform):
    def drop(claims):
        for key in (CLAIM + "launch_presentation", AGS, NRPS, "name",
                    "given_name", "family_name", "email"):
            claims.pop(key, None)
    assert post(app, platform, RL, drop).status_code == 200


# --- the fuzz ------------------------------------------------------------------------------------------
FUZZ_CASES = 2000
SEED = 1301
# Every claim path the tool reads (top level and inside its objects): each is a place junk goes.
FUZZ_PATHS = sorted({path for _, path, _ in CASES} | {
    ("name",), (CLAIM + "custom", "x"), (CLAIM + "context", "label"), (CLAIM + "context", "type"),
    (DL_SETTINGS, "data"), (DL_SETTINGS, "accept_multiple"), (DL_SETTINGS, "text"),
    (NRPS, "service_versions")})
# Refusals that happen before claim validation: none of them may appear, or the case never reached it.
BEFORE_CLAIMS = {"unknown_state", "state_mismatch", "state_not_bound", "invalid_signature", "unknown_kid",
                 "missing_state", "missing_id_token", "malformed_token", "algorithm_not_allowed", "token_expired",
                 "token_not_yet_valid", "wrong_audience", "azp_mismatch", "replayed_token", "unknown_registration"}


def junk(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.choice(["null", "str", "int", "float", "list", "dict", "bool", "nested"])
    if kind == "null":
        return None
    if kind == "str":
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 12)))
    if kind == "int":
        return rng.randint(-2**40, 2**40)
    if kind == "float":
        return rng.uniform(-1e6, 1e6)
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "list" or depth > 2:
        return [junk(rng, depth + 1) for _ in range(rng.randint(0, 3))] if depth <= 2 else []
    if kind == "dict":
        return {rng.choice(["id", "title", "x", "0", ""]): junk(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return {"id": [junk(rng, depth + 1)], "scope": {"a": junk(rng, depth + 1)}}  # nested junk


def test_fuzz_two_thousand_retyped_launches_never_5xx(app, platform):
    rng = random.Random(SEED)
    outcomes: Counter[str] = Counter()
    crashes: list[str] = []
    for number in range(FUZZ_CASES):
        message = DL if number % 4 == 0 else RL
        paths = rng.sample(FUZZ_PATHS, rng.randint(1, 3))

        def mutate(claims, paths=paths):
            for path in paths:
                set_path(claims, path, junk(rng))
        try:
            response = post(app, platform, message, mutate)
        except Exception as exc:  # noqa: BLE001 - a TESTING app re-raises what would be a 500
            crashes.append(f"{[shown_name(p) for p in paths]}: {type(exc).__name__}: {exc}")
            continue
        if response.status_code >= 500:
            crashes.append(f"{[shown_name(p) for p in paths]}: HTTP {response.status_code}")
            continue
        outcomes[error_code(response) or str(response.status_code)] += 1
    assert not crashes, f"{len(crashes)} x 5xx, e.g. {crashes[:5]}"
    assert not set(outcomes) & BEFORE_CLAIMS, outcomes  # every case passed signature and state
    assert outcomes["invalid_claim"] > FUZZ_CASES // 2, outcomes
