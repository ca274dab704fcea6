"""A briefing project on disk: where things are and what its settings say.

The site settings live in the project's ordinary ``mkdocs.yml``; the generator's
own options sit under ``extra: briefing:`` so that one file configures both.
This module reads that file without importing MkDocs (it may hold tags such as
``!!python/name:`` that only MkDocs resolves, which are ignored here).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .settings import BUILDERS, DEFAULT_MAX_BYTES, REMOTE_IMAGE_MODES, SiteInfo

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class UsageError(Exception):
    """Wrong usage or a missing dependency: exit code 2, one clear sentence."""


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for the few plain settings the generator needs."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_LenientLoader.add_multi_constructor("", _ignore_tag)
_LenientLoader.add_multi_constructor("!", _ignore_tag)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def _remote_images(options: dict[str, Any]) -> str:
    """``extra.briefing.remote_images``: what pages do with images from other hosts."""
    value = options.get("remote_images", "link")
    if value not in REMOTE_IMAGE_MODES:
        raise UsageError(
            "extra.briefing.remote_images in mkdocs.yml must be link (images from other "
            f"hosts are shown as links, the default) or keep (they are loaded), not {value!r}"
        )
    return str(value)


def _builder(options: dict[str, Any]) -> str | None:
    """``extra.briefing.builder``: the site builder to run; None lets the adapter choose."""
    value = options.get("builder")
    if value is not None and value not in BUILDERS:
        raise UsageError(
            f"extra.briefing.builder in mkdocs.yml must be one of {', '.join(BUILDERS)}, "
            f"not {value!r}"
        )
    return None if value is None else str(value)


@dataclass(frozen=True)
class Feed:
    """A feed ``briefing import --feeds`` reads, and the source its items get."""

    url: str
    source: str


def _feeds(options: dict[str, Any]) -> tuple[Feed, ...]:
    """``extra.briefing.feeds``: ``[{url: https://…, source: entity-id}, …]``."""
    value = options.get("feeds") or []
    example = "feeds: [{url: https://example.org/feed.xml, source: example-wire}]"
    if not isinstance(value, list):
        raise UsageError(f"extra.briefing.feeds in mkdocs.yml must be a list, e.g. {example}")
    found = []
    for n, entry in enumerate(value, 1):
        url = entry.get("url") if isinstance(entry, dict) else None
        source = entry.get("source") if isinstance(entry, dict) else None
        if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            raise UsageError(
                f"extra.briefing.feeds item {n} in mkdocs.yml needs an http(s) url, e.g. {example}"
            )
        if not isinstance(source, str) or not source:
            raise UsageError(
                f"extra.briefing.feeds item {n} in mkdocs.yml needs the source its items get "
                f"(an entity id), e.g. {example}"
            )
        found.append(Feed(url, source))
    return tuple(found)


def _on_or_off(options: dict[str, Any], name: str, default: bool = True) -> bool:
    value = options.get(name, default)
    if not isinstance(value, bool):
        raise UsageError(
            f"extra.briefing.{name} in mkdocs.yml must be true or false, not {value!r}"
        )
    return value


@dataclass(frozen=True)
class Project:
    """The folders and settings of one briefing project."""

    root: Path
    config_file: Path
    docs_dir: Path
    site_dir: Path
    seeds_dir: Path
    dist_dir: Path
    site: SiteInfo
    max_file_bytes: int
    settings: dict[str, Any]
    #: ``extra.briefing.builder`` (mkdocs, properdocs or zensical), None when not set
    builder: str | None = None
    #: ``extra.briefing.search_shard_records``: records per search shard, None for the default
    search_shard_records: int | None = None
    #: ``extra.briefing.feeds``: what ``briefing import --feeds`` reads
    feeds: tuple[Feed, ...] = ()
    #: ``extra.briefing.content_security_policy``: every page carries one (default: yes)
    content_security_policy: bool = True

    @classmethod
    def open(cls, root: Path) -> Project:
        root = root.resolve()
        if not root.is_dir():
            raise UsageError(f"{root} is not a folder")
        config_file = next((root / n for n in CONFIG_NAMES if (root / n).is_file()), None)
        if config_file is None:
            raise UsageError(
                f"no mkdocs.yml in {root}: run briefing in a briefing project's root, or pass -C DIR"
            )
        try:
            settings = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_LenientLoader)
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise UsageError(f"{config_file.name} cannot be read: {exc}") from None
        if not isinstance(settings, dict):
            raise UsageError(f"{config_file.name} is not a mapping of settings")
        extra = settings.get("extra") or {}
        options = extra.get("briefing") or {} if isinstance(extra, dict) else {}
        docs_dir = (root / str(settings.get("docs_dir") or "docs")).resolve()
        site_dir = (root / str(settings.get("site_dir") or "site")).resolve()
        seeds_dir = (root / str(options.get("seeds_dir") or "seeds")).resolve()
        for a, b, what in (
            (docs_dir, site_dir, "docs_dir and site_dir"),
            (seeds_dir, docs_dir, "seeds and docs_dir"),
            (seeds_dir, site_dir, "seeds and site_dir"),
        ):
            if a == b or a in b.parents or b in a.parents:
                raise UsageError(f"{what} overlap ({a} / {b}); keep sources and output apart")
        if root not in docs_dir.parents or root not in site_dir.parents:
            raise UsageError("docs_dir and site_dir must be folders inside the project")
        site = SiteInfo(
            name=str(settings.get("site_name") or "Briefing"),
            description=str(settings.get("site_description") or ""),
            directory_urls=bool(settings.get("use_directory_urls", True)),
            url=str(settings["site_url"]) if settings.get("site_url") else None,
            remote_images=_remote_images(options),
        )
        max_bytes = options.get("max_file_bytes", DEFAULT_MAX_BYTES)
        if not isinstance(max_bytes, int) or max_bytes <= 0:
            raise UsageError(
                "extra.briefing.max_file_bytes in mkdocs.yml must be a positive number"
            )
        shard_records = options.get("search_shard_records")
        if shard_records is not None and (
            not isinstance(shard_records, int)
            or isinstance(shard_records, bool)
            or shard_records < 1
        ):
            raise UsageError(
                "extra.briefing.search_shard_records in mkdocs.yml must be a positive number "
                "(records per search shard; fewer rebuild faster, more download less)"
            )
        return cls(
            root=root,
            config_file=config_file,
            docs_dir=docs_dir,
            site_dir=site_dir,
            seeds_dir=seeds_dir,
            dist_dir=root / "dist",
            site=site,
            max_file_bytes=max_bytes,
            settings=settings,
            builder=_builder(options),
            search_shard_records=shard_records,
            feeds=_feeds(options),
            content_security_policy=_on_or_off(options, "content_security_policy"),
        )
