"""The `gazette diff` command. It calls the same function the revisions flow calls
(`revisions.diff_documents`) and never imports Prefect."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.cli.command import Command, add_color_argument, wants_colour


def add_diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("old", help="the older version: doc id, 文号 or file path")
    diff.add_argument("new", help="the newer version: doc id, 文号 or file path")
    diff.add_argument("--format", choices=("text", "json"), default="text",
                      help="a coloured summary (default) or JSON")
    diff.add_argument("--html", type=Path, metavar="FILE",
                      help="also write a self-contained side-by-side redline page to FILE")
    add_color_argument(diff, "the summary")
    diff.add_argument("--all", action="store_true", help="list unchanged provisions too")


def run_diff(args) -> int:
    from flows.revisions import render as diff_render
    from flows.revisions.html import render_html
    from flows.revisions.versions import diff_documents

    revision = diff_documents(args.db, args.old, args.new)
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(render_html(revision), encoding="utf-8")
    if args.format == "json":
        sys.stdout.write(diff_render.render_json(revision, show_all=args.all))
    else:
        sys.stdout.write(diff_render.render_text(revision, colour=wants_colour(args.color), show_all=args.all))
    if args.html:
        print(f"wrote {args.html}", file=sys.stderr)
    return 0


DIFF = Command(
    "diff", help="what changed between two versions of a policy (read-only)",
    description="Align the provisions of OLD and NEW by content (renumbered, moved, split and "
                "merged articles are found), diff the text of each changed provision character "
                "by character and report caps, awards, percentages, dates and bureaus that "
                "appeared, disappeared or changed value. OLD and NEW are doc ids, 文号 or file "
                "paths (a file outside the catalog is parsed in memory; a file or 文号 naming "
                "several documents is narrowed by the other side).",
    add_arguments=add_diff_arguments, run=run_diff)
