"""Turning untrusted text into safe Markdown and HTML, and linking entity mentions.

Front-matter strings become inert Markdown text: every character that Markdown
or its extensions could read as syntax is written as an HTML character
reference, so a title such as ``*[x](javascript:…)*`` or ``{{ config }}`` shows
exactly as typed.  Bodies are converted to HTML here, sanitised with nh3's
allow-list and embedded as a raw block, so that nothing a contributor writes
reaches MkDocs' Markdown extensions (``attr_list`` could add event handlers).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from html.parser import HTMLParser

import markdown
import nh3

# Characters that may start Markdown (or extension) syntax inside a line.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]<>&|~^=:$#!+\"]")


def md(text: object) -> str:
    """Inline Markdown that renders as exactly ``text`` (whitespace collapsed).

    Also safe at the start of a line: a leading ``-`` or ``1.`` does not start a list.
    """
    value = _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", re.sub(r"\s+", " ", str(text)))
    value = re.sub(r"^(\s*)-", r"\1&#45;", value)
    return re.sub(r"^(\s*\d+)([.)])", lambda m: f"{m.group(1)}&#{ord(m.group(2))};", value)


def md_url(url: str) -> str:
    """A URL safe inside a Markdown link destination ``(...)``."""
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
        .replace("{", "%7B")
        .replace("}", "%7D")
    )


def attr(text: object) -> str:
    """Text safe inside a double-quoted HTML attribute (and inert to template engines)."""
    return html.escape(str(text), quote=True).replace("{", "&#123;").replace("}", "&#125;")


def text(value: object) -> str:
    """Text safe as HTML element content."""
    return html.escape(str(value), quote=False).replace("{", "&#123;").replace("}", "&#125;")


# --- bodies ---------------------------------------------------------------

_BODY_EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists", "def_list", "abbr"]
_ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "code": {"class"},
    "div": {"class"},
    "span": {"class"},
    "sup": {"id"},
    "li": {"id"},
    "ol": {"start"},
}


def sanitise(fragment: str) -> str:
    """Allow-list sanitising: no script, no event handler, only http(s)/mailto/relative URLs."""
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def body_html(body: str) -> str:
    """A briefing body (Markdown) as sanitised HTML; headings are shifted below the page's h1."""
    converter = markdown.Markdown(extensions=_BODY_EXTENSIONS, output_format="html")
    rendered = converter.convert(body)
    rendered = re.sub(r"<(/?)h1\b", r"<\1h2", rendered)
    return sanitise(rendered)


def first_paragraph(body: str) -> str:
    """The first Markdown paragraph of a body (for ``publish: excerpt`` and default summaries)."""
    for block in re.split(r"\n\s*\n", body.strip()):
        stripped = block.strip()
        if stripped and not stripped.startswith(("#", "```", "~~~", "<!--", "|", "    ")):
            return stripped
    return ""


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to one line of plain text (for summaries and feeds)."""
    rendered = markdown.markdown(markdown_text)
    stripped = nh3.clean(rendered, tags=set())
    return re.sub(r"\s+", " ", html.unescape(stripped)).strip()


# --- mentions -------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    name = unicodedata.name(ch, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL"))


#: A run of word characters other than CJK ones, so that "据Nvidia称" yields "Nvidia".
_WORD = re.compile(r"[^\W\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class MentionFinder:
    """Finds entity names and aliases in text: longest first, word-bounded, case-aware.

    Candidates are indexed by their first word (or, for CJK names, which have no
    word boundaries, by their first character), so finding mentions costs time
    in proportion to the text, not to the number of entities.
    """

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        self._by_word: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        self._by_char: dict[str, list[tuple[str, str]]] = defaultdict(list)
        seen: set[tuple[str, bool]] = set()
        for surface, entity_id in names:
            surface = surface.strip()
            if len(surface) < 2:
                continue
            if _is_cjk(surface[0]):
                if (surface, True) not in seen:
                    seen.add((surface, True))
                    self._by_char[surface[0]].append((surface, entity_id))
                continue
            exact = (surface.isupper() and len(surface) <= 5) or len(surface) < 4
            key = (surface if exact else surface.casefold(), exact)
            if key in seen:
                continue
            seen.add(key)
            first = re.split(r"[^\w]", surface, maxsplit=1)[0].casefold()
            self._by_word[first].append((surface, entity_id, exact))
        for candidates in self._by_word.values():
            candidates.sort(key=lambda c: (-len(c[0]), c[0]))
        for chars in self._by_char.values():
            chars.sort(key=lambda c: (-len(c[0]), c[0]))

    def find(self, content: str) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, entity_id)`` matches, leftmost and longest first."""
        found: list[tuple[int, int, str]] = []
        if self._by_word:
            folded = content.casefold() if len(content.casefold()) == len(content) else None
            for m in _WORD.finditer(content):
                for surface, entity_id, exact in self._by_word.get(m.group().casefold(), ()):
                    end = m.start() + len(surface)
                    piece = content[m.start() : end]
                    if exact:
                        hit = piece == surface
                    else:
                        hit = (
                            folded[m.start() : end] if folded is not None else piece.casefold()
                        ) == surface.casefold()
                    if hit and (
                        end >= len(content) or not _word_char(content[end]) or _is_cjk(content[end])
                    ):
                        found.append((m.start(), end, entity_id))
                        break
        if self._by_char:
            for i, ch in enumerate(content):
                for surface, entity_id in self._by_char.get(ch, ()):
                    if content.startswith(surface, i):
                        found.append((i, i + len(surface), entity_id))
                        break
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        result: list[tuple[int, int, str]] = []
        last_end = -1
        for start, end, entity_id in found:
            if start >= last_end:
                result.append((start, end, entity_id))
                last_end = end
        return result

    def entities_in_markdown(self, body: str, first_line: int) -> Iterator[tuple[int, str, str]]:
        """``(line, entity_id, surface)`` for mentions in a Markdown body, outside code."""
        fenced = False
        for offset, line in enumerate(body.split("\n")):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
                continue
            if fenced or line.startswith("    "):
                continue
            line = re.sub(r"`[^`]*`", lambda m: " " * len(m.group()), line)
            for start, end, entity_id in self.find(line):
                yield first_line + offset, entity_id, line[start:end]


_SKIP = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "samp", "script", "style"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}


class _Linker(HTMLParser):
    def __init__(
        self, finder: MentionFinder, url_for: Callable[[str], tuple[str, str] | None]
    ) -> None:
        super().__init__(convert_charrefs=True)
        self.finder = finder
        self.url_for = url_for
        self.out: list[str] = []
        self.stack: list[str] = []
        self.linked: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rendered = "".join(f' {k}="{attr(v or "")}"' for k, v in attrs)
        self.out.append(f"<{tag}{rendered}>")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        rendered = "".join(f' {k}="{attr(v or "")}"' for k, v in attrs)
        self.out.append(f"<{tag}{rendered}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if any(t in _SKIP for t in self.stack):
            self.out.append(text(data))
            return
        pos = 0
        for start, end, entity_id in self.finder.find(data):
            if entity_id in self.linked:
                continue
            target = self.url_for(entity_id)
            if target is None:
                continue
            url, title = target
            self.linked.add(entity_id)
            self.out.append(text(data[pos:start]))
            self.out.append(
                f'<a class="bf-mention" href="{attr(url)}" title="{attr(title)}">{text(data[start:end])}</a>'
            )
            pos = end
        self.out.append(text(data[pos:]))


def link_mentions(
    fragment: str, finder: MentionFinder, url_for: Callable[[str], tuple[str, str] | None]
) -> str:
    """Link the first mention of each entity in sanitised HTML, outside links, code and headings."""
    linker = _Linker(finder, url_for)
    linker.feed(fragment)
    linker.close()
    return "".join(linker.out)
