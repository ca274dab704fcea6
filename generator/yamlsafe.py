"""Safe, bounded YAML that never changes what the author wrote.

Seeds come from outside contributors, so YAML is parsed into nodes and built
into Python values here, by hand, instead of by PyYAML's constructors:

* only plain data: strings, integers, true/false, null, lists and mappings;
  any other tag (``!!python/object``, ``!!binary``...) is refused;
* YAML 1.1's silent conversions are switched off: ``NO`` and ``on`` stay text,
  ``12:30:00`` is not a number of seconds, ``1.10`` is not ``1.1``, ``2025-09-11``
  is text (the schema parses dates itself), ``010`` is text, not octal;
* duplicate keys are an error, and nesting depth, node count (alias expansion)
  and file size are bounded;
* every value remembers its line, so that a schema error can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

MAX_DEPTH = 40
MAX_NODES = 50_000

Path_ = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Resolver(BaseResolver):
    """Resolves only the few plain scalars whose meaning is never in doubt."""


_Resolver.yaml_implicit_resolvers = {}
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9]{0,17})$")
_Resolver.add_implicit_resolver(_BOOL, _BOOL_RE, list("tTfF"))
_Resolver.add_implicit_resolver(_NULL, _NULL_RE, ["~", "n", "N", ""])
_Resolver.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))


class _PyLoader(Reader, Scanner, Parser, Composer, _Resolver):
    """The pure-Python parser: used only where PyYAML was built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)


try:  # libyaml scans, parses and composes far faster; our resolver still decides each scalar
    from yaml._yaml import CParser

    class _CLoader(CParser, _Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Resolver.__init__(self)

    _Loader: type = _CLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = _PyLoader


class YamlError(Exception):
    """A YAML problem with its 1-based line (relative to the parsed text) and field path."""

    def __init__(self, line: int, path: Path_, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.path = path
        self.message = message


@dataclass
class Document:
    """A parsed YAML document: the plain value and the line of every value in it."""

    value: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    #: the line map as the build cache keeps it (:func:`path_key` → line), used instead
    #: of ``lines`` when given: it loads without building a tuple for every value
    keyed: dict[str, int] | None = None

    def _line(self, path: Path_) -> int | None:
        if self.keyed is not None:
            line = self.keyed.get(path_key(path))
            return line if isinstance(line, int) else None
        return self.lines.get(path)

    def line_of(self, path: Path_) -> int:
        """The line of the value at ``path``, or of its nearest ancestor."""
        for end in range(len(path), -1, -1):
            line = self._line(path[:end])
            if line is not None:
                return line
        return 1

    def key_line(self, path: Path_) -> int:
        """The line of the *key* at ``path`` (for unknown keys); same as line_of otherwise."""
        line = self._line(("#key", *path))
        return self.line_of(path) if line is None else line

    def keyed_lines(self) -> dict[str, int]:
        """The line map keyed by :func:`path_key`, as the build cache keeps it."""
        if self.keyed is not None:
            return self.keyed
        return {path_key(path): line for path, line in self.lines.items()}


def path_key(path: Path_) -> str:
    """A path as text that tells ``1`` from ``"1"`` (its repr: cheap, and exact for text and integers)."""
    return repr(path)


def parse(text: str, *, first_line: int = 1) -> Document:
    """Parse one YAML document; lines are reported counting ``text``'s first line as ``first_line``."""
    offset = first_line
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + offset
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if "nesting depth" in problem:
            raise YamlError(line, (), f"nested more than {MAX_DEPTH} levels deep") from None
        raise YamlError(line, (), f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise YamlError(offset, (), f"invalid YAML: {exc}") from None
    except RecursionError:
        raise YamlError(offset, (), "YAML nested too deeply") from None
    doc = Document(None)
    if node is None:
        return doc
    builder = _Builder(doc, offset)
    doc.value = builder.build(node, (), 0)
    return doc


class _Builder:
    def __init__(self, doc: Document, offset: int) -> None:
        self.doc = doc
        self.offset = offset
        self.nodes = 0

    def build(self, node: yaml.Node, path: Path_, depth: int) -> Any:
        line = node.start_mark.line + self.offset
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlError(line, path, f"more than {MAX_NODES} values (alias expansion?)")
        if depth > MAX_DEPTH:
            raise YamlError(line, path, f"nested more than {MAX_DEPTH} levels deep")
        self.doc.lines.setdefault(path, line)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                raise YamlError(line, path, f"the YAML tag {node.tag!r} is not allowed")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != _MAP:
                raise YamlError(line, path, f"the YAML tag {node.tag!r} is not allowed")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + self.offset
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in (_STR, _INT):
                    raise YamlError(key_line, path, "a key must be plain text")
                if key_node.value == "<<" and not key_node.style:  # plain, not quoted
                    raise YamlError(key_line, path, "YAML merge keys ('<<') are not supported")
                key = str(key_node.value)
                if key in result:
                    first = self.doc.lines.get(("#key", *path, key), key_line)
                    raise YamlError(
                        key_line, (*path, key), f"duplicate key '{key}' (first on line {first})"
                    )
                self.doc.lines[("#key", *path, key)] = key_line
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        raise YamlError(line, path, "unsupported YAML node")  # pragma: no cover

    @staticmethod
    def _scalar(node: yaml.ScalarNode, path: Path_, line: int) -> Any:
        tag, value = node.tag, node.value
        if tag == _STR:
            return value
        # An explicit tag (``!!int abc``) must fit the same patterns as an implicit one.
        if tag == _INT and _INT_RE.match(value):
            return int(value)
        if tag == _BOOL and _BOOL_RE.match(value):
            return value.lower() == "true"
        if tag == _NULL and _NULL_RE.match(value):
            return None
        if tag in (_INT, _BOOL, _NULL):
            kind = tag.rsplit(":", 1)[-1]
            raise YamlError(line, path, f"'{value[:40]}' is not a valid {kind}")
        raise YamlError(line, path, f"the YAML tag {tag!r} is not allowed")
