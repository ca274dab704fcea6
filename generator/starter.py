"""``briefing init``: a new project, the smallest that is complete.

The files come from ``generator/scaffold/`` (shipped with the package): ``mkdocs.yml``
with the settings the generated pages need and comments on what to change, the
stylesheet of the drawings, ``docs/about.md``, a sample briefing and its two entities
(marked as samples), the workflows that publish the site and its pull-request
previews and import feeds daily, and a README.  ``.gitignore`` is written from the
same list of generated paths the build uses (:func:`pages.ignore_lines`), and
``requirements.txt`` names this release of briefing for the workflows to install.
"""

from __future__ import annotations

import datetime
import json
import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from string import Template

from . import pages
from .project import CONFIG_NAMES, UsageError

#: Files the scaffold's text is filled in (``$title``, ``$site_url``, ``$today``, ``$month``).
_FILLED = (".yml", ".md")
#: Besides the generated ``docs/`` paths: what a build or a tool leaves in a project.
IGNORED = (
    "/site/",
    "/dist/",
    "/.cache/",
    "/.venv/",
    "/.briefing-staging*/",
    "/.briefing-trash*/",
    "__pycache__/",
)


def version() -> str:
    """This release of briefing."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("briefing")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "0+unknown"


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found = []
    for child in sorted(folder.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            found += _walk(child, rel + "/")
        elif child.name != "__pycache__" and not child.name.endswith(".pyc"):
            found.append((rel, child))
    return found


def files(title: str, site_url: str, today: datetime.date) -> dict[str, bytes]:
    """Every file of a new project: path → bytes."""
    values = {
        "title": title,
        "title_yaml": json.dumps(title, ensure_ascii=False),
        "site_url": site_url,
        "today": today.isoformat(),
        "month": today.strftime("%Y-%m"),
    }
    out: dict[str, bytes] = {}
    for rel, source in _walk(resources.files("generator") / "scaffold"):
        data = source.read_bytes()
        if rel.endswith(_FILLED):
            text = data.decode("utf-8")
            if rel == "mkdocs.yml":
                text = text.replace("site_name: $title", "site_name: $title_yaml")
            data = Template(text).safe_substitute(values).encode("utf-8")
        out[rel] = data
    # the sample briefing sits in its year's folder, as imported articles do
    sample = "seeds/samples/sample-chips-opens-a-plant.md"
    out[f"seeds/{today.year}/sample-chips-opens-a-plant.md"] = out.pop(sample)
    ignore = [
        "# what briefing build writes (pages.ignore_lines()) and what tools leave",
        *pages.ignore_lines("docs"),
        *IGNORED,
    ]
    out[".gitignore"] = ("\n".join(ignore) + "\n").encode("utf-8")
    out["requirements.txt"] = (
        "# The briefing release the workflows install: a version, a git URL\n"
        "# (briefing @ git+https://github.com/OWNER/briefing@TAG) or a wheel's address.\n"
        f"briefing=={version()}\n"
    ).encode()
    return out


def init(folder: Path, *, title: str | None = None, site_url: str | None = None) -> list[str]:
    """Write a new project into ``folder`` (made if missing); returns the files written.

    Refuses, writing nothing, when ``folder`` holds a project already or a file it
    would overwrite.
    """
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file, not a folder")
    existing = [n for n in CONFIG_NAMES if (folder / n).exists()]
    if existing:
        raise UsageError(
            f"{folder} already holds a project ({existing[0]}): briefing init starts a new one "
            "in a new or empty folder"
        )
    if site_url is not None and not site_url.startswith(("http://", "https://")):
        raise UsageError(f"--site-url must be an http(s) address, not {site_url!r}")
    name = title or _title_of(folder)
    made = files(name, _with_slash(site_url or "https://example.org/"), datetime.date.today())
    taken = sorted(rel for rel in made if os.path.lexists(folder / rel))
    if taken:
        shown = ", ".join(taken[:5]) + (f" and {len(taken) - 5} more" if len(taken) > 5 else "")
        raise UsageError(f"{folder} already has {shown}: move them away, or init another folder")
    for rel, data in made.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return sorted(made)


def _title_of(folder: Path) -> str:
    words = folder.name.replace("-", " ").replace("_", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Briefing"


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
