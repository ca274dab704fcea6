"""Hostile input: what a pull request from an outside contributor can do (SPEC §2, §5, §6).

a. a table of malformed and hostile files, each reported by ``briefing check`` as one
   ``path:line: field: message`` line, nothing written; BOM and CRLF files must work;
b. XSS through a real ``briefing build --strict`` (MkDocs, Material), checked in site/;
c. Hypothesis properties: any front-matter gives problem lines, never a traceback;
   input text never reaches a generated page as markup; file layout does not change pages;
d. (tests/test_fuzz.py) a bounded fuzzer for the loader;
e. failed and interrupted builds leave docs/ and site/ as they were.

What the payloads became (site/ parsed back with BeautifulSoup; recorded on 2026-11-28).

Front-matter: every string field (title, authors, summary, key_points, event titles, claim
text/by/basis, quote text/by/role, entity name/aliases/summary, fact labels and values,
relation note/since/until; tags and ids cannot hold one, they must be slugs) held
``<field>: <script>alert(1)</script> "><img src=x onerror=alert(1)> </title><svg
onload=alert(1)> '-alert(1)-' {{ config }} {% raw %} *[x](javascript:alert(1))* {:
onclick="alert(1)" }``.

=========================================  ================================================
where                                      what it became
=========================================  ================================================
page body (article): h1, meta line, lists  text: ``&lt;script&gt;…``, ``{{ config }}``, ``*[x](…)*``
                                           and ``{: onclick… }`` shown literally, no element
mention link title (entity name)           ``title="…&lt;script&gt;…"`` (escaped attribute)
SVG timeline/graph labels                  escaped text in <title>/<text>
search_index.json                          escaped (``&lt;script&gt;``)
data/*.json                                the exact string
feed.xml                                   XML text (parses; title and summary round-trip)
timeline.ics                               TEXT-escaped (backslash before , and ;); icalendar reads it back
Material header topic (page title)         RAW: a live <script>, <img onerror>, <svg onload>
navigation (auto nav, prev/next footer)    RAW on every page that lists the page
<title>                                    broken out of by ``</title>``: live markup in <head>
<meta name="description"> (summary)        broken out of by ``">``: <img onerror> in the page
=========================================  ================================================

The last four rows were a stored XSS when first recorded (Material prints
``page.meta.title``/``page.title``/``page.meta.description`` unescaped; 288 ``alert(1)``
dialogs opened in Chromium). Fixed: the generator now HTML-escapes page metadata and
refuses control characters, so these rows show the payload as text;
``test_no_script_but_materials_own`` and ``test_no_payload_runs_in_a_browser`` guard it.

Bodies (one briefing each, ``publish: full``), as found in ``div.bf-body``:

=========================  ==================================================================
payload                    became
=========================  ==================================================================
<script>                   (removed with its content)
<img onerror>              ``<img src="x">``
<a href="javascript:">     ``<a rel="noopener noreferrer nofollow">`` (no href); likewise
                           JaVaScRiPt:, &#106;avascript:, java&#x09;script:, vbscript:,
                           [md](javascript:), [md](<javascript:>), reference links
<a onclick href="#x">      ``<a href="#x" rel="noopener noreferrer nofollow">``
<svg onload>, <svg><a>     ``<p></p>``
<iframe>, <style>          (removed with their content)
<object>, <embed>, <meta   ``<p></p>``
refresh>, <base>, <link>
<form><input><button>      the button's text only; <input onfocus> → nothing
<details ontoggle>         its summary's text only
style= onmouseover=        ``<div>overlay</div>``
<!-- comment -->           removed, the text after it kept
![x](data:…)               ``<img alt="x">``; <img src="data:…"> → ``<img>``;
                           srcset= dropped
{: onclick=… } attr_list   literal text (attr_list is not a body extension)
{{ config }} {% raw %}     literal text
`<script>`, fenced code    ``<code>&lt;script&gt;…</code>``
mXSS math/style            (removed)
mXSS noscript              text ``<p title="`` + ``<img src="x">`` + text ``">``
*[HTML]: <script>          ``<abbr title="&lt;script&gt;alert(1)&lt;/script&gt;">``
=========================  ==================================================================
"""

from __future__ import annotations

import errno
import html
import json
import os
import re
import signal
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.helpers import CHROMIUM, chromium, hashes, run, serve_folder, tree_diff, write_project
from tests.test_check import (
    LINE_RE,
    REGISTRY,
    SEED,
    VALID,
    E,
    Err,
    assert_rejected,
    plus,
    problem_lines,
    seed_text,
    snapshot,
)
from tests.test_search import EXPLORE_SETTLED

# --- a. malformed and hostile files through `briefing check` ----------------------------

ENTITY = "seeds/entities/kunlunxin.yml"


def bomb(levels: int = 9, width: int = 10) -> str:
    """A 'billion laughs' front-matter: ``width ** levels`` values from a few hundred bytes."""
    lines = ["lol0: &a0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


#: a 100 KB title, a 2 MB body: bounded by the text and file-size limits
LONG_TITLE = "A" * 100_000
CAFE_NFC = unicodedata.normalize("NFC", "café")
CAFE_NFD = unicodedata.normalize("NFD", "café")


@dataclass(frozen=True)
class Case:
    """Files added to (or replacing) the registry and valid seed, and the exact error lines."""

    name: str
    files: dict[str, str | bytes]
    expected: list[Err]
    symlinks: dict[str, str] = field(default_factory=dict)  # link → target
    mkdocs_extra: str = ""


def fm(front: str, body: str = "The article body.\n") -> str:
    """A seed whose front-matter is ``front`` verbatim (no dedent: hostile text stays exact)."""
    return f"---\n{front}---\n{body}"


HOSTILE_CASES = [
    # --- YAML: bombs, depth, tags, duplicates -------------------------------------------------
    Case(
        "billion laughs",
        {SEED: fm(VALID + bomb())},
        [E(6, "lol4[3][3][8][8][1]", "more than 50000 values", "alias")],
    ),
    Case(
        "billion laughs in an entity",
        {ENTITY: "name: Kunlunxin\ntype: company\n" + bomb()},
        [E(3, "lol4[3][3][8][8][6]", "more than 50000 values", path=ENTITY)],
    ),
    Case(
        "nesting 41 levels deep",
        {SEED: fm(plus(f"key_points: {nested(45)}\n"))},
        [E(6, "key_points" + "[0]" * 40, "nested more than 40 levels")],
    ),
    Case(
        "nesting 100 000 levels deep",
        {SEED: fm(plus(f"key_points: {nested(100_000)}\n"))},
        [E(6, "yaml", "nested more than 40 levels deep")],
    ),
    Case(
        "python object/apply tag",
        {
            SEED: fm(
                plus('summary: !!python/object/apply:os.system ["touch /tmp/briefing-pwned"]\n')
            )
        },
        [E(6, "summary", "tag", "not allowed")],
    ),
    Case(
        "python name tag on the title",
        {
            SEED: fm(
                VALID.replace(
                    "title: Alibaba, Baidu begin using own chips", "title: !!python/name:os.system"
                )
            )
        },
        [E(2, "title", "not allowed")],
    ),
    Case(
        "python object tag in an entity",
        {ENTITY: "name: !!python/object:os.Foo {a: 1}\ntype: company\n"},
        [E(1, "name", "not allowed", path=ENTITY)],
    ),
    Case(
        "timestamp tag",
        {SEED: fm(VALID.replace("date: 2025-09-11", "date: !!timestamp 2025-09-11"))},
        [E(3, "date", "not allowed")],
    ),
    Case(
        "explicit !!int on text", {SEED: fm(plus("summary: !!int abc\n"))}, [E(6, "summary", "abc")]
    ),
    Case("explicit !!bool on yes", {SEED: fm(plus("draft: !!bool yes\n"))}, [E(6, "draft", "yes")]),
    Case(
        "merge key",
        {SEED: fm(plus("base: &b {summary: x}\nmore:\n  <<: *b\n"))},
        [E(8, "more", "merge keys")],
    ),
    Case(
        "duplicate key",
        {SEED: fm(plus("entities: [nvidia]\n"))},
        [E(6, "entities", "duplicate key 'entities'", "first on line 5")],
    ),
    Case(
        "duplicate key in an entity",
        {ENTITY: "name: Kunlunxin\ntype: company\nname: Evil\n"},
        [E(3, "name", "duplicate key 'name'", "first on line 1", path=ENTITY)],
    ),
    Case(
        "front-matter is a list",
        {SEED: fm("- title\n- date\n")},
        [E(2, "yaml", "expected a mapping", "a list")],
    ),
    Case("front-matter is empty", {SEED: fm("")}, [E(2, "yaml", "expected a mapping", "nothing")]),
    Case(
        "front-matter never closed",
        {SEED: "---\n" + VALID},
        [E(1, "front-matter", "missing", "---")],
    ),
    Case(
        "entity file is a string",
        {ENTITY: "just text\n"},
        [E(1, "yaml", "expected a mapping", path=ENTITY)],
    ),
    # --- raw bytes -------------------------------------------------------------------------------
    Case(
        "2 MB seed",
        {SEED: seed_text(VALID, "Long body. " * 200_000)},
        [E(1, "file", "2,", "over the limit of 1,000,000", "max_file_bytes")],
    ),
    Case(
        "2 MB entity",
        {ENTITY: "name: Kunlunxin\ntype: company\n" + "# padding\n" * 200_000},
        [E(1, "file", "over the limit of 1,000,000", path=ENTITY)],
    ),
    Case(
        "NUL byte in the body",
        {SEED: seed_text(VALID).encode() + b"\x00evil\n"},
        [E(1, "file", "binary")],
    ),
    Case(
        "NUL escape in the title",
        {
            SEED: fm(
                VALID.replace("title: Alibaba, Baidu begin using own chips", 'title: "Own\\0chips"')
            )
        },
        [E(2, "title", "NUL")],
    ),
    Case("UTF-16 file", {SEED: seed_text(VALID).encode("utf-16")}, [E(1, "file", "binary")]),
    Case(
        "invalid UTF-8 on line 3",
        {SEED: b"---\ntitle: Own chips\ndate: 2025-09-11 \xff\xfe\n---\n"},
        [E(3, "file", "not UTF-8", "0xff")],
    ),
    Case(
        "Latin-1 text",
        {SEED: seed_text(VALID).replace("own chips", "Caf\u00e9").encode("latin-1")},
        [E(2, "file", "not UTF-8", "0xe9")],
    ),
    Case(
        "overlong UTF-8 slash",
        {SEED: b"---\ntitle: a\xc0\xafb\n---\n"},
        [E(2, "file", "not UTF-8")],
    ),
    Case(
        "UTF-8-encoded surrogate",
        {SEED: b"---\ntitle: a\xed\xa0\x80b\n---\n"},
        [E(2, "file", "not UTF-8")],
    ),
    Case(
        "raw control character in YAML",
        {SEED: fm(plus("summary: a\x01b\n"))},
        [E(6, "file", "control character U+0001")],
    ),
    Case(
        "CRLF file with a misspelt key",
        {SEED: fm(plus("sumary: One.\n")).replace("\n", "\r\n")},
        [E(6, "sumary", "did you mean 'summary'")],
    ),
    Case(
        "symlinked seed to /etc/passwd",
        {},
        [E(1, "file", "symbolic link", path="seeds/2025/passwd.md")],
        symlinks={"seeds/2025/passwd.md": "/etc/passwd"},
    ),
    Case(
        "symlinked entity",
        {"elsewhere.yml": "name: Evil\ntype: company\n"},
        [E(1, "file", "symbolic link", path="seeds/entities/evil.yml")],
        symlinks={"seeds/entities/evil.yml": "../../elsewhere.yml"},
    ),
    Case(
        "symlinked folder",
        {},
        [E(1, "file", "symbolic link", path="seeds/etc")],
        symlinks={"seeds/etc": "/etc"},
    ),
    # --- file names: slugs, ids and collisions ----------------------------------------------------
    Case(
        "Foo.md and foo.md",
        {"seeds/2025/Foo.md": seed_text(VALID), "seeds/2025/foo.md": seed_text(VALID)},
        [
            E(1, "slug", "'Foo'", "try 'foo'", path="seeds/2025/Foo.md"),
            E(
                1,
                "slug",
                "'foo' collides with 'Foo'",
                "seeds/2025/Foo.md",
                path="seeds/2025/foo.md",
            ),
        ],
    ),
    Case(
        "composed and decomposed é",
        {
            f"seeds/2025/{CAFE_NFC}.md": seed_text(VALID),
            f"seeds/2025/{CAFE_NFD}.md": seed_text(VALID),
        },
        [
            E(1, "slug", "not a valid slug", "try 'cafe'", path=f"seeds/2025/{CAFE_NFC}.md"),
            E(1, "slug", "not a valid slug", "try 'cafe'", path=f"seeds/2025/{CAFE_NFD}.md"),
            E(
                1,
                "slug",
                "collides",
                f"seeds/2025/{CAFE_NFC}.md" if CAFE_NFD < CAFE_NFC else f"seeds/2025/{CAFE_NFD}.md",
                path=f"seeds/2025/{max(CAFE_NFC, CAFE_NFD)}.md",
            ),
        ],
    ),
    Case(
        "NVIDIA.yml and nvidia.yml",
        {"seeds/entities/NVIDIA.yml": "name: Nvidia 2\ntype: company\n"},
        [
            E(1, "id", "'NVIDIA'", "try 'nvidia'", path="seeds/entities/NVIDIA.yml"),
            E(
                1,
                "id",
                "'nvidia' collides with 'NVIDIA'",
                "seeds/entities/NVIDIA.yml",
                path="seeds/entities/nvidia.yml",
            ),
        ],
    ),
    Case(
        "seed named index.md",
        {"seeds/index.md": seed_text(VALID)},
        [E(1, "slug", "'index'", "reserved", path="seeds/index.md")],
    ),
    Case(
        "entity named index.yml",
        {"seeds/entities/index.yml": "name: Index\ntype: other\n"},
        [E(1, "id", "'index'", "reserved", path="seeds/entities/index.yml")],
    ),
    Case(
        "file name with an underscore",
        {"seeds/2025/own_chips.md": seed_text(VALID)},
        [E(1, "slug", "'own_chips'", "try 'own-chips'", path="seeds/2025/own_chips.md")],
    ),
    Case(
        "file name with a dot",
        {"seeds/2025/x.md.md": seed_text(VALID)},
        [E(1, "slug", "'x.md'", path="seeds/2025/x.md.md")],
    ),
    Case(
        "file name of 121 characters",
        {f"seeds/2025/{'a' * 121}.md": seed_text(VALID)},
        [E(1, "slug", "longer than 120", path=f"seeds/2025/{'a' * 121}.md")],
    ),
    # --- ids that try to leave their folder ---------------------------------------------------------
    Case(
        "../ in entities",
        {SEED: fm(VALID.replace("[alibaba, baidu, nvidia]", "[alibaba, ../../etc/passwd]"))},
        [E(5, "entities[1]", "'../../etc/passwd' is not a valid id")],
    ),
    Case(
        "../ as source",
        {SEED: fm(VALID.replace("source: reuters", "source: ../reuters"))},
        [E(4, "source", "'../reuters' is not a valid id", "try 'reuters'")],
    ),
    Case(
        "../ as an event id",
        {SEED: fm(plus("events:\n  - date: 2025-08\n    title: Talks\n    id: ../../index\n"))},
        [E(9, "events[0].id", "not a valid id")],
    ),
    Case(
        "../ as a relation target",
        {ENTITY: "name: Kunlunxin\ntype: company\nrelations: [{type: owns, target: ../nvidia}]\n"},
        [E(3, "relations[0].target", "not a valid id", path=ENTITY)],
    ),
    Case(
        "../ as a fact source",
        {
            ENTITY: "name: Kunlunxin\ntype: company\n"
            "facts: {founded: {value: 2021, source: ../../own-chips}}\n"
        },
        [E(3, "facts.founded.source", "not a valid id", path=ENTITY)],
    ),
    Case(
        "id index in entities",
        {SEED: fm(VALID.replace("[alibaba, baidu, nvidia]", "[index]"))},
        [E(5, "entities[0]", "'index' is reserved")],
    ),
    # --- URLs -------------------------------------------------------------------------------------------
    Case(
        "url JAVASCRIPT:",
        {SEED: fm(plus("url: JAVASCRIPT:alert(1)\n"))},
        [E(6, "url", "not an http or https URL")],
    ),
    Case(
        "url with a leading space",
        {SEED: fm(plus('url: " javascript:alert(1)"\n'))},
        [E(6, "url", "not an http or https URL")],
    ),
    Case(
        "url with a tab in the scheme",
        {SEED: fm(plus('url: "java\\tscript:alert(1)"\n'))},
        [E(6, "url", "control characters")],
    ),
    Case(
        "url data:",
        {SEED: fm(plus("url: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\n"))},
        [E(6, "url", "not an http or https URL")],
    ),
    Case(
        "url data: with markup",
        {SEED: fm(plus('url: "data:text/html,<script>alert(1)</script>"\n'))},
        [E(6, "url", "angle brackets")],
    ),
    Case(
        "url vbscript:",
        {SEED: fm(plus("url: vbscript:msgbox(1)\n"))},
        [E(6, "url", "not an http or https URL")],
    ),
    Case(
        "url //host",
        {SEED: fm(plus("url: //evil.example/x\n"))},
        [E(6, "url", "not an http or https URL")],
    ),
    Case(
        "url https: without a host",
        {SEED: fm(plus("url: https:javascript:alert(1)\n"))},
        [E(6, "url", "not an http or https URL")],
    ),
    Case(
        "url with a quote",
        {SEED: fm(plus("url: 'https://example.com/\"onmouseover=alert(1)'\n"))},
        [E(6, "url", "quotes")],
    ),
    Case(
        "url with a broken IPv6 host",
        {SEED: fm(plus('url: "http://[::1/x"\n'))},
        [E(6, "url", "IPv6")],
    ),
    Case(
        "entity link javascript:",
        {
            ENTITY: "name: Kunlunxin\ntype: company\n"
            "links: [https://ok.example, javascript:alert(1)]\n"
        },
        [E(3, "links[1]", "not an http or https URL", path=ENTITY)],
    ),
    Case(
        "entity link JaVaScRiPt: with spaces",
        {ENTITY: 'name: Kunlunxin\ntype: company\nlinks: ["  JaVaScRiPt:alert(1)"]\n'},
        [E(3, "links[0]", "not an http or https URL", path=ENTITY)],
    ),
    Case(
        "entity link data:",
        {ENTITY: "name: Kunlunxin\ntype: company\nlinks: data:,x\n"},
        [E(3, "links[0]", "not an http or https URL", path=ENTITY)],
    ),
    # --- values -----------------------------------------------------------------------------------------
    Case(
        "empty title",
        {SEED: fm(VALID.replace("title: Alibaba, Baidu begin using own chips", 'title: ""'))},
        [E(2, "title", "is empty")],
    ),
    Case(
        "blank title",
        {
            SEED: fm(
                VALID.replace(
                    "title: Alibaba, Baidu begin using own chips", 'title: " \\t\\u00a0 "'
                )
            )
        },
        [E(2, "title", "is empty")],
    ),
    Case(
        "title of 100 KB",
        {SEED: fm(VALID.replace("Alibaba, Baidu begin using own chips", LONG_TITLE))},
        [E(2, "title", "longer than 20000 characters")],
    ),
    Case(
        "title that is a mapping",
        {SEED: fm(VALID.replace("title: Alibaba, Baidu begin using own chips", "title: {a: b}"))},
        [E(2, "title", "expected text", "a mapping")],
    ),
    Case(
        "tag with spaces",
        {SEED: fm(plus("tags: [ai chips]\n"))},
        [E(6, "tags[0]", "'ai chips'", "try 'ai-chips'")],
    ),
    Case(
        "tag index", {SEED: fm(plus("tags: [index]\n"))}, [E(6, "tags[0]", "'index' is reserved")]
    ),
    Case("tag ../x", {SEED: fm(plus("tags: [../x]\n"))}, [E(6, "tags[0]", "not a valid tag")]),
    Case(
        "unknown claim status",
        {
            SEED: fm(
                plus("claims:\n  - text: A claim\n    by: someone unnamed\n    status: rumoured\n")
            )
        },
        [E(9, "claims[0].status", "'rumoured'", "reported, confirmed")],
    ),
    Case(
        "publish in capitals",
        {SEED: fm(plus("publish: FULL\n"))},
        [E(6, "publish", "'FULL'", "full, excerpt, summary")],
    ),
    Case("draft: yes", {SEED: fm(plus("draft: yes\n"))}, [E(6, "draft", "expected true or false")]),
    Case(
        "date with a time",
        {SEED: fm(VALID.replace("date: 2025-09-11", "date: 2025-09-11T00:00:00"))},
        [E(3, "date", "YYYY-MM-DD")],
    ),
    Case(
        "unknown entity type",
        {ENTITY: "name: Kunlunxin\ntype: <script>\n"},
        [E(2, "type", "'<script>' is not one of", path=ENTITY)],
    ),
]


@pytest.mark.parametrize("case", HOSTILE_CASES, ids=[c.name for c in HOSTILE_CASES])
def test_hostile_files_are_reported_in_one_line_each(make_project, run_cli, case: Case) -> None:
    root = make_project(
        {**REGISTRY, SEED: seed_text(VALID), **case.files}, mkdocs_extra=case.mkdocs_extra
    )
    for link, target in case.symlinks.items():
        (root / link).parent.mkdir(parents=True, exist_ok=True)
        (root / link).symlink_to(target)
    assert_rejected(root, run_cli, case.expected)
    assert not Path("/tmp/briefing-pwned").exists()


def test_there_are_enough_hostile_cases() -> None:
    assert len(HOSTILE_CASES) >= 30


# --- line endings and byte-order marks must work, not fail --------------------------------------

ENCODINGS = {
    "CRLF": lambda text: text.replace("\n", "\r\n").encode(),
    "BOM": lambda text: b"\xef\xbb\xbf" + text.encode(),
    "BOM and CRLF": lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
    "CR only": lambda text: text.replace("\n", "\r").encode(),
}


@pytest.mark.parametrize("encode", ENCODINGS.values(), ids=list(ENCODINGS))
def test_line_endings_and_bom_are_accepted(make_project, run_cli, encode) -> None:
    text = seed_text(plus("summary: One sentence.\n"), "First line.\nSecond line.\n")
    entity = encode("name: Kunlunxin\ntype: company\nsummary: A chip maker.\n")
    root = make_project({**REGISTRY, SEED: encode(text), ENTITY: entity})
    before = snapshot(root)
    code, _out, err = run_cli(root, "check")
    errors, _ = problem_lines(err)
    assert (code, errors) == (0, []), err
    assert snapshot(root) == before

    from generator.pipeline import check
    from generator.project import Project

    corpus = check(Project.open(root)).corpus
    assert corpus is not None
    b = corpus.by_slug["own-chips"]
    assert b.title == "Alibaba, Baidu begin using own chips"
    assert b.summary == "One sentence."
    assert "\r" not in b.body and "\ufeff" not in b.body
    assert corpus.entities["kunlunxin"].name == "Kunlunxin"
    assert corpus.entities["kunlunxin"].summary == "A chip maker."


# --- b. XSS through a real build: every payload in every field, then the HTML ----------------

#: One string that tries every trick at once: markup, attribute and <title> break-outs,
#: template syntax for Jinja and MkDocs plugins, Markdown links and attr_list.
CORE = (
    '<script>alert(1)</script> "><img src=x onerror=alert(1)> </title><svg onload=alert(1)> '
    "'-alert(1)-' {{ config }} {% raw %} *[x](javascript:alert(1))* {: onclick=\"alert(1)\" }"
)


def payload(where: str) -> str:
    """The payload for one field, labelled so that each can be found on the page."""
    return f"{where}: {CORE}"


SEED_FIELDS = [
    "title",
    "author",
    "summary",
    "key point",
    "event title",
    "claim text",
    "claim by",
    "claim basis",
    "quote text",
    "quote by",
    "quote role",
]
ENTITY_FIELDS = [
    "entity name",
    "alias",
    "entity summary",
    "fact label",
    "fact value",
    "relation note",
    "relation since",
    "relation until",
]

#: Raw HTML and Markdown in bodies; each goes into a briefing of its own (publish: full).
BODY_PAYLOADS = {
    "script": "<script>alert('body')</script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "a href javascript:": '<a href="javascript:alert(1)">js link</a>',
    "a href JaVaScRiPt:": '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    "a href &#106;avascript:": '<a href="&#106;avascript:alert(1)">entity-encoded</a>',
    "a href java&#x09;script:": '<a href="java&#x09;script:alert(1)">tab-encoded</a>',
    "a href vbscript:": '<a href="vbscript:msgbox(1)">vb</a>',
    "a onclick": '<a href="#x" onclick="alert(1)">hash</a>',
    "a target _blank": '<a href="https://ok.example/" target="_blank">blank</a>',
    "svg onload": '<svg onload=alert(1)><circle r="1"/></svg>',
    "svg a xlink:href": '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "object and embed": '<object data="https://evil.example/x.swf"></object>'
    '<embed src="https://evil.example/x.swf">',
    "form": '<form action="https://evil.example/"><input name="q"><button>Go</button></form>',
    "input autofocus onfocus": "<input autofocus onfocus=alert(1)>",
    "details ontoggle": "<details open ontoggle=alert(1)><summary>s</summary></details>",
    "style element": "<style>body { display: none }</style>",
    "style attribute": '<div style="position:fixed;inset:0" onmouseover="alert(1)">overlay</div>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "base href": '<base href="https://evil.example/">',
    "link stylesheet": '<link rel="stylesheet" href="https://evil.example/x.css">',
    "HTML comment": "<!-- hidden <script>alert(1)</script> -->visible",
    "md link javascript:": "[md link](javascript:alert(1))",
    "md link <javascript:>": "[angle](<javascript:alert(1)>)",
    "md reference link": "[ref link][r]\n\n[r]: javascript:alert(1)",
    "md image data:": "![pixel](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "img src data:": '<img src="data:text/html,<script>alert(1)</script>">',
    # A local src: an image from another host would be a link (and a warning, see
    # test_remote_images), and this payload is about srcset.
    "img srcset": '<img src="a.png" srcset="javascript:alert(1) 1x">',
    "attr_list": 'A paragraph.\n{: onclick="alert(1)" }',
    "attr_list inline": "**bold**{: onmouseover=alert(1) }",
    "template syntax": "{{ config }} {% raw %} {# x #}",
    "code span": "`<script>alert(1)</script>`",
    "fenced code": "```\n<script>alert(1)</script>\n```",
    "mXSS math/style": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "mXSS noscript": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "abbr definition": "HTML here.\n\n*[HTML]: <script>alert(1)</script>",
}


def _q(value: str) -> str:
    """A YAML double-quoted scalar (JSON is a subset of YAML for these strings)."""
    return json.dumps(value, ensure_ascii=False)


def hostile_files() -> dict[str, str]:
    seed = f"""\
---
title: {_q(payload("title"))}
date: 2025-09-11
source: reuters
url: "https://example.com/a_(b)*c*?q={{{{config}}}}#x"
authors: [{_q(payload("author"))}]
summary: {_q(payload("summary"))}
key_points: [{_q(payload("key point"))}]
tags: [ai-chips]
entities: [evil]
publish: full
events:
  - date: 2025-08
    title: {_q(payload("event title"))}
    entities: [evil]
claims:
  - text: {_q(payload("claim text"))}
    by: {_q(payload("claim by"))}
    basis: {_q(payload("claim basis"))}
    entities: [evil]
quotes:
  - by: {_q(payload("quote by"))}
    text: {_q(payload("quote text"))}
    role: {_q(payload("quote role"))}
---
A body that names Evil Corp once.
"""
    entity = f"""\
name: {_q(payload("entity name"))}
type: company
aliases: [Evil Corp, {_q(payload("alias"))}]
summary: {_q(payload("entity summary"))}
facts:
  {_q(payload("fact label"))}: {_q(payload("fact value"))}
relations:
  - type: related-to
    target: reuters
    note: {_q(payload("relation note"))}
    since: {_q(payload("relation since"))}
    until: {_q(payload("relation until"))}
links: ["https://example.com/x?a=1&b={{{{config}}}}"]
"""
    files = {
        "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
        "seeds/entities/evil.yml": entity,
        "seeds/2025/hostile.md": seed,
        # a source whose name is a payload: the search index's source facet and metadata
        "seeds/2025/hostile-source.md": (
            "---\ntitle: Reported by the hostile entity\ndate: 2025-09-12\nsource: evil\n"
            "summary: A briefing whose source is named with a payload.\n---\nA body.\n"
        ),
    }
    for i, (name, body) in enumerate(BODY_PAYLOADS.items(), 1):
        files[f"seeds/bodies/body-{i:02d}.md"] = (
            f"---\ntitle: {_q('Body payload: ' + name)}\ndate: 2025-09-10\nsource: reuters\n"
            f"summary: A body payload.\npublish: full\n---\n{body}\n"
        )
    return files


BENIGN_FILES = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/2025/plain.md": "---\ntitle: Plain\ndate: 2025-09-11\nsource: reuters\n---\nPlain.\n",
}


@dataclass(frozen=True)
class Built:
    root: Path
    code: int
    out: str
    err: str

    @property
    def site(self) -> Path:
        return self.root / "site"


def _script_key(tag: Tag) -> str:
    """An inline script's text with the page-relative base path taken out."""
    text = tag.string or ""
    if tag.get("id") == "__config":
        config = json.loads(text)
        config.pop("base", None)
        config.pop("search", None)
        return "__config " + json.dumps(config, sort_keys=True)
    return re.sub(r'new URL\("[^"]*",location\)', "new URL(BASE,location)", text)


def inline_scripts(site: Path) -> set[str]:
    return {
        _script_key(t)
        for page in site.rglob("*.html")
        for t in BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").find_all("script")
        if not t.get("src")
    }


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_project(tmp_path_factory.mktemp("xss") / "project", hostile_files())
    code, out, err = run(root, "build", "--strict")
    return Built(root, code, out, err)


@pytest.fixture(scope="module")
def material_scripts(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The inline scripts MkDocs and Material emit for a benign project with the same settings."""
    root = write_project(tmp_path_factory.mktemp("benign") / "project", dict(BENIGN_FILES))
    code, _out, err = run(root, "build", "--strict")
    assert code == 0, err
    scripts = inline_scripts(root / "site")
    # __md_scope/__md_get, the palette restorer, the tab-anchor helper and the JSON config
    assert len(scripts) == 4, scripts
    return scripts


def pages(site: Path) -> list[tuple[str, BeautifulSoup]]:
    return [
        (p.relative_to(site).as_posix(), BeautifulSoup(p.read_text(encoding="utf-8"), "lxml"))
        for p in sorted(site.rglob("*.html"))
    ]


def norm(value: str) -> str:
    return " ".join(value.split())


def article(page: BeautifulSoup) -> Tag:
    found = page.select_one("article.md-content__inner")
    assert found is not None
    return found


BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)
URL_ATTRIBUTES = (
    "href",
    "src",
    "xlink:href",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
    "cite",
)


def scheme_of(url: str) -> str:
    """The scheme a browser would see: control characters and spaces removed, as browsers do."""
    return re.sub(r"[\x00-\x20]", "", html.unescape(url))


def test_hostile_project_builds_strictly(hostile: Built) -> None:
    assert hostile.code == 0, hostile.out + hostile.err
    assert "Traceback" not in hostile.out + hostile.err


def test_no_script_but_materials_own(hostile: Built, material_scripts: set[str]) -> None:
    foreign = []
    for rel, page in pages(hostile.site):
        for tag in page.find_all("script"):
            src = tag.get("src")
            if src:
                base = hostile.site if str(src).startswith("/") else (hostile.site / rel).parent
                target = (base / str(src).lstrip("/")).resolve()
                inside = target.is_relative_to((hostile.site / "assets/javascripts").resolve())
                # the hosted site's search box (generator/overrides/)
                ours = target == (hostile.site / "assets/briefing/search.js").resolve()
                if not ((inside or ours) and target.is_file()):
                    foreign.append(f"{rel}: <script src={src}>")
            elif _script_key(tag) not in material_scripts:
                foreign.append(f"{rel}: {str(tag)[:80]} in {_where(tag)}")
    assert not foreign, "\n".join(foreign)


def _where(tag: Tag) -> str:
    """Where an element sits: its nearest ancestors with a class, for failure messages."""
    chain = []
    for parent in tag.parents:
        if parent.name in ("body", "[document]"):
            break
        classes = parent.get("class") or []
        chain.append(f"{parent.name}.{classes[0]}" if classes else parent.name)
        if len(chain) == 3:
            break
    return " < ".join(chain) or "the page"


def test_no_event_handler_attributes(hostile: Built) -> None:
    found = [
        f"{rel}: <{tag.name} {name}=...> in {_where(tag)}"
        for rel, page in pages(hostile.site)
        for tag in page.find_all(True)
        for name in tag.attrs
        if name.lower().startswith("on")
    ]
    assert not found, "\n".join(found)


def test_no_javascript_vbscript_or_data_urls(hostile: Built) -> None:
    found = [
        f"{rel}: <{tag.name} {name}={str(tag[name])[:60]!r}>"
        for rel, page in pages(hostile.site)
        for tag in page.find_all(True)
        for name in URL_ATTRIBUTES
        if tag.has_attr(name)
        and any(BAD_SCHEME.match(scheme_of(part.strip())) for part in str(tag[name]).split(","))
    ]
    assert not found, "\n".join(found)


def test_no_active_elements_from_content(hostile: Built) -> None:
    found = []
    for rel, page in pages(hostile.site):
        for tag in page.find_all(["iframe", "object", "embed", "style", "base", "frame", "applet"]):
            found.append(f"{rel}: <{tag.name}>")
        for tag in page.find_all("form"):
            # Material's search box, or the hosted site's (generator/overrides/partials/header.html)
            if tag.get("class") not in (["md-search__form"], ["bf-search"]):
                found.append(f"{rel}: <form {tag.attrs}>")
        # one http-equiv: the page's own content security policy, in its head
        policies = 0
        for tag in page.find_all(["meta", "link"]):
            if tag.get("http-equiv") == "Content-Security-Policy" and tag.parent.name == "head":
                policies += 1
            elif tag.get("http-equiv") or (
                tag.name == "link" and "evil.example" in str(tag.get("href"))
            ):
                found.append(f"{rel}: {tag}")
        if policies != 1:
            found.append(f"{rel}: {policies} content security policies")
        for tag in article(page).find_all(
            ["input", "button", "textarea", "select", "details", "math", "noscript", "svg"]
        ):
            if tag.name == "svg" and "bf-" in " ".join(tag.get("class") or []):
                continue  # the generator's own drawings
            found.append(f"{rel}: <{tag.name}> in the article")
    assert not found, "\n".join(found)


def _briefing_page(site: Path) -> BeautifulSoup:
    return BeautifulSoup(
        (site / "briefings/hostile/index.html").read_text(encoding="utf-8"), "lxml"
    )


def _entity_page(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / "entities/evil/index.html").read_text(encoding="utf-8"), "lxml")


@pytest.mark.parametrize("where", SEED_FIELDS)
def test_seed_payloads_show_as_text_on_the_briefing(hostile: Built, where: str) -> None:
    text = norm(article(_briefing_page(hostile.site)).get_text(" "))
    assert norm(payload(where)) in text


@pytest.mark.parametrize("where", ENTITY_FIELDS)
def test_entity_payloads_show_as_text_on_the_card(hostile: Built, where: str) -> None:
    text = norm(article(_entity_page(hostile.site)).get_text(" "))
    assert norm(payload(where)) in text


def test_page_title_and_description_are_the_texts(hostile: Built) -> None:
    """Material prints the page's title and description in <title>, the header and <meta>."""
    page = _briefing_page(hostile.site)
    assert page.title is not None
    assert norm(page.title.get_text()) == norm(payload("title")) + " - Small"
    description = page.find("meta", attrs={"name": "description"})
    assert description is not None and description["content"] == payload("summary")
    topic = page.select_one(".md-header__topic[data-md-component=header-topic] .md-ellipsis")
    assert topic is not None and norm(topic.get_text()) == norm(payload("title"))
    card = _entity_page(hostile.site)
    description = card.find("meta", attrs={"name": "description"})
    assert description is not None and description["content"] == payload("entity summary")


#: Pagefind's script (pagefind.js, in the site) makes a result's excerpt from the
#: fragment's content with ``<`` and ``>`` escaped, then wraps the matched words in
#: ``<mark>``; search.js puts the excerpt in the page as HTML.
PAGEFIND_ESCAPES = 'fragment.raw_content=fragment.content.replace(/</g,"&lt;").replace(/>/g,"&gt;")'


#: Metadata Pagefind adds by itself from a page's first ``<img>``.
PAGEFIND_IMAGE_META = ("image", "image_alt")


def fragments(site: Path) -> dict[str, dict]:
    """Pagefind's stored records (``*.pf_fragment``: gzip, ``pagefind_dcd``, JSON) by URL."""
    import gzip

    out: dict[str, dict] = {}
    for path in sorted((site / "pagefind").glob("*/fragment/*.pf_fragment")):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), path
        doc = json.loads(raw.removeprefix(b"pagefind_dcd"))
        assert doc["url"] not in out, doc["url"]
        out[doc["url"]] = doc
    return out


def shown_as_html(text: str) -> tuple[list[str], str]:
    """What ``innerHTML = text`` makes: the elements (and ``on*`` attributes) it would
    create, and the text a reader would see."""
    fragment = BeautifulSoup(f"<div>{text}</div>", "html.parser")
    made = [
        f"<{tag.name}{''.join(f' {a}=' for a in tag.attrs)}>"
        for tag in fragment.div.find_all(True)  # type: ignore[union-attr]
    ]
    return made, fragment.get_text()


def excerpt_of(content: str) -> str:
    """A Pagefind excerpt of the whole content, as its script makes one: ``<`` and ``>``
    escaped, the matched words (here: every fifth) wrapped in ``<mark>``."""
    words = content.replace("<", "&lt;").replace(">", "&gt;").split(" ")
    return " ".join(f"<mark>{w}</mark>" if i % 5 == 0 else w for i, w in enumerate(words))


def test_search_index_holds_the_payloads_as_text(hostile: Built) -> None:
    """The hosted site's Pagefind index, field by field as the search box uses it.

    search.js puts a result's excerpt in the page as HTML (cut from the fragment's
    content, escaped by Pagefind's script, which is checked to still escape): it must
    make no element but Pagefind's ``<mark>`` and show the content's exact text.  The
    title, the other metadata and the filter values are set as text (``textContent``,
    attribute values): they cannot run, but must be the record's exact plain texts (an
    unescaped payload in the page Pagefind reads comes out cut or changed).  The URL and
    anchor ids become links.  Then the payloads themselves, each as its exact text, and
    nothing like markup in a content besides them.
    """
    from generator import search

    site = hostile.site
    assert PAGEFIND_ESCAPES in (site / "pagefind" / "pagefind.js").read_text(encoding="utf-8")
    docs = fragments(site)
    records = {r.url: r for r in search.records(site)}
    assert docs.keys() == records.keys()
    found: list[str] = []
    for url, doc in docs.items():
        record = records[url]
        made, text = shown_as_html(excerpt_of(doc["content"]))
        found += [f"{url}: the excerpt makes {m}" for m in made if m != "<mark>"]
        if text != doc["content"]:
            found.append(f"{url}: the excerpt shows {text[:80]!r}, not the content's text")
        meta = {"title": record.title, **{k: v for k, v in record.meta.items() if v}}
        # Pagefind's own: the page's first image (search.js shows neither)
        image = {k: doc["meta"].pop(k) for k in PAGEFIND_IMAGE_META if k in doc["meta"]}
        if doc["meta"] != meta:
            found.append(f"{url}: meta {doc['meta']} != {meta}")
        if BAD_SCHEME.match(scheme_of(image.get("image", ""))):
            found.append(f"{url}: an image from {image['image']!r}")
        filters = search._stored_filters(record.filters)
        if doc["filters"] != {k: v for k, v in filters.items() if v}:
            found.append(f"{url}: filters {doc['filters']} != {filters}")
        for anchor in doc.get("anchors", []):
            if not re.fullmatch(r"[\w-]*", str(anchor.get("id") or "")):
                found.append(f"{url}: anchor id {anchor['id']!r}")
        if BAD_SCHEME.match(scheme_of(url)) or not url.startswith("/"):
            found.append(f"{url}: a link to {url!r}")
    assert not found, "\n".join(found[:20])

    def content(url: str) -> str:
        return norm(docs[url]["content"])

    def markup_besides_payloads(url: str) -> list[str]:
        """What looks like markup in a content once its payloads (as text) are taken out."""
        rest = content(url)
        for where in SEED_FIELDS + ENTITY_FIELDS:
            rest = rest.replace(norm(payload(where)), " ")
        return re.findall(r"<[^<>]*>?", rest)

    briefing = "/briefings/hostile/"
    assert docs[briefing]["meta"]["title"] == payload("title")
    indexed = [w for w in SEED_FIELDS if w not in ("title", "event title")]
    missing = [w for w in indexed if norm(payload(w)) not in content(briefing)]
    assert not missing, f"not in the briefing's content as text: {missing}"
    (event,) = [u for u in docs if u.startswith(f"{briefing}#ev-")]
    assert docs[event]["meta"]["title"] == payload("event title")
    # an event's record is text made by the generator: its title, date and entities
    assert docs[event]["content"] == " ".join(
        [payload("event title"), "August 2025", payload("entity name")]
    )
    card = "/entities/evil/"
    assert docs[card]["meta"]["title"] == payload("entity name")
    on_card = [w for w in ENTITY_FIELDS if w != "entity name"]
    missing = [w for w in on_card if norm(payload(w)) not in content(card)]
    assert not missing, f"not in the card's content as text: {missing}"
    label = f"{payload('entity name')}|evil"
    assert docs[briefing]["filters"]["entity-e"] == [label]
    reported = "/briefings/hostile-source/"
    assert docs[reported]["meta"]["source"] == payload("entity name")
    assert docs[reported]["filters"]["source"] == [label]
    for url in (briefing, card, reported):
        assert not markup_besides_payloads(url), (url, markup_besides_payloads(url))


def test_json_exports_hold_the_payloads_verbatim(hostile: Built) -> None:
    briefings = json.loads((hostile.site / "data/briefings.json").read_text(encoding="utf-8"))
    b = next(x for x in briefings if x["slug"] == "hostile")
    assert b["title"] == payload("title")
    assert b["summary"] == payload("summary")
    assert b["authors"] == [payload("author")]
    assert b["key_points"] == [payload("key point")]
    assert b["claims"][0]["text"] == payload("claim text")
    assert b["claims"][0]["by"] == {"entity": None, "text": payload("claim by")}
    assert b["claims"][0]["basis"] == payload("claim basis")
    assert b["quotes"][0]["text"] == payload("quote text")
    assert b["quotes"][0]["role"] == payload("quote role")
    entities = json.loads((hostile.site / "data/entities.json").read_text(encoding="utf-8"))
    e = next(x for x in entities if x["id"] == "evil")
    assert e["name"] == payload("entity name")
    assert e["aliases"] == ["Evil Corp", payload("alias")]
    assert e["summary"] == payload("entity summary")
    assert e["facts"] == [
        {"label": payload("fact label"), "value": payload("fact value"), "source": None}
    ]
    events = json.loads((hostile.site / "data/events.json").read_text(encoding="utf-8"))
    assert [x["title"] for x in events] == [payload("event title")]


def test_feed_parses_and_holds_the_title(hostile: Built) -> None:
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring((hostile.site / "feed.xml").read_bytes())
    titles = [t.text for t in root.findall("atom:entry/atom:title", ns)]
    assert payload("title") in titles
    summaries = [t.text for t in root.findall("atom:entry/atom:summary", ns)]
    assert payload("summary") in summaries


def test_calendar_holds_the_event_title(hostile: Built) -> None:
    raw = (hostile.site / "timeline.ics").read_text(encoding="utf-8")
    unfolded = re.sub(r"\r?\n[ \t]", "", raw)
    escaped = payload("event title").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    assert f"SUMMARY:{escaped}\r" in unfolded or f"SUMMARY:{escaped}\n" in unfolded
    from icalendar import Calendar

    events = Calendar.from_ical(raw).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [payload("event title")]


def body_results(site: Path) -> dict[str, str]:
    """What each body payload became: the inner HTML of its briefing's body."""
    out = {}
    for i, name in enumerate(BODY_PAYLOADS, 1):
        page = BeautifulSoup(
            (site / f"briefings/body-{i:02d}/index.html").read_text(encoding="utf-8"), "lxml"
        )
        body = article(page).select_one("div.bf-body")
        out[name] = "" if body is None else norm(body.decode_contents())
    return out


def test_body_payloads_are_inert(hostile: Built) -> None:
    results = body_results(hostile.site)
    assert len(results) == len(BODY_PAYLOADS)
    for name, rendered in results.items():
        fragment = BeautifulSoup(rendered, "lxml")
        for tag in fragment.find_all(True):
            assert tag.name in ALLOWED_BODY_TAGS, (name, rendered)
            for attribute, value in tag.attrs.items():
                assert not attribute.lower().startswith("on"), (name, rendered)
                if attribute in URL_ATTRIBUTES:
                    assert not BAD_SCHEME.match(scheme_of(str(value))), (name, rendered)
    print(
        "\n"
        + "\n".join(f"{name:26} → {rendered or '(nothing)'}" for name, rendered in results.items())
    )


#: lxml wraps a fragment in html/body; the rest are tags nh3 lets through.
ALLOWED_BODY_TAGS = {
    "html",
    "body",
    "p",
    "a",
    "img",
    "em",
    "strong",
    "code",
    "pre",
    "abbr",
    "div",
    "span",
    "br",
}


def test_template_syntax_stays_literal(hostile: Built) -> None:
    results = body_results(hostile.site)
    assert results["template syntax"] == "<p>{{ config }} {% raw %} {# x #}</p>"
    text = norm(article(_briefing_page(hostile.site)).get_text(" "))
    assert "{{ config }} {% raw %}" in text


# --- control characters, extreme dates and pathological bodies -------------------------------
#
# `briefing check` accepts all of these; `briefing build` must then either build a safe
# site or report a `path:line: field:` problem -- never crash, hang or leak markup.


def _small_project(root: Path, front: str, body: str = "Plain body.\n") -> Path:
    return write_project(
        root,
        {
            "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
            "seeds/2025/x.md": f"---\n{front}---\n{body}",
        },
    )


def _assert_built_or_reported(code: int, out: str, err: str) -> None:
    assert "Traceback" not in out + err
    assert "internal error" not in err, err
    assert code in (0, 1), err
    if code == 1:
        errors, _ = problem_lines(err)
        assert errors, err


META_BREAKERS = {"DEL": "\\x7f", "C1 control": "\\x80", "APC": "\\x9f"}


@pytest.mark.parametrize("escape", META_BREAKERS.values(), ids=list(META_BREAKERS))
def test_control_characters_in_a_title_cannot_break_the_page_metadata(
    tmp_path: Path, escape: str
) -> None:
    """MkDocs drops a page's front-matter that its YAML loader refuses and prints it as text."""
    root = _small_project(
        tmp_path / "p", f'title: "Own{escape} chips"\ndate: 2025-09-11\nsource: reuters\n'
    )
    code, out, err = run(root, "build", "--strict")
    _assert_built_or_reported(code, out, err)
    if code == 0:
        page = BeautifulSoup(
            (root / "site/briefings/x/index.html").read_text(encoding="utf-8"), "lxml"
        )
        text = norm(article(page).get_text(" "))
        assert 'title: "' not in text, (
            f"the page's metadata block was printed as text: {text[:200]}"
        )


def test_control_character_in_a_body_cannot_turn_its_summary_into_markup(tmp_path: Path) -> None:
    """The default summary (the body's first paragraph, as plain text) goes into the metadata too."""
    body = "&lt;script&gt;alert(1)&lt;/script&gt;\x7f and more.\n"
    root = _small_project(
        tmp_path / "p", "title: Own chips\ndate: 2025-09-11\nsource: reuters\n", body
    )
    code, out, err = run(root, "build", "--strict")
    _assert_built_or_reported(code, out, err)
    if code == 0:
        page = BeautifulSoup(
            (root / "site/briefings/x/index.html").read_text(encoding="utf-8"), "lxml"
        )
        assert not page.find_all("script", string=re.compile("alert")), (
            "a <script> from the body ran"
        )
        assert "description:" not in norm(article(page).get_text(" "))


CRASHERS = {
    "title with \\x01": ('title: "Own\\x01chips"\ndate: 2025-09-11\nsource: reuters\n', "Body.\n"),
    "title with ESC": ('title: "Own\\x1bchips"\ndate: 2025-09-11\nsource: reuters\n', "Body.\n"),
    "title with U+FFFE": (
        'title: "Own\\uFFFEchips"\ndate: 2025-09-11\nsource: reuters\n',
        "Body.\n",
    ),
    "body with \\x01": ("title: Own chips\ndate: 2025-09-11\nsource: reuters\n", "Own\x01chips.\n"),
    "event in 9998": (
        "title: Own chips\ndate: 9998-12-31\nsource: reuters\n"
        "events:\n  - {date: '9998', title: Far future}\n",
        "Body.\n",
    ),
    "interval 1000/9998": (
        "title: Own chips\ndate: 2025-09-11\nsource: reuters\n"
        "events:\n  - {date: 1000/9998, title: Forever}\n",
        "Body.\n",
    ),
    "list nested 500 deep": (
        "title: Own chips\ndate: 2025-09-11\nsource: reuters\npublish: full\n",
        "\n".join("  " * i + "- x" for i in range(500)) + "\n",
    ),
}


@pytest.mark.parametrize(("front", "body"), CRASHERS.values(), ids=list(CRASHERS))
def test_accepted_input_never_crashes_the_build(tmp_path: Path, front: str, body: str) -> None:
    root = _small_project(tmp_path / "p", front, body)
    code, out, err = run(root, "build")
    _assert_built_or_reported(code, out, err)


def test_pathological_markdown_body_is_bounded_in_time(tmp_path: Path) -> None:
    """20 KB of '[' (2 % of the file-size limit) must not stall a build (or a CI runner)."""
    root = _small_project(
        tmp_path / "p",
        "title: Own chips\ndate: 2025-09-11\nsource: reuters\npublish: full\n",
        "[" * 20_000 + "\n",
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "generator", "-C", str(root), "build"]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(
            f"briefing build still running after {time.monotonic() - started:.0f} s "
            "on a 20 KB body of '[' (killed)"
        )
    _assert_built_or_reported(done.returncode, done.stdout, done.stderr)


# --- e. nothing lost: failed and interrupted builds -------------------------------------------

GOOD_FILES = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/2025/x.md": "---\ntitle: First title\ndate: 2025-09-11\nsource: reuters\n---\nBody.\n",
    "docs/about.md": "# About\n\nA hand-written page.\n",
}

FAIL_HOOK = """\
from mkdocs.exceptions import PluginError


def on_post_build(config, **kwargs):
    raise {error}("the hook failed on purpose")
"""

SLEEP_HOOK = """\
import os
import time
from pathlib import Path


def on_post_build(config, **kwargs):
    Path(os.environ["BRIEFING_TEST_MARKER"]).write_text(config["site_dir"])
    time.sleep(120)
"""


def _state(root: Path) -> dict[str, dict[str, str]]:
    return {"docs": hashes(root / "docs"), "site": hashes(root / "site")}


def _good_build(root: Path) -> dict[str, dict[str, str]]:
    code, _out, err = run(root, "build")
    assert code == 0, err
    (root / "seeds/2025/x.md").write_text(
        GOOD_FILES["seeds/2025/x.md"].replace("First title", "Second title"), encoding="utf-8"
    )
    return _state(root)


def _with_hook(root: Path, hook: str) -> None:
    (root / "hooks").mkdir(exist_ok=True)
    (root / "hooks/hook.py").write_text(hook, encoding="utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as handle:
        handle.write("hooks:\n  - hooks/hook.py\n")


def _without_hook(root: Path) -> None:
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace("hooks:\n  - hooks/hook.py\n", ""), encoding="utf-8"
    )


def _assert_unchanged(root: Path, before: dict[str, dict[str, str]]) -> None:
    after = _state(root)
    for folder in ("docs", "site"):
        assert after[folder] == before[folder], tree_diff(before[folder], after[folder])


def _assert_later_build_recovers(root: Path) -> None:
    _without_hook(root)
    code, _out, err = run(root, "build")
    assert code == 0, err
    assert not list(root.glob(".briefing-staging-*")), "a stale staging folder was left behind"
    assert "Second title" in (root / "site/briefings/x/index.html").read_text(encoding="utf-8")
    assert (root / "docs/about.md").read_text(encoding="utf-8") == GOOD_FILES["docs/about.md"]


@pytest.mark.parametrize("error", ["PluginError", "RuntimeError"])
def test_failing_hook_leaves_docs_and_site_as_they_were(tmp_path: Path, error: str) -> None:
    root = write_project(tmp_path / "p", dict(GOOD_FILES))
    before = _good_build(root)
    _with_hook(root, FAIL_HOOK.format(error=error))
    code, out, err = run(root, "build")
    assert "Traceback" not in out + err
    _assert_unchanged(root, before)
    assert not list(root.glob(".briefing-staging-*"))
    _assert_later_build_recovers(root)
    # last: a hook's own error is a failed build (exit 1), not "a bug in briefing" (exit 3)
    assert code == 1, err
    assert err.strip().splitlines()[-1].startswith("briefing: "), err
    assert "bug in briefing" not in err


def test_build_killed_mid_way_leaves_docs_and_site_and_is_cleaned_up(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", dict(GOOD_FILES))
    before = _good_build(root)
    _with_hook(root, SLEEP_HOOK)
    marker = tmp_path / "marker"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "BRIEFING_TEST_MARKER": str(marker)}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "build"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), "the build never reached on_post_build"
        staged_site = Path(marker.read_text())
        assert staged_site.is_dir() and staged_site.parent.name.startswith(".briefing-staging-")
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    _assert_unchanged(root, before)
    assert list(root.glob(".briefing-staging-*")), "expected the killed run's staging folder"
    _assert_later_build_recovers(root)


def test_failure_while_replacing_site_leaves_docs_as_they_were(tmp_path: Path, monkeypatch) -> None:
    """site/ cannot be renamed (a mount point, say: EBUSY) after MkDocs built the new one."""
    from generator import pipeline

    root = write_project(tmp_path / "p", dict(GOOD_FILES))
    before = _good_build(root)

    def busy(new: Path, target: Path, kept: object, scratch: Path, **options: object) -> None:
        raise OSError(errno.EBUSY, "Device or resource busy", str(target))

    monkeypatch.setattr(pipeline, "update_site", busy)
    code, _out, _err = run(root, "build")
    assert code != 0
    _assert_unchanged(root, before)


def test_manifest_entries_outside_docs_are_ignored(tmp_path: Path) -> None:
    """A manifest that lists files outside docs/ (or a user's page) never deletes them."""
    root = write_project(tmp_path / "p", dict(GOOD_FILES))
    (root / "outside.txt").write_text("keep me\n", encoding="utf-8")
    manifest = {
        "generator": "briefing",
        "files": ["../outside.txt", "../mkdocs.yml", "/etc/hostname", "../../x"],
    }
    (root / "docs/.briefing-manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    code, _out, err = run(root, "build")
    assert code == 0, err
    assert (root / "outside.txt").read_text(encoding="utf-8") == "keep me\n"
    assert (root / "mkdocs.yml").is_file()


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("docs_dir: seeds\n", "overlap"),
        ("site_dir: docs/site\n", "overlap"),
        ("site_dir: seeds/out\n", "overlap"),
        ("site_dir: ../elsewhere\n", "inside the project"),
        ("docs_dir: ../docs-elsewhere\n", "inside the project"),
    ],
)
def test_overlapping_or_outside_folders_are_refused(
    make_project, run_cli, extra: str, words: str
) -> None:
    root = make_project({**REGISTRY, SEED: seed_text(VALID)}, mkdocs_extra=extra)
    before = snapshot(root)
    code, _out, err = run_cli(root, "build")
    assert code == 2, err
    assert words in err and len(err.strip().splitlines()) == 1, err
    assert snapshot(root) == before


# --- c. properties (Hypothesis) -----------------------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

SEED_KEYS = [
    "title",
    "date",
    "source",
    "via",
    "url",
    "authors",
    "summary",
    "key_points",
    "tags",
    "entities",
    "events",
    "claims",
    "quotes",
    "publish",
    "draft",
]
NESTED_KEYS = ["date", "title", "entities", "id", "tags", "text", "by", "basis", "status", "role"]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "reuters",
            "nvidia",
            "2025-08",
            "early 2025",
            "https://x.example/",
            "javascript:x",
            "index",
            "../x",
            "",
            " ",
            "NO",
            "0x1F",
            "12:30",
        ]
    )
)
yaml_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(NESTED_KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)

VALID_FRONT: dict[str, object] = {
    "title": "Own chips",
    "date": "2025-09-11",
    "source": "reuters",
    "via": ["the-information"],
    "url": "https://example.com/a",
    "authors": ["Jane Doe"],
    "summary": "One sentence.",
    "key_points": ["A point."],
    "tags": ["ai-chips"],
    "entities": ["alibaba", "nvidia"],
    "events": [{"date": "early 2025", "title": "Talks", "entities": ["alibaba"], "id": "talks"}],
    "claims": [
        {
            "text": "A claim",
            "by": "the-information",
            "basis": "employees",
            "status": "reported",
            "entities": ["nvidia"],
        }
    ],
    "quotes": [{"by": "nvidia", "text": "Words.", "role": "spokesperson"}],
    "publish": "excerpt",
    "draft": False,
}


@st.composite
def front_matters(draw: st.DrawFn) -> str:
    """YAML text: arbitrary data, or a valid front-matter with a few mutations."""
    if draw(st.booleans()):
        data: object = draw(
            st.dictionaries(
                st.sampled_from(SEED_KEYS) | st.text(max_size=8), yaml_values, max_size=8
            )
        )
    else:
        front = json.loads(json.dumps(VALID_FRONT))
        for _ in range(draw(st.integers(1, 4))):
            key = draw(st.sampled_from(sorted(front) or SEED_KEYS))
            action = draw(st.sampled_from(["drop", "replace", "insert", "nested"]))
            if action == "drop":
                front.pop(key, None)
            elif action == "replace":
                front[key] = draw(yaml_values)
            elif action == "insert":
                front[draw(st.text(min_size=1, max_size=8))] = draw(yaml_values)
            elif (
                isinstance(front.get(key), list) and front[key] and isinstance(front[key][0], dict)
            ):
                item = front[key][0]
                item[draw(st.sampled_from(sorted(item) + NESTED_KEYS))] = draw(yaml_values)
        data = front
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    if draw(st.integers(0, 4)) == 0:  # sometimes, raw text spliced into the YAML
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=10)) + text[at:]
    return text


@pytest.fixture(scope="module")
def scratch_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("prop") / "project", dict(REGISTRY))


@PROPERTY_SETTINGS
@given(front=front_matters())
def test_any_front_matter_gives_problem_lines_never_a_traceback(
    scratch_root: Path, front: str
) -> None:
    seed = scratch_root / SEED
    seed.parent.mkdir(parents=True, exist_ok=True)
    seed.write_bytes(f"---\n{front}---\nBody text.\n".encode("utf-8", "surrogatepass"))
    code, out, err = run(scratch_root, "check")
    assert code in (0, 1), err
    assert "Traceback" not in out + err and "internal error" not in err, err
    for line in err.splitlines():
        assert LINE_RE.match(line), f"not a path:line: field: message line: {line!r}"
    assert len(out.splitlines()) == 1 and out.startswith("checked "), out
    assert not (scratch_root / "site").exists()
    assert not any((scratch_root / "docs").iterdir())


def yaml_quote(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that any character survives."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= code < 0x7F:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _render_one(root: Path, title: str, summary: str, name: str) -> tuple[dict[str, str], object]:
    from generator.pipeline import check, render
    from generator.project import Project

    (root / "seeds/entities/evil.yml").write_text(
        f"name: {yaml_quote(name)}\ntype: company\nsummary: {yaml_quote(summary)}\n",
        encoding="utf-8",
    )
    (root / "seeds/2025").mkdir(parents=True, exist_ok=True)
    (root / "seeds/2025/x.md").write_text(
        f"---\ntitle: {yaml_quote(title)}\ndate: 2025-09-11\nsource: reuters\n"
        f"summary: {yaml_quote(summary)}\nkey_points: [{yaml_quote(title)}]\nentities: [evil]\n"
        f"events:\n  - {{date: 2025-08, title: {yaml_quote(title)}, entities: [evil]}}\n"
        f"---\nPlain body.\n",
        encoding="utf-8",
    )
    project = Project.open(root)
    checked = check(project)
    if checked.corpus is None:
        return {}, None
    return render(project, checked.corpus), checked.corpus


@pytest.fixture(scope="module")
def render_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(
        tmp_path_factory.mktemp("render") / "project",
        {"seeds/entities/reuters.yml": "name: Reuters\ntype: media\n"},
    )


MARKUP_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
) | st.sampled_from([CORE, "<", "<b>x</b>", "a <!-- b", "</title>"])


@PROPERTY_SETTINGS
@given(title=MARKUP_TEXT, summary=MARKUP_TEXT, name=MARKUP_TEXT)
def test_generated_markdown_never_holds_a_raw_angle_bracket_from_input(
    render_root: Path, title: str, summary: str, name: str
) -> None:
    """Outside the metadata block, a ``<`` in a title, summary or name is always escaped."""
    from mkdocs.utils.meta import get_data

    pages, corpus = _render_one(render_root, title, summary, name)
    assume(corpus is not None)
    neutral, _ = _render_one(
        render_root, title.replace("<", "x"), summary.replace("<", "x"), name.replace("<", "x")
    )
    assert neutral.keys() == pages.keys()
    for rel, text in pages.items():
        if not rel.endswith(".md"):
            continue
        body, _ = get_data(text)
        plain, _ = get_data(neutral[rel])
        assert body.count("<") == plain.count("<"), f"{rel}: a raw '<' from the input"


@PROPERTY_SETTINGS
@given(
    title=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40)
    | st.sampled_from(["<b>x</b>", "</title><script>x</script>", '"><img src=x>'])
)
def test_page_metadata_is_read_back_by_mkdocs_and_is_inert(render_root: Path, title: str) -> None:
    """What MkDocs reads from a generated page's metadata is the text, safe to print as HTML."""
    from mkdocs.utils.meta import get_data

    pages, corpus = _render_one(render_root, title, "A summary.", "Evil Corp")
    assume(corpus is not None)
    expected = corpus.by_slug["x"].title  # type: ignore[attr-defined]
    _, meta = get_data(pages["briefings/x/index.md"])
    assert "title" in meta, "MkDocs could not read the page's metadata"
    assert "<" not in meta["title"] and '"' not in meta["title"], meta["title"]
    assert html.unescape(meta["title"]) == expected


POOL = {
    "a": ("2025-09-11", "Talks begin, says A", "early 2025"),
    "b": ("2025-09-11", "Talks start, says B", "early 2025"),
    "c": ("2025-09-10", "Talks opened, says C", "2025-02"),
    "d": ("2025-09-12", "Unrelated", "2025-03"),
}


def _pool_seed(slug: str) -> str:
    day, event_title, event_date = POOL[slug]
    return (
        f"---\ntitle: Briefing {slug}\ndate: {day}\nsource: reuters\n"
        f'events:\n  - {{id: talks, date: {event_date}, title: "{event_title}"}}\n---\nBody {slug}.\n'
    )


@settings(PROPERTY_SETTINGS, max_examples=40)
@given(
    folders=st.lists(st.sampled_from(["", "2024/", "2025/", "z/", "a/b/"]), min_size=4, max_size=4),
    order=st.permutations(sorted(POOL)),
)
def test_file_layout_and_creation_order_do_not_change_the_pages(
    tmp_path_factory: pytest.TempPathFactory, folders: list[str], order: list[str]
) -> None:
    from generator.pipeline import check, render
    from generator.project import Project

    def build(layout: dict[str, str], creation: list[str]) -> dict[str, str]:
        root = write_project(
            tmp_path_factory.mktemp("order") / "p",
            {"seeds/entities/reuters.yml": "name: Reuters\ntype: media\n"},
        )
        for slug in creation:
            path = root / "seeds" / f"{layout[slug]}{slug}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_pool_seed(slug), encoding="utf-8")
        project = Project.open(root)
        checked = check(project)
        assert checked.corpus is not None, [str(p) for p in checked.problems]
        return render(project, checked.corpus)

    baseline = build({slug: "" for slug in POOL}, sorted(POOL))
    shuffled = build(dict(zip(sorted(POOL), folders, strict=True)), order)
    differing = sorted(p for p in baseline if baseline[p] != shuffled.get(p))
    assert baseline.keys() == shuffled.keys()
    assert not differing, f"pages that depend on file layout: {differing}"


# --- problem lines stay one line each, also as GitHub annotations ----------------------------

LINE_INJECTIONS = {
    "empty key": ({SEED: fm(plus('"": 1\n'))}, {}),
    "key with a line break": ({SEED: fm(plus('"a\\n::notice::injected": 1\n'))}, {}),
    "key with an ANSI escape": ({SEED: fm(plus('"a\\x1b[2Jb": 1\n'))}, {}),
    "value with a line break": ({SEED: fm(plus('publish: "x\\n::notice::injected"\n'))}, {}),
    "raw control character": ({SEED: fm(plus("summary: a\x01b\n"))}, {}),
    "file name with a line break": ({"seeds/2025/a\n::notice::injected.md": seed_text(VALID)}, {}),
}


@pytest.mark.parametrize(("files", "extra"), LINE_INJECTIONS.values(), ids=list(LINE_INJECTIONS))
def test_each_problem_is_one_line_even_in_ci(
    make_project, monkeypatch, files: dict, extra: dict
) -> None:
    root = make_project({**REGISTRY, SEED: seed_text(VALID), **files, **extra})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run(root, "check")
    assert code == 1, err
    assert "\x1b" not in out + err, "an escape sequence from the input reached the terminal"
    for line in err.splitlines():
        assert LINE_RE.match(line), f"not one path:line: field: message line: {line!r}"
    for line in out.splitlines():
        assert line.startswith(("::error file=", "::warning file=", "checked ")), (
            f"a workflow command from the input: {line!r}"
        )


# --- the payloads in a real browser ---------------------------------------------------------------


#: Marks each image once its load or error event has been dispatched.  The capturing
#: listener runs first, but the page cannot read the mark before the dispatch (an
#: ``onerror=alert(1)`` included) has finished: what has a mark has done what it would.
IMAGE_EVENTS = """
window.__bfImagesDone = new WeakSet();
for (const type of ["load", "error"]) {
  window.addEventListener(type, (event) => {
    if (event.target instanceof HTMLImageElement) window.__bfImagesDone.add(event.target);
  }, true);
}
"""
#: Every image under the selector has loaded or failed (one without a source never will).
IMAGES_SETTLED = """(selector) => Array.from(document.querySelectorAll(`${selector} img`))
  .every((img) => !img.getAttribute("src") || window.__bfImagesDone.has(img))"""


def test_no_payload_runs_in_a_browser(hostile: Built) -> None:
    """Every page with a payload, and a search for one, in headless Chromium: no dialog opens.

    The searches wait for what shows they are done (the results listed with their
    excerpts, every image in them loaded or failed), never for a fixed time, so a slow
    machine waits longer rather than looking before a payload could run."""
    if not CHROMIUM.exists():
        pytest.skip(f"needs Debian's chromium at {CHROMIUM}")
    dialogs: list[str] = []
    urls = [
        "",
        "briefings/",
        "briefings/hostile/",
        "entities/",
        "entities/evil/",
        "timeline/",
        "tags/ai-chips/",
        "graph/",
    ] + [f"briefings/body-{i:02d}/" for i in range(1, len(BODY_PAYLOADS) + 1)]
    with serve_folder(hostile.site) as base, chromium() as browser:
        context = browser.new_context(service_workers="block")
        context.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort()
        )
        context.add_init_script(IMAGE_EVENTS)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for url in urls:
            page.goto(base + url)
            page.wait_for_load_state("load")  # the page's own images have loaded or failed
            page.mouse.move(5, 5)
            page.mouse.move(640, 400)
        page.goto(base)
        page.keyboard.press("/")  # the search box's shortcut
        page.locator("#bf-search-input").press_sequentially("alert", delay=20)
        # the box is drawn for this query (a slow machine may draw it for "al" first)
        page.locator('#bf-search-results a.bf-search__all[href*="q=alert"]').wait_for()
        assert page.locator("#bf-search-results .bf-result").count() > 0, "nothing found"
        page.wait_for_function(IMAGES_SETTLED, arg="#bf-search-results")
        page.goto(base + "explore/?q=alert")  # results with excerpts, and facets
        page.wait_for_function(EXPLORE_SETTLED)
        status = page.locator(".bf-explore__status").inner_text()
        assert not status.startswith("0 results"), status
        page.wait_for_function(IMAGES_SETTLED, arg="#bf-explore")
    assert not dialogs, f"{len(dialogs)} dialogs opened: {sorted(set(dialogs))[:10]}"
