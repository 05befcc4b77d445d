"""Query results as text: an aligned table for a terminal, CSV, or a JSON array of objects.

`gazette query` prints them and `gazette export` writes them, so a file holds what the screen shows.
"""
from __future__ import annotations

import csv
import json
from datetime import date, datetime
from decimal import Decimal


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return value


def write_rows(columns: list[str], rows: list[tuple], fmt: str, out) -> None:
    """Print query results as an aligned table, CSV or a JSON array of objects."""
    if fmt == "json":
        json.dump([{c: _plain(v) for c, v in zip(columns, row)} for row in rows], out,
                  ensure_ascii=False, indent=1, default=str)
        out.write("\n")
        return
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in row] for row in rows])
        return
    cells = [["" if v is None else str(_plain(v)).replace("\n", " ")[:60] for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    line = lambda vals: "  ".join(v + " " * (w - _width(v)) for v, w in zip(vals, widths))  # noqa: E731
    out.write(line(columns).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(line(row).rstrip() + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def _width(text: str) -> int:
    """Display width: CJK and full-width characters take two columns in a terminal."""
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
