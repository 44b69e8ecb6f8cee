"""Why a login, a launch or an /api call was refused: one exception class per reason.

Each carries an HTTP status (always 4xx: a refused launch is the platform's or
the attacker's problem, never a tool crash), a stable ``code`` for tests and
logs, and an English message marked for translation with ``%(name)s``
parameters, rendered in the reader's language by the error page.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from xblock_plchoice.core.errors import PLChoiceError
from xblock_plchoice.core.i18n import gettext_noop as _


class LtiError(PLChoiceError):
    """A refused LTI request: the core's error shape (code, status, translatable message) plus a page title."""

    code = "lti_error"
    status = 400
    title = _("This launch could not be completed")
    default_message = _("The LTI request was not valid.")


# --- OIDC login -------------------------------------------------------------------
class LoginMissingParameter(LtiError):
    code = "login_missing_parameter"
    default_message = _("The login request has no %(name)s. Start the activity again from your course.")


class UnknownRegistration(LtiError):
    code = "unknown_registration"
    status = 403
    default_message = _("This tool has no registration for issuer %(issuer)s and client id %(client_id)s. "
                        "An administrator must add it with `plchoice-lti platform add`.")


class AmbiguousRegistration(LtiError):
    code = "ambiguous_registration"
    default_message = _("Issuer %(issuer)s has several registrations and the login request did not say which "
                        "client id it is for.")


class TargetLinkElsewhere(LtiError):
    code = "target_link_uri"
    default_message = _("The login asks to open %(uri)s, which is not part of this tool.")


# --- launch: the token itself ---------------------------------------------------------
class MissingIdToken(LtiError):
    code = "missing_id_token"
    default_message = _("The launch has no id_token. Start the activity again from your course.")


class MalformedToken(LtiError):
    code = "malformed_token"
    default_message = _("The id_token is not a valid JWT: %(reason)s")


class AlgorithmNotAllowed(LtiError):
    code = "algorithm_not_allowed"
    status = 403
    default_message = _("The id_token is signed with %(alg)s; this tool accepts only RS256.")


class UnknownSigningKey(LtiError):
    code = "unknown_kid"
    status = 403
    default_message = _("The id_token was signed with key %(kid)s, which is not in the platform's key set "
                        "at %(url)s, even after fetching it again.")


class KeySetUnavailable(LtiError):
    code = "key_set_unavailable"
    status = 424
    default_message = _("The platform's key set at %(url)s could not be read: %(reason)s")


class InvalidSignature(LtiError):
    code = "invalid_signature"
    status = 403
    default_message = _("The id_token signature does not match its content: it was changed or forged.")


class WrongAudience(LtiError):
    code = "wrong_audience"
    status = 403
    default_message = _("The id_token is addressed to %(aud)s, not to this tool's client id %(client_id)s.")


class AzpMismatch(LtiError):
    code = "azp_mismatch"
    status = 403
    default_message = _("The id_token's authorized party (azp) %(azp)s is not this tool's client id "
                        "%(client_id)s.")


class TokenExpired(LtiError):
    code = "token_expired"
    status = 403
    default_message = _("The id_token has expired. Start the activity again from your course.")


class TokenNotYetValid(LtiError):
    code = "token_not_yet_valid"
    status = 403
    default_message = _("The id_token was issued in the future (check the platform's clock).")


class MissingClaim(LtiError):
    code = "missing_claim"
    default_message = _("The id_token has no %(claim)s claim.")


class InvalidClaim(LtiError):
    """A claim of the wrong JSON type (:mod:`.claims`); ``expected`` is a translatable type name."""

    code = "invalid_claim"
    default_message = _("The id_token's %(claim)s claim must be %(expected)s. The platform sent a launch "
                        "this tool cannot read: report it to the platform's administrator.")

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        translated = copy.copy(self)
        translated.params = {**self.params, "expected": gettext(str(self.params.get("expected", "")))}
        return PLChoiceError.render(translated, gettext)


class ReplayedToken(LtiError):
    code = "replayed_token"
    status = 403
    default_message = _("This launch was already used. Each launch works once: start the activity again "
                        "from your course.")


# --- launch: binding to the login -----------------------------------------------------
class MissingState(LtiError):
    code = "missing_state"
    default_message = _("The launch has no state parameter, so it cannot be matched to a login.")


class UnknownState(LtiError):
    code = "unknown_state"
    status = 403
    default_message = _("The launch state is unknown or has expired. Start the activity again from your course.")


class StateMismatch(LtiError):
    code = "state_mismatch"
    status = 403
    default_message = _("The launch does not belong to the login that started it (%(what)s differs).")


class StateNotBound(LtiError):
    code = "state_not_bound"
    status = 403
    default_message = _("This browser did not start this launch: the state cookie or stored value is missing "
                        "or different. If your browser blocks cookies in frames, open the activity in a new tab.")


class UnknownDeployment(LtiError):
    code = "unknown_deployment"
    status = 403
    default_message = _("Deployment %(deployment_id)s is not registered for this platform. An administrator "
                        "must add it with `plchoice-lti platform add --deployment-id`.")


class InvalidMessage(LtiError):
    code = "invalid_message"
    default_message = _("The launch message is incomplete: %(reason)s")


class UnsupportedMessage(LtiError):
    code = "unsupported_message"
    default_message = _("This tool does not handle %(message_type)s messages.")


class ActivityNotConfigured(LtiError):
    code = "activity_not_configured"
    status = 404
    default_message = _("This link does not point to a PL Choice activity yet. An instructor can add one "
                        "through the course's content picker (Deep Linking).")


class ActivityOfAnotherRegistration(LtiError):
    code = "activity_of_another_registration"
    status = 403
    default_message = _("This link names a PL Choice activity that belongs to another platform registration "
                        "or course, so it cannot be opened here. An instructor can add an activity to this "
                        "course through the course's content picker (Deep Linking).")


class DeepLinkingUnavailable(LtiError):
    code = "deep_linking_unavailable"
    status = 404
    default_message = _("Adding activities through Deep Linking is not available on this server.")


# --- /api -------------------------------------------------------------------------------
class LaunchRequired(LtiError):
    code = "launch_required"
    status = 401
    title = _("Your session has ended")
    default_message = _("This request does not belong to an active launch. Open the activity again from your "
                        "course.")


class CsrfFailed(LtiError):
    code = "csrf"
    status = 403
    title = _("Request refused")
    default_message = _("The request is missing its security token or the token is wrong. Reload the page.")


class LinkExpired(LtiError):
    code = "link_expired"
    status = 410
    title = _("This link has expired")
    default_message = _("Download links last an hour. Reload the page to get a fresh link, then try again.")
