"""OLX for activity definitions: readable XML in, the definition dict out, and back.

Pure lxml (no XBlock or Django import): the XBlocks and the LTI tool's deep-linking import
share it. Parsing is safe: no DTDs, no entity expansion, no network; a document
that declares a DOCTYPE or ENTITY is refused with a message, which stops XXE and
"billion laughs" before lxml ever sees the declarations.

    <plchoice display_name="..." weight="1">
      <title>...</title> <objective>...</objective>
      <criteria><criterion id="accuracy" title="...">description</criterion></criteria>
      <options allow_proposals="true">
        <option id="write" title="..." evidence_kinds="text,file" time_estimate="45 min">
          <guidance>...</guidance> <exemplar>...</exemplar>
        </option>
      </options>
      <prompts><prompt id="goal" phase="before">text</prompt></prompts>
      <policies allow_change_until_submit="true" max_revisions="3" self_assessment="required" points="10"/>
    </plchoice>
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .errors import ValidationError
from .i18n import gettext_noop as _

#: Tag -> activity kind. ``activity`` (with a ``kind`` attribute) is the LTI tool's generic root.
TAG_KINDS = {"plchoice": "choice", "plreflection": "reflection"}
_FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_OLX_BYTES = 1024 * 1024


class OLXError(ValidationError):
    """OLX we refuse to read, with the reason an author can fix."""

    code = "invalid"
    default_message = _("The OLX could not be read.")


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never loads a DTD, expands an entity or touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False, remove_comments=True,
                           remove_pis=True)


def parse_olx_string(text: str | bytes) -> etree._Element:
    """Parse untrusted OLX safely; raise :class:`OLXError` with a clear message."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > MAX_OLX_BYTES:
        raise OLXError(_("The OLX is larger than %(limit)d bytes."), limit=MAX_OLX_BYTES)
    if _FORBIDDEN.search(raw):
        raise OLXError(_("OLX must not contain a DOCTYPE or ENTITY declaration; remove it and import again."))
    try:
        root = etree.fromstring(raw, parser=safe_parser())
    except etree.XMLSyntaxError as error:
        raise OLXError(_("The OLX is not well-formed XML: %(detail)s"), detail=str(error)) from error
    check_element(root)
    return root


def check_element(node: etree._Element) -> None:
    """Refuse an element whose document declared a DTD or still holds entity references.

    For nodes parsed by someone else's parser (edx-platform's import, the workbench).
    """
    docinfo = node.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise OLXError(_("OLX must not contain a DOCTYPE or ENTITY declaration; remove it and import again."))
    for child in node.iter():
        if isinstance(child, etree._Entity):
            raise OLXError(_("OLX must not use entity references such as &%(name)s;."), name=child.name)


# --------------------------------------------------------------------------- reading
def _text(node: etree._Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _bool(value: str | None, default: bool) -> Any:
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    return value  # parse_activity reports the problem


def _number(value: str | None, kind: type) -> Any:
    if value is None or value.strip() == "":
        return None
    try:
        return kind(value)
    except ValueError:
        return value  # kept as text so validation names the field


def definition_from_element(node: etree._Element) -> dict[str, Any]:
    """The definition dict (not yet validated: pass it to ``core.activity.parse_activity``)."""
    check_element(node)
    tag = etree.QName(node).localname
    kind = TAG_KINDS.get(tag) or node.get("kind", "choice")
    data: dict[str, Any] = {"kind": kind, "title": _text(node.find("title")) or node.get("display_name", "")}
    if node.find("objective") is not None:
        data["objective"] = _text(node.find("objective"))
    data["criteria"] = [
        {"id": c.get("id", ""), "title": c.get("title", ""), "description": _text(c)}
        for c in node.iterfind("criteria/criterion")
    ]
    options = node.find("options")
    data["allow_proposals"] = _bool(options.get("allow_proposals") if options is not None else None, False)
    data["options"] = [
        {"id": o.get("id", ""), "title": o.get("title", ""),
         "evidence_kinds": [k.strip() for k in o.get("evidence_kinds", "text").split(",") if k.strip()],
         "time_estimate": o.get("time_estimate", ""),
         "guidance": _text(o.find("guidance")), "exemplar": _text(o.find("exemplar"))}
        for o in node.iterfind("options/option")
    ]
    data["prompts"] = [{"id": p.get("id", ""), "phase": p.get("phase", ""), "text": _text(p)}
                       for p in node.iterfind("prompts/prompt")]
    policies = node.find("policies")
    if policies is not None:
        raw: dict[str, Any] = {
            "allow_change_until_submit": _bool(policies.get("allow_change_until_submit"), True),
            "max_revisions": _number(policies.get("max_revisions"), int),
            "due": policies.get("due") or None,
            "self_assessment": policies.get("self_assessment"),
            "points": _number(policies.get("points"), float),
        }
        data["policies"] = {k: v for k, v in raw.items() if v is not None or k == "due"}
    return data


def parse_definition_xml(text: str | bytes) -> dict[str, Any]:
    """Untrusted OLX text -> definition dict (the LTI deep-linking import uses this)."""
    return definition_from_element(parse_olx_string(text))


# --------------------------------------------------------------------------- writing
def _child(parent: etree._Element, tag: str, text: str = "", **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v not in (None, "")})
    if text:
        node.text = text
    return node


def _fmt_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def definition_to_element(definition: dict[str, Any], node: etree._Element) -> etree._Element:
    """Write a (validated) definition dict into ``node``'s children; return ``node``."""
    kind = definition.get("kind", "choice")
    if etree.QName(node).localname not in TAG_KINDS:
        node.set("kind", kind)
    _child(node, "title", definition.get("title", ""))
    if kind == "choice":
        _child(node, "objective", definition.get("objective", ""))
        criteria = _child(node, "criteria")
        for c in definition.get("criteria", []):
            _child(criteria, "criterion", c.get("description", ""), id=c["id"], title=c["title"])
        options = _child(node, "options", allow_proposals=str(bool(definition.get("allow_proposals"))).lower())
        for o in definition.get("options", []):
            option = _child(options, "option", id=o["id"], title=o["title"],
                            evidence_kinds=",".join(o.get("evidence_kinds") or ["text"]),
                            time_estimate=o.get("time_estimate", ""))
            if o.get("guidance"):
                _child(option, "guidance", o["guidance"])
            if o.get("exemplar"):
                _child(option, "exemplar", o["exemplar"])
    prompts = _child(node, "prompts")
    for p in definition.get("prompts", []):
        _child(prompts, "prompt", p.get("text", ""), id=p["id"], phase=p["phase"])
    pol = definition.get("policies") or {}
    if pol:
        _child(node, "policies",
               allow_change_until_submit=str(bool(pol.get("allow_change_until_submit", True))).lower(),
               max_revisions=_fmt_number(pol.get("max_revisions", 3)),
               due=pol.get("due") or "",
               self_assessment=pol.get("self_assessment", "required"),
               points=_fmt_number(pol.get("points", 10)))
    return node


def definition_to_xml(definition: dict[str, Any], tag: str = "activity") -> str:
    """A definition as an OLX string (for exports and the LTI tool)."""
    root = definition_to_element(definition, etree.Element(tag))
    return etree.tostring(root, encoding="unicode", pretty_print=True)
