"""``briefing bundle``: the public site as one zip file that opens from disk.

The bundle's pages use ``.html`` URLs and search from disk (Material's offline
plugin with the package's own shim instead of a script from a CDN).  ``docs/`` and
``site/`` are not touched.
"""

from __future__ import annotations

import datetime
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import csp, memory, offline_assets, search, staging
from .cache import Store
from .checking import Checked, check
from .paths import suggest_slug
from .pipeline import plan, save_site_memo, site_build, source_date_epoch, stage
from .progress import SILENT, Progress
from .project import Project, UsageError
from .write import MANIFEST, update_site


@dataclass
class Bundled:
    checked: Checked
    archive: Path | None = None
    files: int = 0


OFFLINE_SHIM = "assets/javascripts/iframe-worker-shim.js"


@staging.locked
def bundle(
    project: Project,
    *,
    strict: bool = False,
    verbose: bool = False,
    progress: Progress = SILENT,
    cache: bool = True,
) -> Bundled:
    """An offline copy of the public site (``.html`` URLs, search from disk) as one zip file.

    ``docs/`` and ``site/`` are not touched.  The bundle's site is kept in the cache
    (``.cache/briefing/bundle-site/``) so that the next bundle reuses its unchanged pages.
    """
    try:
        shim = offline_assets.shim()  # shipped in the package, checked against its SHA-256
    except offline_assets.AssetError as exc:
        raise UsageError(str(exc)) from None
    store = Store(project.root, enabled=cache)
    checked = check(project, drafts=False, progress=progress, store=store)
    planned = plan(project, checked, strict, directory_urls=False, progress=progress)
    if planned is None or checked.corpus is None:
        return Bundled(checked)
    pages, managed = planned.pages, planned.managed
    digests = planned.digests
    del planned
    name = f"{suggest_slug(project.site.name) or 'site'}-offline"
    epoch = source_date_epoch(checked.corpus)
    kept_site = store.folder / "bundle-site" if store.enabled else None
    with staging.workspace(project) as scratch:
        # The bundle's pages laid over docs/, whose own generated pages are left out.
        staged_docs = stage(
            project, pages, managed, scratch, progress, extra_files={OFFLINE_SHIM: shim}, full=False
        )
        del pages  # as in build: MkDocs' peak, not MkDocs' plus ours
        checked = checked.without_model()
        memory.release()
        plugins = list(project.settings.get("plugins") or ["search"])
        if not any(
            (p if isinstance(p, str) else next(iter(p), "")) in ("offline", "material/offline")
            for p in plugins
        ):
            plugins.append("offline")
        extra = dict(project.settings.get("extra") or {})
        extra["polyfills"] = [OFFLINE_SHIM]
        staged_site = scratch / name
        report = site_build(
            project,
            project.docs_dir,
            staged_site,
            epoch,
            strict=strict,
            verbose=verbose,
            progress=progress,
            directory_urls=False,
            overrides={"plugins": search.bundle_plugins(plugins), "extra": extra},
            generated=digests,
            store=store if kept_site is not None else None,
            variant="bundle",
            previous_site=kept_site if kept_site is not None and kept_site.is_dir() else None,
            overlay=staged_docs,
            hidden=frozenset(managed | {MANIFEST}),
            # no images from other hosts offline, no Pagefind; the worker shim's iframe
            csp=(
                csp.Options(remote_images=False, wasm=False, shim=shim.read_text(encoding="utf-8"))
                if project.content_security_policy
                else None
            ),
        )
        if kept_site is not None:
            update_site(staged_site, kept_site, report.kept, scratch)
            save_site_memo(store, "bundle", report)
            staged_site = kept_site
        project.dist_dir.mkdir(parents=True, exist_ok=True)
        archive = project.dist_dir / f"{name}.zip"
        count = write_zip(staged_site, archive, name, int(epoch))
    return Bundled(checked, archive, count)


def write_zip(folder: Path, archive: Path, prefix: str, epoch: int) -> int:
    """A byte-reproducible zip: sorted entries, fixed times and permissions; written atomically."""
    when = datetime.datetime.fromtimestamp(max(epoch, 315532800), tz=datetime.UTC).timetuple()[:6]
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    tmp = archive.with_name(archive.name + ".tmp")
    tmp.unlink(missing_ok=True)  # a fresh file, with the umask's mode, not a leftover's
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(
                f"{prefix}/{path.relative_to(folder).as_posix()}", date_time=when
            )
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    os.replace(tmp, archive)
    return len(files)
