"""Errors the core raises, each with a code, an HTTP status and a message a person can act on.

Both homes turn any :class:`PLChoiceError` into ``{"error": code, "message": text}``
with :attr:`status`; nothing else about an error crosses the protocol, so the
front end only needs to know the codes.

Messages are English ``%``-format strings marked for translation; the adapter
renders them with its own ``gettext`` (:meth:`PLChoiceError.render`), which keeps
the core free of any i18n framework.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .i18n import gettext_noop as _


class PLChoiceError(Exception):
    """Base class: a request the core refuses, with a reason."""

    code = "error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: str | None = None, *, field: str | None = None, **params: Any):
        self.message = message or self.default_message
        self.field = field
        self.params = params
        super().__init__(self.message % params if params else self.message)

    def render(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        """The message in the reader's language (``gettext`` comes from the adapter)."""
        text = gettext(self.message)
        try:
            return text % self.params if self.params else text
        except (KeyError, ValueError, TypeError):  # a broken translation must not hide the error
            return self.message % self.params if self.params else self.message

    def to_dict(self, gettext: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.code, "message": self.render(gettext)}
        if self.field:
            body["field"] = self.field
        return body


class ValidationError(PLChoiceError):
    """A payload or definition that breaks a rule; ``problems`` lists each one."""

    code = "invalid"
    default_message = _("Some fields need attention.")

    def __init__(self, message: str | None = None, *, field: str | None = None,
                 problems: list[dict[str, str]] | None = None, **params: Any):
        super().__init__(message, field=field, **params)
        self.problems = problems or []

    def to_dict(self, gettext: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
        body = super().to_dict(gettext)
        if self.problems:
            body["problems"] = [
                {"field": p["field"], "message": _render(gettext, p["message"], p.get("params"))}
                for p in self.problems
            ]
        return body


def _render(gettext: Callable[[str], str], message: str, params: dict | None) -> str:
    text = gettext(message)
    try:
        return text % params if params else text
    except (KeyError, ValueError, TypeError):
        return message % params if params else message


class MalformedPayload(ValidationError):
    code = "malformed"
    default_message = _("The request body is not valid JSON of the expected shape.")


class PermissionDenied(PLChoiceError):
    code = "forbidden"
    status = 403
    default_message = _("You do not have permission to do that.")


class MethodNotAllowed(PLChoiceError):
    code = "method_not_allowed"
    status = 405
    default_message = _("Send this request with POST.")


class NotFound(PLChoiceError):
    code = "not_found"
    status = 404
    default_message = _("That item does not exist.")


class UnknownCommand(NotFound):
    code = "unknown_command"
    default_message = _("Unknown command %(command)s.")


class IllegalTransition(PLChoiceError):
    """The learner's work is not in a state where this step is allowed."""

    code = "illegal_transition"
    status = 409
    default_message = _("That step is not possible now.")


class Conflict(PLChoiceError):
    """Someone else changed the same record first (another tab, another reviewer)."""

    code = "conflict"
    status = 409
    default_message = _("This work was changed elsewhere. Reload and try again.")


class PastDue(PLChoiceError):
    code = "past_due"
    status = 409
    default_message = _("The due date has passed; submissions are closed.")


class FileTooLarge(PLChoiceError):
    code = "file_too_large"
    status = 413
    default_message = _("The file is larger than the %(limit)s allowed for %(kind)s evidence.")


class PayloadTooLarge(PLChoiceError):
    code = "payload_too_large"
    status = 413
    default_message = _("The request is larger than the %(limit)s allowed. Shorten the text and try again.")


class UnsupportedFile(PLChoiceError):
    code = "unsupported_file"
    status = 415
    default_message = _("This kind of file is not accepted here.")


class GradingConflict(Conflict):
    """Another grader holds or has just reviewed this item. Nothing is lost: ``kept`` is the refused
    review as it was sent, so the front end can put it back in the form; ``by`` names the other grader."""

    def __init__(self, message: str | None = None, *, reason: str, by: str = "",
                 kept: dict[str, Any] | None = None, **params: Any):
        super().__init__(message, by=by, **params)
        self.reason = reason
        self.by = by
        self.kept = kept

    def to_dict(self, gettext: Callable[[str], str] = lambda s: s) -> dict[str, Any]:
        body = super().to_dict(gettext)
        body["reason"] = self.reason
        body["by"] = self.by
        if self.kept is not None:
            body["kept"] = self.kept
        return body
