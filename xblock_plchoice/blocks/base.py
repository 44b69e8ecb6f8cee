"""What both blocks share: fields, the per-request core context, views, OLX and mobile data."""

from __future__ import annotations

import importlib.resources
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from typing import Any

from web_fragments.fragment import Fragment
from xblock.completable import CompletableXBlockMixin, XBlockCompletionMode
from xblock.core import XBlock
from xblock.exceptions import DisallowedFileError
from xblock.fields import Dict, Float, Scope, String

from ..core import deadlines, olx
from ..core.activity import default_choice_definition, parse_activity
from ..core.analytics import rubric_impact
from ..core.context import Actor, Context, Limits, NullGradeSink
from ..core.errors import PLChoiceError, ValidationError
from ..core.i18n import gettext_noop as _
from ..core.protocol import COMMANDS, dispatch
from ..core.store import MemoryStore
from .dates import platform_due
from .handlers import CommandHandlersMixin
from .i18n import BlockTranslator
from .rendering import FILE_ID_SLOT, build_fragment
from .staff import current_actor
from .store import DjangoBlobStore, DjangoStore

DISPLAY_NAME_MAX = 255
WEIGHT_MAX = 1000.0
_LIMIT_NAMES = {f.name for f in dataclass_fields(Limits)}


def cap_to_platform_upload_limit(limits: Limits) -> Limits:
    """No file limit above the LMS's own ``STUDENT_FILEUPLOAD_MAX_SIZE`` (4 MB by default there).

    ``handle_xblock_callback`` refuses a larger upload with its own 413 before the block runs, in a
    shape the front end cannot explain; capped here, the learner is warned before uploading.
    """
    from django.conf import settings

    platform = getattr(settings, "STUDENT_FILEUPLOAD_MAX_SIZE", None)
    if not isinstance(platform, int) or platform <= 0:
        return limits
    return replace(limits, file_max_bytes=min(limits.file_max_bytes, platform),
                   audio_max_bytes=min(limits.audio_max_bytes, platform),
                   video_max_bytes=min(limits.video_max_bytes, platform))


@XBlock.needs("user")
@XBlock.wants("i18n", "settings", "studio_user_permissions")
class PLBlockBase(CommandHandlersMixin, CompletableXBlockMixin, XBlock):
    """Common ground of ``plchoice`` and ``plreflection``; subclasses set ``KIND`` and defaults.

    Custom completion (``has_custom_completion``): edx-completion would otherwise mark an
    unscored block complete on view. The blocks publish completion themselves, by the rules
    in ``core.completion``.
    """

    KIND = "choice"
    DEFAULT_NAME = ""
    has_custom_completion = True
    completion_mode = XBlockCompletionMode.COMPLETABLE

    display_name = String(display_name=_("Display name"), scope=Scope.settings, default="",
                          help=_("The name learners see in the course navigation."))
    definition = Dict(display_name=_("Activity definition"), scope=Scope.content, default={},
                      help=_("Objective, criteria, options, prompts and policies, edited in Studio."))
    weight = Float(display_name=_("Problem weight"), scope=Scope.settings, default=1.0,
                   values={"min": 0, "step": 0.1},
                   help=_("How much this activity counts in the course grade."))

    editable_fields = ("display_name", "weight")
    show_in_read_only_mode = True
    #: Studio's unit page renders ``author_view`` (a summary and the learner preview), not the staff view.
    has_author_view = True
    public_dir = "static"

    @classmethod
    def open_local_resource(cls, uri: str | bytes) -> Any:
        """Serve ``static/...`` from the package root (the front end is shared with the LTI tool)."""
        if isinstance(uri, bytes):
            uri = uri.decode("utf-8")
        if not uri.startswith("static/") or "/." in uri or "\\" in uri or "//" in uri:
            raise DisallowedFileError(f"Only files under static/ are served: {uri!r}")
        return importlib.resources.files("xblock_plchoice").joinpath(uri).open("rb")

    # -- definition and context ------------------------------------------------
    @classmethod
    def default_definition(cls) -> dict[str, Any]:
        """A ready-to-use example, so a new block works before anyone edits it."""
        return default_choice_definition()

    def definition_dict(self) -> dict[str, Any]:
        return dict(self.definition) if self.definition else self.default_definition()

    def activity(self):
        return parse_activity({**self.definition_dict(), "kind": self.KIND})

    def course_key(self) -> str:
        # Only the usage key: runtimes that patch ``course_id`` onto blocks do it for some calls
        # and not others, and the key must be the same for every call (it keys the grade).
        key = getattr(self.scope_ids.usage_id, "context_key", None)
        return str(key) if key else "workbench"

    def activity_key(self) -> str:
        return str(self.scope_ids.usage_id)

    def limits(self) -> Limits:
        bucket: dict[str, Any] = {}
        try:
            service = self.runtime.service(self, "settings")
        except Exception:  # noqa: BLE001  (no settings service: defaults)
            service = None
        if service is not None:
            bucket = service.get_settings_bucket(self) or {}
        limits = Limits(**{k: int(v) for k, v in bucket.items() if k in _LIMIT_NAMES})
        return cap_to_platform_upload_limit(limits)

    def grade_sink(self, actor: Actor) -> Any:
        return NullGradeSink()

    def build_context(self, actor: Actor) -> Context:
        return Context(
            activity=self.activity(), activity_key=self.activity_key(), course_key=self.course_key(),
            store=DjangoStore(), blobs=DjangoBlobStore(), grades=self.grade_sink(actor), limits=self.limits(),
            file_url=lambda file_id: self.runtime.handler_url(self, "file", FILE_ID_SLOT).replace(
                FILE_ID_SLOT, file_id),
            platform_due=platform_due(self),
        )

    def publish_completion(self) -> None:
        """Tell the platform this learner completed the block (XBlock's completion API)."""
        self.emit_completion(1.0)

    # -- views -------------------------------------------------------------------
    def command_names(self) -> tuple[str, ...]:
        """The commands that apply to this block's kind (the front end gets only those URLs)."""
        return tuple(name for name in self.COMMAND_NAMES if self.KIND in COMMANDS[name].kinds)

    def _handlers(self, names: tuple[str, ...]) -> dict[str, str]:
        return {name: self.runtime.handler_url(self, name) for name in names}

    @XBlock.supports("multi_device")
    def student_view(self, context: dict | None = None) -> Fragment:
        actor = current_actor(self)
        view = "staff" if actor is not None and actor.is_staff else "learner"
        return build_fragment(self, view, self._handlers(self.command_names()), {"title": self.display_name})

    def studio_view(self, context: dict | None = None) -> Fragment:
        handlers = self._handlers(("studio_submit", "preview"))
        due = platform_due(self)
        impact = rubric_impact(DjangoStore().get_counters(self.activity_key()))
        # A block never saved, that no learner has used yet, opens blank with the example offered (not
        # pre-filled: an author once published the sample's criteria by mistake). Once learners have
        # worked on the definition they see, the editor shows that definition, never a blank one.
        is_new = not self.definition and not impact["attempts_exist"]
        return build_fragment(self, "studio", handlers, {
            "definition": {"kind": self.KIND} if is_new else self.definition_dict(),
            "display_name": self.display_name, "weight": self.weight, "kind": self.KIND,
            "save_command": "studio_submit", "is_new": is_new, "example": self.default_definition(),
            "platform_due": due.isoformat() if due else None,
            # issue 9: the editor warns before a rubric edit when learners already submitted (snapshots keep
            # their attempts as given)
            "rubric_impact": impact,
        })

    def author_view(self, context: dict | None = None) -> Fragment:
        """Studio's unit page: a compact summary plus the learner preview, as ORA2 shows it.

        In Studio the author is course staff, so ``student_view`` would show the review queue
        there; the queue belongs in the LMS. The preview loads through the ``preview`` handler
        from an empty in-memory store, so nothing an author clicks is saved.
        """
        activity = self.activity()
        ctx = Context(activity=activity, activity_key=self.activity_key(), course_key=self.course_key(),
                      store=MemoryStore(), platform_due=platform_due(self))
        return build_fragment(self, "author", self._handlers(("preview",)), {
            "definition": activity.to_dict(), "kind": self.KIND, "title": self.display_name,
            "due": deadlines.resolve(activity, ctx).to_view(),
        })

    def student_view_data(self, context: dict | None = None) -> dict[str, Any]:
        """For the mobile apps: the activity, handler URLs and the learner's state when signed in."""
        data: dict[str, Any] = {
            "block_type": self.scope_ids.block_type, "display_name": self.display_name,
            "activity": self.activity().to_dict(), "weight": self.weight,
            "handlers": self._handlers(self.command_names()),
            "upload_url": self.runtime.handler_url(self, "upload"),
        }
        actor = current_actor(self)
        if actor is not None:
            try:
                data["state"] = dispatch("state", actor, {}, self.build_context(actor))
            except PLChoiceError as error:
                data["state_error"] = error.to_dict(BlockTranslator(self).gettext)
        return data

    # -- authoring -----------------------------------------------------------------
    def validate_studio_payload(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The fields to save, or a ValidationError listing every problem (nothing saved)."""
        problems: list[dict[str, Any]] = []
        values: dict[str, Any] = {}
        definition = payload.get("definition", payload)
        try:
            values["definition"] = parse_activity(self.with_kind(definition)).to_dict()
        except ValidationError as error:
            # Same field paths as core.activity (and the LTI form), so the shared editor places them.
            problems.extend(error.problems)
            if not error.problems:
                problems.append({"field": "definition", "message": error.message, "params": error.params})
        if "display_name" in payload:
            name = payload["display_name"]
            if not isinstance(name, str) or not name.strip():
                problems.append({"field": "display_name", "message": _("Give the activity a display name.")})
            elif len(name) > DISPLAY_NAME_MAX:
                problems.append({"field": "display_name", "message": _("Keep this under %(limit)d characters."),
                                 "params": {"limit": DISPLAY_NAME_MAX}})
            else:
                values["display_name"] = name.strip()
        if "weight" in payload:
            weight = payload["weight"]
            if isinstance(weight, str):
                try:
                    weight = float(weight)
                except ValueError:
                    weight = None
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= WEIGHT_MAX:
                problems.append({"field": "weight", "message": _("Use a number from 0 to %(max)d."),
                                 "params": {"max": int(WEIGHT_MAX)}})
            else:
                values["weight"] = float(weight)
        if problems:
            raise ValidationError(_("The activity needs changes before it can be saved."), problems=problems)
        return values

    # -- OLX -----------------------------------------------------------------------
    @classmethod
    def parse_xml(cls, node: Any, runtime: Any, keys: Any) -> XBlock:
        """Read our readable OLX; a hostile document (DTD, entities) gets a clear OLXError."""
        olx.check_element(node)
        block = runtime.construct_xblock_from_class(cls, keys)
        for name in ("display_name", "weight"):
            if node.get(name) is not None:
                cls._set_field_if_present(block, name, node.get(name), {})
        if len(node):
            definition = {**olx.definition_from_element(node), "kind": cls.KIND}
            try:
                block.definition = parse_activity(definition).to_dict()
            except ValidationError as error:  # an import must fail loudly, not leave a broken block
                raise olx.OLXError(_("The activity in this OLX needs changes: %(details)s"), details="; ".join(
                    f"{p['field']}: {p['message'] % p['params'] if p.get('params') else p['message']}"
                    for p in error.problems), problems=error.problems) from error
        return block

    def add_xml_to_node(self, node: Any) -> None:
        node.tag = self.scope_ids.block_type
        for name in ("display_name", "weight"):
            field = self.fields[name]
            if field.is_set_on(self):
                node.set(name, field.to_string(getattr(self, name)))
        olx.definition_to_element(self.definition_dict(), node)
