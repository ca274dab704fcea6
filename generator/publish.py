"""Publishing to a Pages branch: the site at its root, pull-request previews beside it.

``python -m generator.publish site SITE --repo URL [--under pr-preview/12]`` puts a
built site on the branch (``gh-pages`` by default): at the root, keeping the
previews' folder, or in a folder of its own for a preview.  ``remove --under
pr-preview/12`` takes a preview away when its pull request closes.  ``comment``
writes the pull request's preview comment.  The workflows call these (pages.yml,
preview-publish.yml, preview-close.yml); the tests run them against a local bare
repository standing in for the Pages branch.

Each step clones the branch afresh, changes only its own folder, commits and pushes,
and tries again from a fresh clone if another publish pushed first; a step never
runs code from the site it publishes (it copies files).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: The folder of the branch that holds the previews, one folder per pull request.
PREVIEWS = "pr-preview"
#: The first line of the preview comment, by which it is found again and updated.
MARKER = "<!-- briefing-preview -->"
#: Tries before giving up when other publishes keep pushing first.
TRIES = 4
_FOLDER = re.compile(r"[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*")


class PublishFailed(Exception):
    """A git step failed; the message says which, in one line."""


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME", "briefing"),
        "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL", "briefing@users.noreply.github.com"),
        "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", "briefing"),
        "GIT_COMMITTER_EMAIL": os.environ.get(
            "GIT_COMMITTER_EMAIL", "briefing@users.noreply.github.com"
        ),
    }
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    if check and done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise PublishFailed(f"git {args[0]} failed: {detail[-1] if detail else done.returncode}")
    return done


def _checkout(repo: str, branch: str, into: Path) -> None:
    """The branch's newest commit in ``into``, or a new empty branch if it has none yet."""
    done = _git(
        into.parent,
        "clone",
        "--quiet",
        "--depth",
        "1",
        "--branch",
        branch,
        repo,
        into.name,
        check=False,
    )
    if done.returncode == 0:
        return
    shutil.rmtree(into, ignore_errors=True)
    _git(into.parent, "clone", "--quiet", "--depth", "1", repo, into.name, check=False)
    if not (into / ".git").is_dir():  # an empty repository
        into.mkdir(exist_ok=True)
        _git(into, "init", "--quiet")
        _git(into, "remote", "add", "origin", repo)
    _git(into, "checkout", "--quiet", "--orphan", branch)
    _git(into, "rm", "-r", "--quiet", "--cached", "--ignore-unmatch", ".")
    for child in into.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()


def _copy(site: Path, target: Path) -> None:
    for path in sorted(site.rglob("*")):
        if path.is_file() and not path.is_symlink():
            dest = target / path.relative_to(site)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)


def _clear(folder: Path, keep: set[str]) -> None:
    for child in folder.iterdir():
        if child.name == ".git" or child.name in keep:
            continue
        shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def _commit_and_push(work: Path, branch: str, message: str) -> bool:
    """Commit everything in ``work``; push.  False when another push came first."""
    _git(work, "add", "--all", ".")
    if not _git(work, "status", "--porcelain").stdout.strip():
        return True  # nothing to publish: the branch already holds these files
    _git(work, "commit", "--quiet", "-m", message)
    pushed = _git(work, "push", "--quiet", "origin", f"HEAD:refs/heads/{branch}", check=False)
    return pushed.returncode == 0


def _folder(under: str) -> str:
    if not _FOLDER.fullmatch(under) or ".." in under.split("/"):
        raise PublishFailed(f"not a plain folder inside the branch: {under!r}")
    return under


def publish(site: Path, repo: str, *, branch: str = "gh-pages", under: str | None = None) -> None:
    """Put ``site`` on ``branch``: at the root (the previews' folder stays) or at ``under``."""
    if not (site / "index.html").is_file():
        raise PublishFailed(f"{site} holds no built site (no index.html)")
    folder = _folder(under) if under else None
    for _ in range(TRIES):
        with tempfile.TemporaryDirectory(prefix="briefing-publish-") as tmp:
            work = Path(tmp) / "branch"
            _checkout(repo, branch, work)
            if folder is None:
                _clear(work, keep={PREVIEWS})
                _copy(site, work)
                message = "Publish the site"
            else:
                shutil.rmtree(work / folder, ignore_errors=True)
                _copy(site, work / folder)
                message = f"Publish the preview in {folder}/"
            (work / ".nojekyll").touch()  # serve folders starting with _ as they are
            if _commit_and_push(work, branch, message):
                return
    raise PublishFailed(f"could not push to {branch}: other publishes kept pushing first")


def remove(repo: str, under: str, *, branch: str = "gh-pages") -> bool:
    """Take the preview at ``under`` off ``branch``; False if it was not there."""
    folder = _folder(under)
    for _ in range(TRIES):
        with tempfile.TemporaryDirectory(prefix="briefing-publish-") as tmp:
            work = Path(tmp) / "branch"
            _checkout(repo, branch, work)
            if not (work / folder).exists():
                return False
            _git(work, "rm", "-r", "--quiet", folder)
            if _commit_and_push(work, branch, f"Remove the preview in {folder}/"):
                return True
    raise PublishFailed(f"could not push to {branch}: other publishes kept pushing first")


def comment(pr: int, url: str, diff: str, artifact: str | None = None) -> str:
    """The pull request's preview comment: where to see it, what it changes, the bundle."""
    parts = [
        MARKER,
        f"**Preview of #{pr}:** {url}",
        "",
        "What this change does to the tracker (`briefing diff`):",
        "",
        diff.strip() or "Nothing a reader sees changes.",
        "",
    ]
    if artifact:
        parts.append(f"The offline bundle (a zip that opens from disk): {artifact}")
    return "\n".join(parts).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.publish", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("site", help="put a built site on the Pages branch")
    p.add_argument("site", type=Path)
    p.add_argument("--repo", required=True, help="the repository to push to (URL or path)")
    p.add_argument("--branch", default="gh-pages")
    p.add_argument("--under", help="a folder of the branch (a preview's: pr-preview/12)")
    p = sub.add_parser("remove", help="take a preview off the Pages branch")
    p.add_argument("--repo", required=True)
    p.add_argument("--branch", default="gh-pages")
    p.add_argument("--under", required=True)
    p = sub.add_parser("comment", help="print the preview comment for a pull request")
    p.add_argument("--pr", type=int, required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--diff", type=Path, required=True, help="briefing diff --format markdown")
    p.add_argument("--artifact", help="where the offline bundle can be downloaded")
    args = parser.parse_args(argv)
    try:
        if args.command == "site":
            publish(args.site, args.repo, branch=args.branch, under=args.under)
            print(f"published {args.site} to {args.branch}/{args.under or ''}")
        elif args.command == "remove":
            gone = remove(args.repo, args.under, branch=args.branch)
            print(f"removed {args.under}/" if gone else f"no {args.under}/ to remove")
        else:
            text = args.diff.read_text(encoding="utf-8") if args.diff.is_file() else ""
            sys.stdout.write(comment(args.pr, args.url, text, args.artifact))
    except PublishFailed as exc:
        print(f"publish: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
