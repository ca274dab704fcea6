"""generator.markup: inert front-matter text, sanitised bodies, entity mentions (SPEC §4, §6)."""

from __future__ import annotations

import html
import re

import markdown
import pytest

from generator.markup import MentionFinder, attr, body_html, link_mentions, md, text

# --- md(): front-matter strings show exactly as typed ----------------------------------

MD_CASES = [
    "*x* [a](javascript:x) {{ config }} <b>",
    "_emphasis_ and __strong__ and **bold**",
    "`code` and ``more code``",
    "[link](https://example.com) and ![img](https://example.com/x.png)",
    "<https://example.com> and <script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{: onclick=alert(1) } {#id .class}",
    "{% raw %} {{ page.title }} {# comment #}",
    "# not a heading",
    "> not a quote",
    "- not a list",
    "+ not a list",
    "* not a list",
    "1. not a list",
    "2025. A year in review",
    "| not | a | table |",
    "Nvidia's H20 & AMD's MI308 ~~struck~~ ==marked== ^sup^ $math$",
    "a\\*b \\[c\\] &amp; &lt;",
    "line one\n\nline two\n# heading",
    "Alibaba, Baidu begin using own chips to train AI models",
    "百度「文心」*模型*",
]


@pytest.mark.parametrize("value", MD_CASES)
def test_md_renders_as_the_literal_text(value: str) -> None:
    rendered = markdown.markdown(md(value))
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered
    inner = rendered[len("<p>") : -len("</p>")]
    assert not re.search(r"<[a-zA-Z/]", inner), rendered  # no element at all
    assert html.unescape(inner) == re.sub(r"\s+", " ", value)


def test_md_leaves_no_template_syntax() -> None:
    escaped = md("{{ config }} {% include x %} {# c #}")
    for token in ("{{", "}}", "{%", "%}", "{#", "#}"):
        assert token not in escaped


@pytest.mark.parametrize("value", ['" onmouseover="alert(1)', "{{ x }}", "<b>&</b>", "'single'"])
def test_attr_and_text_are_inert(value: str) -> None:
    assert html.unescape(attr(value)) == value
    assert '"' not in attr(value) and "<" not in attr(value) and "{" not in attr(value)
    assert html.unescape(text(value)) == value
    assert "<" not in text(value) and "{" not in text(value)


# --- body_html(): raw HTML in bodies is sanitised --------------------------------------

HOSTILE_BODIES = [
    # body, text that must not survive (case-insensitive)
    ("Hello <script>alert(1)</script> world", "<script"),
    ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "<script"),
    ('<img src="x.png" onerror="alert(1)">', "onerror"),
    ('<div onclick="alert(1)">click</div>', "onclick"),
    ('<svg onload="alert(1)"><circle r="1"/></svg>', "onload"),
    ('<body onload="alert(1)">', "onload"),
    ("[click](javascript:alert(1))", "javascript:"),
    ("[click](JaVaScRiPt:alert(1))", "javascript:"),
    ('<a href="javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="  javascript:alert(1)">x</a>', "javascript:"),
    ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
    ('<img src="javascript:alert(1)">', "javascript:"),
    ("![x](javascript:alert(1))", "javascript:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<object data="x.swf"></object>', "<object"),
    ('<form action="https://evil.example"><input name="q"></form>', "<form"),
    ("<style>body { display: none }</style>", "<style"),
    ('<p style="background:url(javascript:alert(1))">x</p>', "style="),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta"),
    ("<!-- a comment --> text", "<!--"),
]


@pytest.mark.parametrize(
    ("body", "forbidden"), HOSTILE_BODIES, ids=[f"{c[1]}:{c[0][:30]}" for c in HOSTILE_BODIES]
)
def test_body_html_strips_active_content(body: str, forbidden: str) -> None:
    assert forbidden.lower() not in body_html(body).lower()


FRIENDLY_BODIES = [
    ("**bold** and *em*", ["<strong>bold</strong>", "<em>em</em>"]),
    ("[Reuters](https://www.reuters.com/x)", ['href="https://www.reuters.com/x"', "Reuters</a>"]),
    ("# A heading", ["<h2>A heading</h2>"]),
    ("| a | b |\n|---|---|\n| 1 | 2 |", ["<table>", "<td>1</td>"]),
    ("```\ncode <b>\n```", ["<code>", "code &lt;b&gt;"]),
    ("Text[^1]\n\n[^1]: A note.", ['<sup id="fnref:1">']),
]


@pytest.mark.parametrize(
    ("body", "expected"), FRIENDLY_BODIES, ids=[c[0][:20] for c in FRIENDLY_BODIES]
)
def test_body_html_keeps_ordinary_markdown(body: str, expected: list[str]) -> None:
    rendered = body_html(body)
    for piece in expected:
        assert piece in rendered


def test_body_html_has_no_h1() -> None:
    assert "<h1" not in body_html("# Title\n\ntext\n\n<h1>raw</h1>")


# --- MentionFinder ------------------------------------------------------------------------

NAMES = [
    ("Nvidia", "nvidia"),
    ("NVIDIA Corp.", "nvidia"),
    ("H20", "h20"),
    ("Nvidia H20", "h20"),
    ("Baidu", "baidu"),
    ("Baidu Inc.", "baidu"),
    ("百度", "baidu"),
    ("SMIC", "smic"),
    ("Semiconductor Manufacturing International Corporation", "smic"),
    ("Arm", "arm"),
    ("Huawei", "huawei"),
    ("华为", "huawei"),
    ("Alibaba", "alibaba"),
    ("阿里巴巴", "alibaba"),
    ("阿里", "ali-cloud-short"),
    ("X", "x-too-short"),
]

FIND_CASES = [
    # text, mentions found as (surface, id), in order
    ("Nvidia sells chips", [("Nvidia", "nvidia")]),
    ("the Nvidia H20 chip", [("Nvidia H20", "h20")]),
    ("NVIDIA Corp. said", [("NVIDIA Corp.", "nvidia")]),
    ("NVIDIA said", [("NVIDIA", "nvidia")]),
    ("nvidia said", [("nvidia", "nvidia")]),
    ("Baidus and XBaidu and Baidu_x", []),
    ("Baidu's chip", [("Baidu", "baidu")]),
    ("(Baidu)", [("Baidu", "baidu")]),
    ("SMIC makes chips", [("SMIC", "smic")]),
    ("smic is lower case", []),
    ("Smic is not the acronym", []),
    ("Arm designs; an arm is not a company", [("Arm", "arm")]),
    ("据百度称", [("百度", "baidu")]),
    ("百度和华为", [("百度", "baidu"), ("华为", "huawei")]),
    ("阿里巴巴集团", [("阿里巴巴", "alibaba")]),  # the longest CJK alias wins
    ("据Nvidia称", [("Nvidia", "nvidia")]),
    ("Nvidia和百度", [("Nvidia", "nvidia"), ("百度", "baidu")]),
    ("X marks the spot", []),
    (
        "Huawei, Baidu and Alibaba",
        [("Huawei", "huawei"), ("Baidu", "baidu"), ("Alibaba", "alibaba")],
    ),
    (
        "Semiconductor Manufacturing International Corporation (SMIC)",
        [("Semiconductor Manufacturing International Corporation", "smic"), ("SMIC", "smic")],
    ),
]


@pytest.mark.parametrize(("content", "expected"), FIND_CASES, ids=[c[0] for c in FIND_CASES])
def test_find(content: str, expected: list[tuple[str, str]]) -> None:
    found = MentionFinder(NAMES).find(content)
    assert [(content[start:end], eid) for start, end, eid in found] == expected


def test_entities_in_markdown_skips_code_and_counts_lines() -> None:
    body = "\n".join(
        [
            "Baidu said so.",  # line 10
            "",
            "`Nvidia` in inline code, then Huawei.",  # line 12
            "```",
            "Alibaba in a fence",
            "```",
            "    SMIC in an indented code block",
            "华为 again.",  # line 17
        ]
    )
    found = list(MentionFinder(NAMES).entities_in_markdown(body, first_line=10))
    assert found == [(10, "baidu", "Baidu"), (12, "huawei", "Huawei"), (17, "huawei", "华为")]


def _url_for(entity_id: str) -> tuple[str, str] | None:
    if entity_id == "unknown":
        return None
    return f"../../entities/{entity_id}/", f"{entity_id.title()} <card>"


LINK_CASES = [
    # fragment, how many mention links, fragments that must appear unchanged
    ("<p>Baidu and Baidu</p>", 1, []),
    ("<h2>Baidu</h2><p>Then Baidu.</p>", 1, ["<h2>Baidu</h2>"]),
    (
        '<p><a href="https://x.example">Baidu</a> then Baidu</p>',
        1,
        ['<a href="https://x.example">Baidu</a>'],
    ),
    ("<p><code>Baidu</code> then Baidu</p>", 1, ["<code>Baidu</code>"]),
    ("<pre><code>Baidu\n</code></pre>", 0, []),
    ("<h3>Baidu</h3><h4>Baidu</h4>", 0, []),
    ("<p>Baidu, Nvidia and 百度</p>", 2, []),
    ("<p>Nothing here</p>", 0, []),
]


@pytest.mark.parametrize(
    ("fragment", "links", "unchanged"), LINK_CASES, ids=[c[0] for c in LINK_CASES]
)
def test_link_mentions(fragment: str, links: int, unchanged: list[str]) -> None:
    linked = link_mentions(fragment, MentionFinder(NAMES), _url_for)
    assert linked.count('class="bf-mention"') == links, linked
    for piece in unchanged:
        assert piece in linked
    assert re.sub(r'<a class="bf-mention"[^>]*>(.*?)</a>', r"\1", linked) == fragment


def test_link_mentions_links_the_first_mention_only() -> None:
    linked = link_mentions("<p>Baidu, Baidu Inc. and 百度.</p>", MentionFinder(NAMES), _url_for)
    assert linked == (
        '<p><a class="bf-mention" href="../../entities/baidu/" title="Baidu &lt;card&gt;">Baidu</a>'
        ", Baidu Inc. and 百度.</p>"
    )


def test_link_mentions_skips_entities_without_a_page() -> None:
    finder = MentionFinder([("Unknown Corp", "unknown"), ("Baidu", "baidu")])
    linked = link_mentions("<p>Unknown Corp and Baidu</p>", finder, _url_for)
    assert linked.count('class="bf-mention"') == 1
    assert ">Baidu</a>" in linked


def test_link_mentions_keeps_text_escaped() -> None:
    linked = link_mentions("<p>a &lt;b&gt; {{ x }} Baidu</p>", MentionFinder(NAMES), _url_for)
    assert "<b>" not in linked
    assert "{{" not in linked
    assert 'class="bf-mention"' in linked


def test_finder_cost_does_not_depend_on_the_registry_size() -> None:
    names = [(f"Company Number {i}", f"company-{i}") for i in range(20_000)] + NAMES
    finder = MentionFinder(names)
    assert [eid for _, _, eid in finder.find("Baidu and Company Number 19999.")] == [
        "baidu",
        "company-19999",
    ]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator import markup  # noqa: E402


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                *"abc XYZ 123 ,.;:'\"?()-+=*_#>!&<[]`\\|~{}\t\n\u00a0éü华为",
                *("  \n", "\n\n", "1. ", "\n- ", "\n===", "\n    x", "word ", "\r", "\x0c"),
                *("\u2028", "\n> ", "\n1) ", "\n---", "\n   -"),
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_plain_text_shortcut_agrees_with_the_converter(text: str) -> None:
    """Summaries skip Python-Markdown when the text has no Markdown syntax; whatever the
    text, the answer must be the converter's."""
    assert markup.plain_text(text) == markup._converted_plain_text(text)


def _find_one_by_one(finder: MentionFinder, content: str) -> list[tuple[int, int, str]]:
    """The finder's rule spelled out: at each word, every name starting with it, longest
    first then in text order; the first that matches up to a word boundary wins."""
    found = []
    folded = content.casefold()
    aligned = len(folded) == len(content)
    for m in markup._WORD.finditer(folded if aligned else content):
        key = m.group() if aligned else m.group().casefold()
        start = m.start()
        for surface, entity_id, exact in finder._by_word.get(key, []):
            end = start + len(surface)
            if exact:
                hit = content[start:end] == surface
            elif aligned:
                hit = folded[start:end] == surface.casefold()
            else:
                hit = content[start:end].casefold() == surface.casefold()
            if hit and (
                end >= len(content)
                or not markup._word_char(content[end])
                or markup._is_cjk(content[end])
            ):
                found.append((start, end, entity_id))
                break
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    result, last = [], -1
    for start, end, entity_id in found:
        if start >= last:
            result.append((start, end, entity_id))
            last = end
    return result


_WORDS = ["The", "the", "Times", "TIMES", "Gov", "of", "Ark", "ARK", "ß", "SS", "Wire", "x"]


@settings(max_examples=300, deadline=None)
@given(
    names=st.lists(
        st.lists(st.sampled_from(_WORDS), min_size=1, max_size=3).map(" ".join),
        min_size=1,
        max_size=12,
    ),
    words=st.lists(st.sampled_from([*_WORDS, ",", "Times.", "ark's"]), max_size=12),
)
def test_names_sharing_a_first_word_are_found_as_one_by_one(
    names: list[str], words: list[str]
) -> None:
    finder = MentionFinder([(name, f"e{i}") for i, name in enumerate(names)])
    content = " ".join(words)
    assert finder.find(content) == _find_one_by_one(finder, content)
