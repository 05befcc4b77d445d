"""One self-contained side-by-side redline page for a revision: old text left, new text right,
deleted characters struck through in red, inserted ones underlined in green, fact changes on
top. Inline CSS only, no script and no network: the file opens anywhere."""
from __future__ import annotations

from html import escape

from extractors.diff.align import describe_counts, describe_pair
from flows.revisions.render import facts_of
from schemas.records import ArticlePair, Provision

STYLE = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","WenQuanYi Micro Hei","Microsoft YaHei",serif;
  margin:1.5em;color:#222;line-height:1.6}
h1{font-size:1.3em;margin:0 0 .3em}
.meta{color:#555;margin:.1em 0}
ul.facts{padding-left:1.2em}
li.fact.added{color:#060} li.fact.removed{color:#a00} li.fact.changed{color:#8a5a00}
table.redline{border-collapse:collapse;width:100%;table-layout:fixed;margin-top:1em}
th,td{border:1px solid #ddd;vertical-align:top;padding:.4em .6em}
th{background:#f4f4f4;text-align:left}
td .text{white-space:pre-wrap;word-break:break-all}
td .label{font-weight:bold}
td.kind{width:7.5em;font-size:.85em;color:#555}
del{background:#fdd;color:#a00;text-decoration:line-through}
ins{background:#cfc;color:#060;text-decoration:underline}
tr.unchanged td{color:#888}
tr.unchanged td.kind{color:#aaa}
#hide-unchanged:checked ~ table tr.unchanged{display:none}
"""


def render_html(rev) -> str:
    """The redline page as one HTML string (UTF-8, no external resources)."""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>Revision: {escape(redline_title(rev))}</title><style>{STYLE}</style></head><body>"
        f"{redline_body(rev)}</body></html>\n")


def redline_title(rev) -> str:
    return f"{rev.new.doc_number or ''} {rev.new.title}".strip()


def redline_body(rev) -> str:
    """The page's content without its <head>, for a page that embeds it (`gazette web`) with STYLE."""
    diff = rev.diff
    facts = "".join(f'<li class="fact {c.kind}">{escape(c.summary)}</li>' for c in diff.fact_changes)
    rows = "".join(_row(i, pair, diff.fact_changes) for i, pair in enumerate(diff.pairs))
    return (
        f'<h1>{escape(redline_title(rev))}</h1>'
        f'<p class="meta">family: {escape(rev.family_id or "—")}</p>'
        f'<p class="meta">old: {_side(rev.old)}</p><p class="meta">new: {_side(rev.new)}</p>'
        f'<p class="meta counts">{escape(describe_counts(diff))}</p>'
        f'<h2>Fact changes</h2><ul class="facts">{facts or "<li>none</li>"}</ul>'
        '<input type="checkbox" id="hide-unchanged" checked>'
        '<label for="hide-unchanged"> hide unchanged provisions</label>'
        '<table class="redline"><colgroup><col style="width:7.5em"><col><col></colgroup>'
        f'<thead><tr><th>change</th><th class="old">old — {escape(_name(rev.old))}</th>'
        f'<th class="new">new — {escape(_name(rev.new))}</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>")


def _name(v) -> str:
    return f"{v.doc_id or v.source} {v.doc_number or ''}".strip()


def _side(v) -> str:
    bits = [v.doc_id or "", v.source, f"issued {v.issued_date}" if v.issued_date else "",
            "draft" if v.is_draft else ""]
    return escape(" · ".join(b for b in bits if b))


def _row(i: int, pair: ArticlePair, fact_changes) -> str:
    old_marks = [(o.old_start, o.old_end) for o in pair.ops if o.old_end > o.old_start]
    new_marks = [(o.new_start, o.new_end) for o in pair.ops if o.new_end > o.new_start]
    if pair.kind == "removed":
        old_marks = [(0, len(pair.old_text))]
    if pair.kind == "added":
        new_marks = [(0, len(pair.new_text))]
    facts = "".join(f'<div class="fact {c.kind}">{escape(c.summary)}</div>'
                    for c in facts_of(pair, fact_changes))
    return (f'<tr class="pair {pair.kind}" id="p{i}"><td class="kind">{escape(describe_pair(pair))}{facts}</td>'
            f'<td class="old">{_column(pair.old, old_marks, "del")}</td>'
            f'<td class="new">{_column(pair.new, new_marks, "ins")}</td></tr>')


def _column(provisions: tuple[Provision, ...], marks: list[tuple[int, int]], tag: str) -> str:
    """Each provision's label and body, with the marked ranges (offsets into the bodies joined
    by '\\n') wrapped in <del> or <ins>."""
    out, offset = [], 0
    for prov in provisions:
        body = prov.body
        label = prov.text[:prov.body_start].strip() or prov.label
        local = [(max(s, offset) - offset, min(e, offset + len(body)) - offset)
                 for s, e in marks if s < offset + len(body) and e > offset]
        out.append(f'<div class="label">{escape(label)}</div>'
                   f'<div class="text">{_marked(body, local, tag)}</div>')
        offset += len(body) + 1
    return "".join(out)


def _marked(text: str, marks: list[tuple[int, int]], tag: str) -> str:
    out, cursor = [], 0
    for start, end in sorted(marks):
        out.append(escape(text[cursor:start]))
        out.append(f"<{tag}>{escape(text[start:end])}</{tag}>")
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)
