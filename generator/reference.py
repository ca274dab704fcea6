"""Reference material generated from the code, so that it cannot drift from it.

* ``generator/schemas/seed.schema.json`` and ``entity.schema.json``: JSON Schemas
  of the seed front-matter and entity files, from the same models the validator
  uses, for editors (autocomplete and validation as you type);
* ``docs/reference/formats.md``: the seed and entity reference, from those models;
* ``docs/reference/cli.md``: the command reference, from ``briefing --help``.

``python -m generator.reference`` rewrites them; a test fails when the committed
copies differ from what the code gives.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .schema import NESTED, EntityIn, RelationIn, SeedIn

PACKAGE = Path(__file__).resolve().parent


def editor_schemas() -> dict[str, str]:
    """The JSON Schemas, keyed by path relative to the project root."""
    out = {}
    for name, model in (("seed", SeedIn), ("entity", EntityIn)):
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://briefing.invalid/schemas/{name}.schema.json",
            **model.model_json_schema(),
        }
        out[f"generator/schemas/{name}.schema.json"] = (
            json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        )
    return out


def _type_of(info: Any) -> str:
    annotation = str(info.annotation)
    if "list" in annotation:
        return "list"
    if "dict" in annotation:
        return "mapping"
    if info.annotation is bool:
        return "true / false"
    return "text"


def _table(model: type[BaseModel]) -> list[str]:
    rows = ["| Key | Required | Type | Meaning |", "| --- | --- | --- | --- |"]
    for key, info in model.model_fields.items():
        required = "yes" if info.is_required() else ""
        kind = _type_of(info)
        if key in NESTED and kind == "list":
            kind = f"list of {NESTED[key].__name__.removesuffix('In').lower()}s"
        if key == "date":
            kind = "date" if model is SeedIn else "fuzzy date"
        default = (
            ""
            if info.is_required() or info.default in (None, [], {})
            else f" Default: `{json.dumps(info.default)}`."
        )
        rows.append(f"| `{key}` | {required} | {kind} | {info.description or ''}{default} |")
    return rows


def formats_page() -> str:
    lines = [
        "# Seed and entity reference",
        "",
        "Generated from the validator's own models (`generator/schema.py`); "
        "`python -m generator.reference` refreshes this page.",
        "",
        "A single value is accepted where a list is expected (`tags: ai-chips`). Unknown keys are "
        "errors, with a suggestion for near misses. Ids and slugs use lower-case letters, digits "
        "and hyphens.",
        "",
        "## Seed front-matter",
        "",
        "A seed is `seeds/**/<slug>.md`: YAML front-matter between `---` lines, then the article "
        "body in Markdown. The file name gives the briefing's slug and permanent URL.",
        "",
        *_table(SeedIn),
    ]
    for key in ("events", "claims", "quotes"):
        model = NESTED[key]
        lines += [
            "",
            f"### Each item of `{key}`",
            "",
            (model.__doc__ or "").strip(),
            "",
            *_table(model),
        ]
    lines += [
        "",
        "## Fuzzy dates",
        "",
        "| Form | Example | Meaning | Shown as |",
        "| --- | --- | --- | --- |",
        "| day, month, year | `2025-09-11`, `2025-08`, `2025` | that day / month / year | 11 September 2025 |",
        "| part of a year or month | `early 2025`, `mid 2025`, `late 2025-08` | first, middle, last third | Late August 2025 |",
        "| quarter | `2025-Q3` | July–September | Q3 2025 |",
        "| approximate / uncertain | `2025-08~`, `2025-08?`, `2025-08%` | as in EDTF | c. August 2025 |",
        "| interval | `2025-08/2025-09`, `2025-08/..`, `../2025-09` | from / to | August – September 2025 |",
        "",
        "Events are ordered by earliest possible date, then latest possible date, then title.",
        "",
        "## Entity files",
        "",
        "An entity is `seeds/entities/<id>.yml`; the file name gives its id.",
        "",
        *_table(EntityIn),
        "",
        "### Each item of `relations`",
        "",
        *_table(RelationIn),
        "",
        "## Editor support",
        "",
        "JSON Schemas of both formats ship in `generator/schemas/`. With the YAML extension of "
        "VS Code (or any editor using yaml-language-server), this repository's "
        "`.vscode/settings.json` maps `seed.schema.json` to nothing (front-matter lives inside "
        "Markdown) and `entity.schema.json` to `seeds/entities/*.yml`, so entity files autocomplete "
        "and validate as you type. For seed front-matter, run `briefing check` (it prints "
        "`path:line: field: message` lines that editors and CI turn into annotations; "
        "`--format json` gives them as JSON).",
        "",
    ]
    return "\n".join(lines)


def cli_page() -> str:
    import os

    from .cli import make_parser

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal; fix the width for stable output
    try:
        return _cli_page(make_parser())
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved


def _cli_page(parser: argparse.ArgumentParser) -> str:
    lines = [
        "# Command reference",
        "",
        "Generated from `briefing --help`; `python -m generator.reference` refreshes this page.",
        "",
        "Exit codes: 0 success; 1 problems in the input, each printed as `path:line: field: message`; "
        "2 wrong usage or a failed dependency.",
        "",
        "```text",
        parser.format_help().rstrip(),
        "```",
    ]
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for action in subparsers:
        for name, sub in action.choices.items():
            lines += ["", f"## briefing {name}", "", "```text", sub.format_help().rstrip(), "```"]
            nested = [a for a in sub._actions if isinstance(a, argparse._SubParsersAction)]
            for inner in nested:
                for inner_name, inner_sub in inner.choices.items():
                    lines += [
                        "",
                        f"### briefing {name} {inner_name}",
                        "",
                        "```text",
                        inner_sub.format_help().rstrip(),
                        "```",
                    ]
    return "\n".join(lines) + "\n"


def generated(root: Path) -> dict[str, str]:
    """Every generated reference file, keyed by path relative to ``root``."""
    out = editor_schemas()
    out["docs/reference/formats.md"] = formats_page()
    out["docs/reference/cli.md"] = cli_page()
    return out


def main() -> int:
    root = PACKAGE.parent
    for rel, text in generated(root).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
