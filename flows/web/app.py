"""The `gazette web` application: Starlette routes rendering Jinja2 templates, read-only.

Each request opens the catalog with `catalog.reading` (the locked read-only connection `gazette
query` uses) and closes it before the page is rendered: a catalog a writer publishes meanwhile
is read by the next request, and nothing here can write it.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from extractors.diff.facts import money_words
from extractors.match import match_measures
from flows import catalog
from flows.cli.search import search_provisions, search_words, snippet
from flows.match_rows import catalog_measures, match_totals
from flows.revisions.html import STYLE as REDLINE_STYLE
from flows.revisions.html import redline_body, redline_title
from flows.revisions.versions import revision_between
from flows.web import matching, queries
from flows.web.marks import marked_words
from schemas.errors import GazetteError
from schemas.status import STATUS_LABELS

HERE = Path(__file__).resolve().parent
# The pages of the navigation bar, in order.
NAV = (("/", "policies"), ("/search", "search"), ("/windows", "windows"), ("/match", "match"))
SEARCH_LIMIT = 50


def create_app(db_path: Path) -> Starlette:
    """The browser over the catalog at `db_path`."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.globals.update(nav=NAV, status_labels=STATUS_LABELS)
    app = Starlette(routes=[
        Route("/", index, name="index"),
        Route("/search", search, name="search"),
        Route("/policy/{doc_id}", policy, name="policy"),
        Route("/redline/{old}/{new}", redline, name="redline"),
        Route("/windows", windows, name="windows"),
        Route("/match", match, name="match"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ], exception_handlers={HTTPException: http_error, GazetteError: unreadable, FileNotFoundError: unreadable})
    app.state.db_path = Path(db_path)
    app.state.templates = Jinja2Templates(env=env)
    return app


def reading(request: Request):
    return catalog.reading(request.app.state.db_path)


def page(request: Request, name: str, context: dict, status_code: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def index(request: Request) -> Response:
    with reading(request) as con:
        rows = queries.policies(con)
    return page(request, "index.html", {"policies": rows, "q": ""})


def search(request: Request) -> Response:
    q = request.query_params.get("q", "").strip()
    words = search_words(q) if q else []
    hits = []
    if words:
        with reading(request) as con:
            hits = search_provisions(con, q, words, SEARCH_LIMIT)
    shown = [(hit, marked_words(snippet(hit.text, hit.first), [q, *words])) for hit in hits]
    return page(request, "search.html", {"q": q, "words": words, "hits": shown})


def policy(request: Request) -> Response:
    doc_id = request.path_params["doc_id"]
    with reading(request) as con:
        shown = queries.preferred_doc_id(con, doc_id)
        found = queries.policy_page(con, doc_id) if shown == doc_id else None
    if shown is None:
        raise HTTPException(404, f"no document {doc_id!r} in the catalog")
    if found is None:
        return RedirectResponse(request.url_for("policy", doc_id=shown), status_code=303)
    return page(request, "policy.html", found)


def redline(request: Request) -> Response:
    old, new = request.path_params["old"], request.path_params["new"]
    with reading(request) as con:
        unknown = [ref for ref in (old, new) if queries.preferred_doc_id(con, ref) is None]
        # Only catalog doc ids reach the diff: it would read a file a path names.
        revision = None if unknown else revision_between(con, old, new)
    if unknown:
        raise HTTPException(404, f"no document {unknown[0]!r} in the catalog")
    return page(request, "redline.html", {
        "title": redline_title(revision), "old": old, "new": new,
        "style": Markup(REDLINE_STYLE), "body": Markup(redline_body(revision))})


def windows(request: Request) -> Response:
    with reading(request) as con:
        months, due = queries.windows_by_month(con), queries.deadlines(con)
    return page(request, "windows.html", {"months": months, "deadlines": due})


def match(request: Request) -> Response:
    """The profile form; with a profile given (typed, or an example chosen) what `gazette match` decides."""
    params, today = request.query_params, date.today()
    example = params.get("example", "")
    typed = any(k != "example" for k in params)
    form = matching.form_of(params, today) if typed or not example else matching.example_form(example, today)
    result = None
    if form.profile is not None and (typed or example):
        with reading(request) as con:
            measures = catalog_measures(con)
        verdicts = match_measures(form.profile, measures)
        result = {"verdicts": {kind: [v for v in verdicts if v.verdict == kind]
                               for kind in ("qualifies", "might", "does_not")},
                  "totals": match_totals(verdicts)}
    return page(request, "match.html", {
        "form": form, "result": result, "example": example, "examples": matching.examples(),
        "choices": matching.choices(), "metrics": matching.METRIC_LABELS, "years": matching.YEARS,
        "no_project": matching.NO_PROJECT, "money": money_words}, status_code=400 if form.error else 200)


async def http_error(request: Request, exc: HTTPException) -> Response:
    return page(request, "error.html", {"detail": exc.detail, "status_code": exc.status_code},
                status_code=exc.status_code)


async def unreadable(request: Request, exc: Exception) -> Response:
    """The catalog moved, damaged or of another schema since the server started: say so, as the CLI would."""
    return page(request, "error.html", {"detail": str(exc), "status_code": 503}, status_code=503)
