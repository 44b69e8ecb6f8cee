"""The learner's portfolio: a zip they keep, readable anywhere, with no server and no script.

``index.html`` tells, per activity and in time order, what the learner chose,
proposed and handed in (every evidence file is in ``files/``), how they rated
their own work, the feedback and any reply thread, and their reflections.
``conference.html`` is the printable "conference view" of the learning log
(what I chose, what I made, what I learned, what next), for a learner to lead
a conversation with a teacher or a parent. ``my-data.json`` is the JSON export.

Why it is built like this: a portfolio outlives the course and the tool, so
the pages are plain HTML with inline CSS allowed by a hash-based CSP and no
script at all; every text is escaped (a title with ``<script>`` stays text);
links are relative and every file name in the zip is ours (``files/007-name``),
never the uploader's path, so ``../`` in a name cannot leave the folder.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import tempfile
import zipfile
from collections.abc import Callable
from typing import IO, Any

from .activity import LEVELS
from .context import Actor, Context
from .i18n import gettext_noop as _
from .i18n import is_rtl
from .privacy import export_my_data
from .store import LearnerRecord

Gettext = Callable[[str], str]
SPOOL_BYTES = 8 * 1024 * 1024  # the zip stays in memory up to this size, then goes to a temporary file
LEVEL_LABELS = {"not_yet": _("Not yet"), "meets": _("Meets"), "exceeds": _("Exceeds")}
DECISION_LABELS = {"mastered": _("Mastered"), "revise": _("Revise and resubmit")}
EMPTY = _("Nothing here yet: your choices, work and reflections will appear here.")
PROPOSAL_LABELS = {"pending": _("Waiting for a decision"), "approved": _("Approved"),
                   "redirected": _("Redirected to the options"), "withdrawn": _("Withdrawn")}

CSS = """body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1,h2,h3{line-height:1.2}h2{border-bottom:2px solid #2b5797;padding-bottom:.2rem;margin-top:2.5rem}
ol.timeline{list-style:none;padding:0}ol.timeline>li{border-inline-start:3px solid #c8d3e6;padding:.2rem 1rem;
margin:0 0 1rem}time{color:#4a4a4a;font-size:.9rem;display:block}.text{white-space:pre-wrap;background:#f5f7fb;
padding:.5rem;border-radius:4px}table{border-collapse:collapse}td,th{border:1px solid #c8d3e6;padding:.2rem .5rem;
text-align:start}.muted{color:#4a4a4a}nav a{margin-inline-end:1rem}.lines{border-bottom:1px solid #999;
height:2rem}@media print{nav{display:none}h2{break-after:avoid}section{break-inside:avoid}
a[href^="http"]::after{content:" (" attr(href) ")"}}"""
_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
CSP = f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'self'; media-src 'self'"


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def archive_name(number: int, name: str) -> str:
    """A file's path inside the zip: ours, numbered, one folder deep; the uploader's name only as a tail."""
    tail = re.sub(r"[^\w.\-]+", "_", name or "", flags=re.UNICODE).lstrip("._")[-80:] or "file"
    return f"files/{number:03d}-{tail}"


def _page(title: str, body: str, language: str) -> str:
    direction = "rtl" if is_rtl(language) else "ltr"
    return (f'<!DOCTYPE html>\n<html lang="{esc(language)}" dir="{direction}"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>{body}</body></html>\n")


class _Activity:
    """One activity's entries, gathered from its record and the learner's reflections."""

    def __init__(self, key: str, title: str) -> None:
        self.key, self.title = key, title
        self.record: LearnerRecord | None = None
        self.reflections: list[dict[str, Any]] = []

    @property
    def first_at(self) -> str:
        times = [e["at"] for e in (self.record.events if self.record else [])] + [r["at"] for r in self.reflections]
        return min(times, default="")


def _activities(records: list[LearnerRecord], reflections: list[dict[str, Any]]) -> list[_Activity]:
    found: dict[str, _Activity] = {}
    for record in records:
        title = next((e.get("activity_title") for e in record.events if e.get("activity_title")), "")
        found.setdefault(record.activity_key, _Activity(record.activity_key, title)).record = record
    for entry in reflections:
        key = entry["activity_key"]
        item = found.setdefault(key, _Activity(key, entry.get("activity_title", "")))
        item.title = item.title or entry.get("activity_title", "")
        item.reflections.append(entry)
    return sorted(found.values(), key=lambda a: (a.first_at, a.key))


class Portfolio:
    """Renders the learner's data; ``t`` is the reader's gettext, ``criteria`` maps ids to titles where known."""

    def __init__(self, actor: Actor, ctx: Context, t: Gettext, language: str) -> None:
        self.ctx, self.t, self.language = ctx, t, language
        self.records = ctx.store.records_for_learner(actor.user_id, ctx.course_key)
        self.reflections = ctx.store.list_reflections(ctx.course_key, actor.user_id)
        self.metas = sorted(ctx.store.files_for_learner(actor.user_id, ctx.course_key),
                            key=lambda m: (m["at"], m["file_id"]))
        self.paths = {m["file_id"]: archive_name(n, m.get("name", "")) for n, m in enumerate(self.metas, 1)}
        self.criteria = {c.id: c.title for c in ctx.activity.criteria}
        self.activities = _activities(self.records, self.reflections)
        self.export = export_my_data(actor, ctx)

    # -- pieces ------------------------------------------------------------------------------
    def _when(self, at: str | None) -> str:
        return f'<time datetime="{esc(at)}">{esc((at or "")[:16].replace("T", " "))}</time>' if at else ""

    def _ratings(self, ratings: dict[str, str] | None) -> str:
        if not ratings:
            return ""
        rows = "".join(f"<tr><th scope=\"row\">{esc(self.criteria.get(cid, cid))}</th>"
                       f"<td>{esc(self.t(LEVEL_LABELS.get(level, level)))}</td></tr>"
                       for cid, level in ratings.items() if level in LEVELS)
        return f"<table>{rows}</table>"

    def _text(self, text: str | None) -> str:
        return f'<p class="text">{esc(text)}</p>' if text and text.strip() else ""

    def _evidence(self, evidence: dict[str, Any]) -> str:
        t, parts = self.t, [self._text(evidence.get("text"))]
        links = [link for link in evidence.get("links") or [] if isinstance(link, str)]
        if links:
            items = "".join(f'<li><a href="{esc(u)}">{esc(u)}</a></li>' if u.startswith(("https://", "http://"))
                            else f"<li>{esc(u)}</li>" for u in links)
            parts.append(f"<h4>{esc(t(_('Links')))}</h4><ul>{items}</ul>")
        files = evidence.get("files") or []
        if files:
            items = "".join(
                f'<li><a href="{esc(self.paths[f["file_id"]])}">{esc(f.get("name"))}</a></li>'
                if f.get("file_id") in self.paths else
                f'<li>{esc(f.get("name"))} <span class="muted">({esc(t(_("no longer stored")))})</span></li>'
                for f in files)
            parts.append(f"<h4>{esc(t(_('Files')))}</h4><ul>{items}</ul>")
        return "".join(parts)

    @staticmethod
    def _thread(attempt: dict[str, Any]) -> list[dict[str, Any]]:
        """The reply thread of an attempt's feedback, wherever the record keeps it, as dated texts."""
        review = attempt.get("review") or {}
        raw = attempt.get("replies") or attempt.get("thread") or review.get("replies") or review.get("thread") or []
        return [r for r in raw if isinstance(r, dict) and isinstance(r.get("text") or r.get("body"), str)]

    def _entries(self, item: _Activity) -> list[tuple[str, str]]:
        """(time, html) of everything in one activity, to be put in time order."""
        t, out, record = self.t, [], item.record
        if record is not None:
            for choice in record.choices:
                out.append((choice["at"], f"<h3>{esc(t(_('I chose')))}: {esc(choice.get('title'))}</h3>"))
            for proposal in record.proposals:
                status = t(PROPOSAL_LABELS.get(proposal.get("status"), proposal.get("status") or ""))
                note = self._text(proposal.get("note"))
                heading = f"{esc(t(_('I proposed my own way')))}: {esc(proposal.get('title'))}"
                out.append((proposal["at"], f"<h3>{heading}</h3>{self._text(proposal.get('plan'))}"
                                            f"<p>{esc(status)}</p>{note}"))
            for attempt in record.attempts:
                mine = attempt.get("self_assessment") or {}
                body = (f"<h3>{esc(t(_('Attempt %(number)d: what I handed in')) % {'number': attempt['number']})}</h3>"
                        f"<p>{esc(attempt.get('option_title'))}</p>{self._evidence(attempt.get('evidence') or {})}")
                if mine:
                    body += (f"<h4>{esc(t(_('How I rated my work')))}</h4>{self._ratings(mine.get('ratings'))}"
                             f"{self._text(mine.get('comment'))}")
                out.append((attempt["submitted_at"], body))
                review = attempt.get("review")
                if review:
                    decision = t(DECISION_LABELS.get(review.get("decision"), review.get("decision") or ""))
                    heading = t(_("Feedback on attempt %(number)d")) % {"number": attempt["number"]}
                    out.append((review["at"], f"<h3>{esc(heading)}</h3><p><strong>{esc(decision)}</strong></p>"
                                              f"{self._ratings(review.get('ratings'))}{self._text(review.get('feedback'))}"))
                for reply in self._thread(attempt):
                    out.append((str(reply.get("at") or ""), f"<h3>{esc(t(_('Reply')))}</h3>"
                                                            f"{self._text(reply.get('text') or reply.get('body'))}"))
        for entry in item.reflections:
            before = entry["phase"] == "before"
            phase = t(_("Reflection before the work")) if before else t(_("Reflection after feedback"))
            shared = t(_("Shared with staff")) if entry.get("share_with_staff") else t(_("Private to me"))
            answers = "".join(f"<h4>{esc(entry.get('prompts', {}).get(pid, pid))}</h4>{self._text(text)}"
                              for pid, text in entry["answers"].items() if text)
            out.append((entry["at"], f"<h3>{esc(phase)}</h3><p class=\"muted\">{esc(shared)}</p>{answers}"))
        return sorted(out, key=lambda pair: pair[0])

    def _heading(self, title: str, nav: bool = True) -> str:
        t = self.t
        # The course key is an internal id (an issuer and a context id in LTI): not something to print.
        heading = (f"<h1>{esc(title)}</h1><p class=\"muted\">"
                   f"{esc(t(_('Saved')))}: {esc(self.export['exported_at'][:16].replace('T', ' '))}</p>")
        if not nav:  # the conference page on its own (served to print): the zip's other pages are not beside it
            return heading
        return (heading + f'<nav><a href="index.html">{esc(t(_("My portfolio")))}</a>'
                f'<a href="conference.html">{esc(t(_("Conference view")))}</a>'
                f'<a href="my-data.json">{esc(t(_("All my data (JSON)")))}</a></nav>')

    # -- pages -------------------------------------------------------------------------------
    def index_html(self) -> str:
        t = self.t
        sections = []
        for item in self.activities:
            entries = "".join(f"<li>{self._when(at)}{body}</li>" for at, body in self._entries(item))
            sections.append(f"<section><h2>{esc(item.title or t(_('Activity')))}</h2>"
                            f'<ol class="timeline">{entries}</ol></section>')
        if not sections:
            sections.append(f"<p>{esc(t(EMPTY))}</p>")
        return _page(t(_("My portfolio")), self._heading(t(_("My portfolio"))) + "".join(sections), self.language)

    def conference_html(self, nav: bool = True) -> str:
        """What I chose, what I made, what I learned, what next: one block per activity, for print."""
        t = self.t
        blocks = []
        for item in self.activities:
            record = item.record
            chose = record.choices[-1]["title"] if record and record.choices else ""
            made = "".join(f"<li>{esc(t(_('Attempt %(number)d')) % {'number': a['number']})}: "
                           f"{esc(self._summary(a.get('evidence') or {}))}</li>"
                           for a in (record.attempts if record else []))
            after = [e for e in item.reflections if e["phase"] == "after"]
            latest = after[-1]["answers"] if after else {}
            review = next((a["review"] for a in reversed(record.attempts) if a.get("review")), None) if record else None
            learned = "".join(self._text(text) for pid, text in latest.items() if pid != "next" and text)
            if review:
                learned = (f"<p>{esc(t(_('Feedback')))}: <strong>{esc(t(DECISION_LABELS.get(review['decision'], '')))}"
                           f"</strong></p>{self._text(review.get('feedback'))}") + learned
            next_step = self._text(latest.get("next")) or f'<p class="muted">{esc(t(_("Not written yet")))}</p>'
            made = f"<ul>{made}</ul>" if made else f"<p>{esc(t(_('Nothing handed in yet')))}</p>"
            learned = learned or f'<p class="muted">{esc(t(_("Not written yet")))}</p>'
            blocks.append(
                f"<section><h2>{esc(item.title or t(_('Activity')))}</h2>"
                f"<h3>{esc(t(_('What I chose')))}</h3><p>{esc(chose or t(_('Not chosen yet')))}</p>"
                f"<h3>{esc(t(_('What I made')))}</h3>{made}"
                f"<h3>{esc(t(_('What I learned')))}</h3>{learned}"
                f"<h3>{esc(t(_('What next')))}</h3>{next_step}"
                f"<p class=\"muted\">{esc(t(_('Notes from our conversation')))}</p>"
                f'<div class="lines"></div><div class="lines"></div></section>')
        if not blocks:
            blocks.append(f"<p>{esc(t(EMPTY))}</p>")
        return _page(t(_("Conference view")), self._heading(t(_("Conference view")), nav) + "".join(blocks),
                     self.language)

    def _summary(self, evidence: dict[str, Any]) -> str:
        text = (evidence.get("text") or "").strip()
        names = ", ".join(f.get("name", "") for f in evidence.get("files") or [])
        parts = [text[:200] + ("…" if len(text) > 200 else "")] if text else []
        parts += [names] if names else []
        parts += [", ".join(evidence.get("links") or [])] if evidence.get("links") else []
        return " · ".join(parts)

    def write_zip(self) -> IO[bytes]:
        """The zip, rewound, in a spooled temporary file (memory up to :data:`SPOOL_BYTES`, then disk).

        Files first: one whose bytes are gone (housekeeping, retirement) is listed as "no longer stored".
        """
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller streams and closes it
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for meta in self.metas:
                try:
                    stream = self.ctx.blobs.open(meta["path"]) if self.ctx.blobs is not None else None
                except (OSError, KeyError):
                    stream = None
                if stream is None:
                    self.paths.pop(meta["file_id"], None)
                    continue
                with stream, archive.open(self.paths[meta["file_id"]], "w", force_zip64=True) as target:
                    while chunk := stream.read(64 * 1024):
                        target.write(chunk)
            archive.writestr("index.html", self.index_html())
            archive.writestr("conference.html", self.conference_html())
            archive.writestr("my-data.json", json.dumps(self.export, indent=2, ensure_ascii=False))
        out.seek(0)
        return out


def portfolio_zip(actor: Actor, ctx: Context, gettext: Gettext, language: str) -> IO[bytes]:
    """The learner's own portfolio zip (see the module docstring)."""
    return Portfolio(actor, ctx, gettext, language).write_zip()


def conference_page(actor: Actor, ctx: Context, gettext: Gettext, language: str) -> str:
    """The conference view alone, as one self-contained page (the front end opens it to print)."""
    return Portfolio(actor, ctx, gettext, language).conference_html(nav=False)
