"""``briefing serve`` end to end: a process of its own, a browser's requests, an edit.

The preview's HTTP server runs in a process of its own, so that the builder's
process has no thread but its own when a build forks (a thread answering a
browser may hold a lock the forked child would then wait on forever).  These tests
start ``briefing serve`` as a user does, ask for pages and the reload long poll as
a page does, edit a seed and see the new page.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import MakeProject

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

ENTITIES = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/entities/nvidia.yml": "name: Nvidia\ntype: company\n",
}
SEED = "seeds/2025/chips.md"


def seed(title: str) -> str:
    return (
        f"---\ntitle: {title}\ndate: 2025-09-11\nsource: reuters\nentities: [nvidia]\n"
        "---\nNvidia makes chips.\n"
    )


class Served:
    def __init__(self, process: subprocess.Popen[str], url: str, root: Path) -> None:
        self.process, self.url, self.root = process, url, root

    def get(self, path: str, timeout: float = 30) -> str:
        with urllib.request.urlopen(self.url + path, timeout=timeout) as answer:
            return str(answer.read().decode("utf-8"))


@pytest.fixture
def served(make_project: MakeProject) -> Iterator[Served]:
    root = make_project({**ENTITIES, SEED: seed("Chips, first told")})
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "-C", str(root), "serve", "--port", "0"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        # Ctrl-C as in a terminal, even when the tests themselves run in the background
        # (a shell starts background jobs with SIGINT ignored, and children inherit that)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stderr is not None
    url = None
    deadline = time.monotonic() + 240
    lines = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"Serving on (http://\S+)", line)
        if found:
            url = found.group(1)
            break
    assert url, "".join(lines)
    try:
        yield Served(process, url, root)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise


def _children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        found += [int(n) for n in text.split()]
    return found


def _threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def test_serve_shows_an_edit_and_builds_without_threads(served: Served) -> None:
    page = served.get("briefings/chips/")
    assert "Chips, first told" in page and ".briefing/reload" in page
    version = int(re.search(r'data-version="(\d+)"', page).group(1))  # type: ignore[union-attr]
    # the builder's process: one thread (the HTTP server lives in a child process)
    assert _threads(served.process.pid) == 1
    (served.root / SEED).write_text(seed("Chips, told again"), encoding="utf-8")
    answered = int(served.get(f".briefing/reload?since={version}", timeout=120))
    assert answered > version
    deadline = time.monotonic() + 120
    while "Chips, told again" not in served.get("briefings/chips/"):
        assert time.monotonic() < deadline, "the edit never showed"
        time.sleep(0.2)
    # after the build, still no thread but the builder's own: the next one may fork
    deadline = time.monotonic() + 30
    while _threads(served.process.pid) != 1:
        assert time.monotonic() < deadline, "a thread outlived the build"
        time.sleep(0.1)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_serve_stops_cleanly(served: Served, stop: signal.Signals) -> None:
    """Ctrl-C or a TERM ends the builder and its HTTP server, with no traceback."""
    children = _children(served.process.pid)
    assert children, "the HTTP server runs in a process of its own"
    served.process.send_signal(stop)
    assert served.process.wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in children):
        assert time.monotonic() < deadline, "the HTTP server outlived serve"
        time.sleep(0.1)
    assert served.process.stderr is not None
    rest = served.process.stderr.read()
    assert "Traceback" not in rest, rest


def test_a_port_in_use_is_one_clear_line(make_project: MakeProject) -> None:
    import socket

    root = make_project({**ENTITIES, SEED: seed("Chips")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "generator", "-C", str(root), "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=240,
            env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        )
    assert done.returncode == 2, done.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
