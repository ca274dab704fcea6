"""Turning untrusted text into safe Markdown and HTML, and linking entity mentions.

Front-matter strings become inert Markdown text: every character that Markdown
or its extensions could read as syntax is written as an HTML character
reference, so a title such as ``*[x](javascript:…)*`` or ``{{ config }}`` shows
exactly as typed.  Bodies are converted to HTML here, sanitised with nh3's
allow-list and embedded as a raw block, so that nothing a contributor writes
reaches MkDocs' Markdown extensions (``attr_list`` could add event handlers).
"""

from __future__ import annotations

import bisect
import functools
import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import markdown
import nh3

# Characters that may start Markdown (or extension) syntax inside a line: see _MD_ESCAPES.


_MD_ESCAPES = str.maketrans({c: f"&#{ord(c)};" for c in '\\`*_{}[]<>&|~^=:$#!+"'})
_SPACE = re.compile(r"\s+")


def md(text: object) -> str:
    """Inline Markdown that renders as exactly ``text`` (whitespace collapsed).

    Also safe at the start of a line: a leading ``-`` or ``1.`` does not start a list.
    Called for every value a template prints (the same entity names and titles
    over and over in a large project), so strings are memoised.
    """
    if type(text) is str:
        return _md_str(text)
    return _md(str(text))


def _md(value: str) -> str:
    if "  " in value or any(c in value for c in "\n\r\t\x0b\x0c"):
        value = _SPACE.sub(" ", value)
    value = value.translate(_MD_ESCAPES)
    head = value.lstrip()[:1]
    if head == "-":
        value = re.sub(r"^(\s*)-", r"\1&#45;", value)
    elif head.isdigit():
        value = re.sub(r"^(\s*\d+)([.)])", lambda m: f"{m.group(1)}&#{ord(m.group(2))};", value)
    return value


_md_str = functools.lru_cache(maxsize=1 << 16)(_md)


def clear_caches() -> None:
    """Forget memoised text (before MkDocs runs, so its memory can be returned)."""
    _md_str.cache_clear()


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


_CONVERTER: markdown.Markdown | None = None

#: What a page does with an image from another host: show it as a link, or keep the image.


def body_html(body: str, remote_images: str = "link") -> str:
    """A briefing body (Markdown) as sanitised HTML; headings are shifted below the page's h1.

    Unless ``remote_images`` is ``keep``, images from other hosts become links
    (:func:`link_remote_images`): loading them would tell those hosts who reads the page.
    """
    cleaned = _sanitised_html(body)
    if "<img" not in cleaned:
        return cleaned
    return link_remote_images(cleaned, keep=remote_images == "keep")


def _sanitised_html(body: str) -> str:
    """The body converted and sanitised, images untouched (what ``check`` inspects)."""
    global _CONVERTER
    if _CONVERTER is None:  # building a converter costs more than converting a body
        _CONVERTER = markdown.Markdown(extensions=_BODY_EXTENSIONS, output_format="html")
    rendered = _CONVERTER.reset().convert(body)
    rendered = re.sub(r"<(/?)h1\b", r"<\1h2", rendered)
    return sanitise(rendered)


# --- images from other hosts ------------------------------------------------------

#: Characters a browser strips from both ends of a URL, and those it removes inside one.
_URL_STRIP = "".join(chr(i) for i in range(0x21))
_URL_DROP = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_IMG_TAG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def remote_image(src: str) -> tuple[str, str] | None:
    """``(absolute URL, host)`` when a browser would fetch image ``src`` from another host.

    ``src`` is read as a browser reads it: surrounding spaces and control characters
    and inner tabs and newlines do not count and a backslash is a slash, so
    ``/<tab>/host`` and ``\\host`` are remote too.  A remote URL without a usable host
    gives ``("", "")``: nothing should be made of it.  Local (relative) URLs give None.
    """
    url = _URL_DROP.sub("", src).strip(_URL_STRIP).replace("\\", "/")
    scheme = _SCHEME.match(url)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            return "", ""  # mailto: and the like are no image (others never pass sanitising)
    elif url.startswith("//"):
        url = "https:" + url
    else:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        host = None
    return (url, host) if host else ("", "")


def _attributes(tag: str) -> dict[str, str]:
    """The attributes of one sanitised start tag, values unescaped."""
    body = re.sub(r"^<[a-zA-Z0-9]+|/?>$", "", tag)
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTRIBUTE.finditer(body)
    }


def link_remote_images(fragment: str, keep: bool = False) -> str:
    """Images from other hosts in sanitised HTML as links that show their alt text and host.

    An image inside a link becomes plain text (a link may not hold another).  One whose
    URL names no usable host is dropped, also with ``keep`` (which keeps the others):
    a browser may still read a host into it.  Local images are kept.
    """
    out: list[str] = []
    in_link = 0
    for i, token in enumerate(_TAG.split(fragment)):
        if i % 2 == 0 or not _IMG_TAG.fullmatch(token):
            if i % 2:
                name = _TAG_NAME.match(token)
                if name and name.group(2).lower() == "a":
                    in_link = max(0, in_link + (-1 if name.group(1) else 1))
            out.append(token)
            continue
        attributes = _attributes(token)
        remote = remote_image(attributes.get("src", ""))
        if remote is None:
            out.append(token)
            continue
        url, host = remote
        if not url:
            continue
        if keep:
            out.append(token)
            continue
        alt = _SPACE.sub(" ", attributes.get("alt", "")).strip()
        label = text(f"Image: {alt} ({host})" if alt else f"Image ({host})")
        if in_link:
            out.append(f'<span class="bf-remote-image">{label}</span>')
        else:
            out.append(
                f'<a href="{attr(url)}" class="bf-remote-image" '
                f'rel="noopener noreferrer nofollow">{label}</a>'
            )
    return "".join(out)


def remote_images_in(body: str, first_line: int, publish: str) -> list[tuple[int, str]]:
    """``(line, host)`` of every image from another host in the published part of a body;
    the host is ``""`` when the URL names no usable one (the page drops that image).

    For ``briefing check``: the body is converted as the page converts it (so only
    images a page would show count), but only when its text could hold an image.
    """
    if publish == "summary":
        return []
    published = first_paragraph(body) if publish == "excerpt" else body
    if "![" not in published and "<img" not in published.lower():
        return []
    start = body.find(published)
    found: list[tuple[int, str]] = []
    pos = 0
    for tag in _IMG_TAG.findall(_sanitised_html(published)):
        src = _attributes(tag).get("src", "")
        remote = remote_image(src)
        if remote is None:
            continue
        host = remote[1]
        at = published.find(src, pos) if src else -1
        if at < 0 and host:
            at = published.find(host, pos)
        if at >= 0:
            pos = at + 1
        offset = max(start, 0) + max(at, 0)
        found.append((first_line + body.count("\n", 0, offset), host))
    return found


def first_paragraph(body: str) -> str:
    """The first Markdown paragraph of a body (for ``publish: excerpt`` and default summaries)."""
    for block in re.split(r"\n\s*\n", body.strip()):
        stripped = block.strip()
        if stripped and not stripped.startswith(("#", "```", "~~~", "<!--", "|", "    ")):
            return stripped
    return ""


_PLAIN: markdown.Markdown | None = None


#: Anything that can make Markdown's output differ from the text itself: inline syntax,
#: character references, raw HTML, block markers at a line's start, setext underlines.
_MARKDOWN_SYNTAX = re.compile(
    r"[\\`*_\[\]<>&!#|~{}\r\x0b\x0c]|^[ \t]*(?:[-+*>]|\d+[.)])(?:\s|$)|^[ \t]*[=-]+[ \t]*$", re.M
)


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to one line of plain text (for summaries and feeds).

    Text with no Markdown syntax in it converts to itself, so it skips the converter
    (every briefing's summary is worked out on every build; a test checks both ways agree).
    """
    if not _MARKDOWN_SYNTAX.search(markdown_text):
        return re.sub(r"\s+", " ", markdown_text).strip()
    return _converted_plain_text(markdown_text)


def _converted_plain_text(markdown_text: str) -> str:
    global _PLAIN
    if _PLAIN is None:  # one converter, reused: making one costs more than converting
        _PLAIN = markdown.Markdown()
    rendered = _PLAIN.reset().convert(markdown_text)
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


#: Names matched as written, by their text; names matched in any case, by their casefolded
#: text (with the name as written, for the order of two that both match).
_Exact = dict[str, str]
_Folded = dict[str, tuple[str, str]]


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
        # Names that share a first word ("Government of …", "The … Times": hundreds in a
        # large registry) are looked up by length and text, not tried one by one.
        self._by_length: dict[str, list[tuple[int, _Exact, _Folded]]] = {}
        for word, candidates in self._by_word.items():
            lengths: dict[int, tuple[_Exact, _Folded]] = {}
            for surface, entity_id, exact in candidates:
                same, folded = lengths.setdefault(len(surface), ({}, {}))
                if exact:
                    same[surface] = entity_id
                else:
                    folded[surface.casefold()] = (surface, entity_id)
            self._by_length[word] = [(n, *lengths[n]) for n in sorted(lengths, reverse=True)]
        for chars in self._by_char.values():
            chars.sort(key=lambda c: (-len(c[0]), c[0]))
        # CJK names are found by their first character, with one scan of the text.
        self._first_chars = (
            re.compile("[" + re.escape("".join(sorted(self._by_char))) + "]")
            if self._by_char
            else None
        )

    def find(self, content: str) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, entity_id)`` matches, leftmost and longest first."""
        found: list[tuple[int, int, str]] = []
        if self._by_word:
            folded = content.casefold()
            aligned = len(folded) == len(content)  # casefolding can change lengths ("ß" → "ss")
            by_length = self._by_length
            for m in _WORD.finditer(folded if aligned else content):
                key = m.group() if aligned else m.group().casefold()
                lengths = by_length.get(key)
                if lengths is None:
                    continue
                start = m.start()
                for n, same, casefolded in lengths:
                    end = start + n
                    if not (
                        end >= len(content) or not _word_char(content[end]) or _is_cjk(content[end])
                    ):
                        continue
                    text = content[start:end]
                    exact_id = same.get(text)
                    loose = casefolded.get(folded[start:end] if aligned else text.casefold())
                    if loose is not None and (exact_id is None or loose[0] < text):
                        # of two names that match, the first by text (names are tried
                        # longest first, then in text order)
                        exact_id = loose[1]
                    if exact_id is None:
                        continue
                    found.append((start, end, exact_id))
                    break
        if self._first_chars is not None:
            for m in self._first_chars.finditer(content):
                i = m.start()
                for surface, entity_id in self._by_char[m.group()]:
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
        """``(line, entity_id, surface)`` for mentions in a Markdown body, outside code.

        Code (fenced, indented, inline) is blanked out with spaces, keeping every
        offset, and the whole body is searched at once: one search per body instead
        of one per line.
        """
        lines = body.split("\n")
        fenced = False
        for i, line in enumerate(lines):
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
                lines[i] = " " * len(line)
            elif fenced or line.startswith("    "):
                lines[i] = " " * len(line)
        text = _INLINE_CODE.sub(lambda m: " " * len(m.group()), "\n".join(lines))
        starts = [0]
        starts.extend(m.end() for m in _NEWLINE.finditer(text))
        for start, end, entity_id in self.find(text):
            yield first_line + bisect.bisect_right(starts, start) - 1, entity_id, text[start:end]


_INLINE_CODE = re.compile(r"`[^`\n]*`")
_NEWLINE = re.compile("\n")


_SKIP = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "samp", "script", "style"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}


#: A tag of sanitised HTML; quoted attribute values may hold ``>``.
_TAG = re.compile(r"""(<(?:[^>"']|"[^"]*"|'[^']*')*>)""")
_TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")


def link_mentions(
    fragment: str, finder: MentionFinder, url_for: Callable[[str], tuple[str, str] | None]
) -> str:
    """Link the first mention of each entity in sanitised HTML, outside links, code and headings.

    ``fragment`` comes from :func:`sanitise`, so it is well-formed; it is split into
    tags and text with one regular expression rather than a full HTML parser, which
    is several times faster on a large project.  Text is re-escaped on the way out
    and braces become character references, so template syntax stays inert.
    """
    out: list[str] = []
    stack: list[str] = []
    skipping = 0
    linked: set[str] = set()
    for i, token in enumerate(_TAG.split(fragment)):
        if i % 2:  # a tag
            out.append(token.replace("{", "&#123;").replace("}", "&#125;"))
            m = _TAG_NAME.match(token)
            if not m:
                continue
            closing, name = m.group(1) == "/", m.group(2).lower()
            if closing:
                if name in stack:
                    while stack:
                        popped = stack.pop()
                        skipping -= popped in _SKIP
                        if popped == name:
                            break
            elif name not in _VOID and not token.endswith("/>"):
                stack.append(name)
                skipping += name in _SKIP
            continue
        if not token:
            continue
        data = html.unescape(token)
        if skipping:
            out.append(text(data))
            continue
        pos = 0
        for start, end, entity_id in finder.find(data):
            if entity_id in linked:
                continue
            target = url_for(entity_id)
            if target is None:
                continue
            url, title = target
            linked.add(entity_id)
            out.append(text(data[pos:start]))
            out.append(
                f'<a class="bf-mention" href="{attr(url)}" title="{attr(title)}">'
                f"{text(data[start:end])}</a>"
            )
            pos = end
        out.append(text(data[pos:]))
    return "".join(out)
