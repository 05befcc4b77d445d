"""The /match form of `gazette web`: the example profiles give what `gazette match` gives, a bad
field is the form again with its message, and the page in headless Chromium."""
from __future__ import annotations

import html
import json
import re
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from extractors.diff.facts import money_words
from flows.cli.main import main
from flows.web.app import create_app
from flows.web.matching import example_form
from tests.browser import ROOT, needs_chromium, render
from tests.test_web import served  # noqa: F401 (the uvicorn fixture)

PROFILES = ROOT / "examples" / "profiles"
MEASURE_LINK = r'<li class="verdict {kind}"><a href="[^"]+">《([^》]+)》([^<]+)</a>'


@pytest.fixture(scope="module")
def client(corpus_catalog):
    with TestClient(create_app(corpus_catalog[0])) as client:
        yield client


def cli_match(corpus_catalog, capsys, name: str) -> dict:
    assert main(["--db", str(corpus_catalog[0]), "match", str(PROFILES / f"{name}.toml"), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def listed(page: str, kind: str) -> list[tuple[str, str]]:
    return [(html.unescape(d), html.unescape(a)) for d, a in re.findall(MEASURE_LINK.format(kind=kind), page)]


def total(page: str, name: str) -> str:
    (shown,) = re.findall(rf'<td class="yuan" id="total-{name}">([^<]+)</td>', page)
    return shown


def the_form_of(name: str) -> list[tuple[str, str]]:
    """The query string the prefilled form submits for the example `name`."""
    values = example_form(name, date.today()).values
    return [(k, v) for k, vs in values.items() for v in (vs if isinstance(vs, list) else [vs]) if v]


@pytest.mark.parametrize("name", ["cro-jingkai", "biotech-changping", "techservice-beijing"])
def test_an_example_profile_gives_what_gazette_match_gives(client, corpus_catalog, capsys, name):
    cli = cli_match(corpus_catalog, capsys, name)
    for page in (client.get("/match", params={"example": name}).text,
                 client.get("/match", params=the_form_of(name)).text):
        for kind in ("qualifies", "might"):
            assert listed(page, kind) == [(m["document"], m["article"]) for m in cli["measures"]
                                          if m["verdict"] == kind]
        assert len(listed(page, "does_not")) == cli["counts"]["does_not"]

        assert total(page, "qualifies") == money_words(Decimal(cli["totals"]["qualifies"]["yuan"]))
        assert total(page, "with_might") == money_words(Decimal(cli["totals"]["with_might"]["yuan"]))


def test_the_cro_in_jingkai_qualifies_for_9_hao_10_with_its_citation(client, corpus_catalog, capsys):
    page = client.get("/match", params={"example": "cro-jingkai"}).text
    cli = cli_match(corpus_catalog, capsys, "cro-jingkai")
    (ten,) = [m for m in cli["measures"] if m["article"] == "二/(二)/10"]
    assert ten["verdict"] == "qualifies" and total(page, "qualifies") == "500万元"
    item = page[page.index('<li class="verdict qualifies"><a href="http://testserver/policy/'):]
    item = item[item.index("二/(二)/10"):].split("</li>")[0]
    assert f'<span class="amount">up to 500万元</span> <span class="cite">{ten["amount"]["text"]}: ' \
           f'{ten["amount"]["citation"]}</span>' in item
    # the prefilled form shows what the file says, in 万元 for the years before as_of
    assert 'name="revenue_previous" inputmode="decimal" size="8" value="3000"' in page
    assert 'name="revenue_before" inputmode="decimal" size="8" value="2100"' in page
    assert 'value="经开区" checked' in page and '<option value="(none)" selected>' in page
    assert '<details class="does-not"><summary>Does not:' in page


@pytest.mark.parametrize("params, message", [
    ({"headcount": "many"}, "the form: `headcount`: expected a whole number of people, got 'many'"),
    ({"founded": "2018-13-01"}, "the form: `founded`: expected a date such as 2018-03-01, got '2018-13-01'"),
    ({"revenue_previous": "三千"}, "the form: `revenue (previous year)`: expected an amount in 万元 such as 3000, got '三千'"),
    ({"statuses": "高新企业"}, "the form: `statuses`: unknown status '高新企业'; known: "),
    ({"example": "nope"}, "no example profile 'nope'; the examples are biotech-changping, cro-jingkai, "),
])
def test_a_bad_field_is_the_form_again_with_its_message(client, params, message):
    page = client.get("/match", params={"name": "某公司", **params} if "example" not in params else params)
    assert page.status_code == 400
    (error,) = re.findall(r'<p class="error" role="alert">([^<]+)</p>', page.text)
    assert html.unescape(error).startswith(message)
    assert '<form class="profile"' in page.text and 'class="result"' not in page.text
    if "headcount" in params:
        assert 'name="headcount" inputmode="numeric" value="many"' in page.text


def test_what_is_typed_is_escaped(client):
    typed = '<script>alert("x")</script>'
    page = client.get("/match", params={"name": typed, "headcount": typed}).text
    assert "<script>" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    page = client.get("/match", params={"name": typed, "registered_in": "经开区"}).text
    assert "<script>" not in page and '<h2>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; <span class="meta">' in page


def test_the_empty_form_matches_nothing_and_the_nav_links_it(client):
    page = client.get("/match").text
    assert 'class="result"' not in page and 'class="error"' not in page
    assert '<a href="/match" aria-current="page">match</a>' in page


@needs_chromium
def test_the_match_form_in_a_browser(served, corpus_catalog, capsys, tmp_path):  # noqa: F811
    cli = cli_match(corpus_catalog, capsys, "cro-jingkai")
    dom, shot = render(f"{served}/match?{urlencode(the_form_of('cro-jingkai'))}", "web-match",
                       tmp_path / "profile", height=1800)
    assert f'<span class="count" id="qualifies-count">{cli["counts"]["qualifies"]}</span>' in dom
    assert f'<span class="count" id="might-count">{cli["counts"]["might"]}</span>' in dom
    assert '<td class="yuan" id="total-qualifies">500万元</td>' in dom
    assert 'value="亦庄某临床前CRO有限公司"' in dom and '<option selected="">临床Ⅱ期</option>' not in dom
    assert dom.count('<li class="verdict qualifies">') == cli["counts"]["qualifies"]
    assert shot.stat().st_size > 10_000
