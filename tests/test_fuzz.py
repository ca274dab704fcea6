"""A bounded fuzzer for the loader: mutated seed and entity files must give problems, never crash.

Seeded and reproducible: ``FUZZ_SECONDS`` (default 20) bounds the time, ``FUZZ_SEED``
(default 0) picks the mutations.  Each iteration takes a real seed or entity file (the
example project's, plus a few hostile ones), mutates its bytes and

1. feeds the text to :func:`generator.yamlsafe.parse`: only :class:`YamlError` may come out;
2. writes the bytes into a throw-away project and runs :func:`generator.load.load`: it must
   not raise, and every problem must be a well-formed ``path:line: field: message``;
3. when the whole project then passes :func:`generator.pipeline.check`, renders every page
   with :func:`generator.pipeline.render`: accepted input must render.

Every distinct failure (exception type and where it was raised) is kept with the first
input that caused it, printed, and fails the test.  Run with ``-s`` to see the statistics::

    FUZZ_SECONDS=300 .venv/bin/pytest tests/test_fuzz.py -s
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator import yamlsafe
from generator.load import load
from generator.pipeline import check, render
from generator.problems import Problems
from generator.project import Project
from tests.helpers import ROOT, write_project

FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "20"))
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "0"))

#: ``path:line: field: message`` on one line; the field holds no ": " (or the line is ambiguous).
PROBLEM_LINE = re.compile(r"^\S[^\n]*?:[1-9]\d*: (?:(?!: )[^\n])+: [^\n]+$")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def line_defect(line: str) -> str | None:
    """Why a problem line is not one clean line, or None."""
    if "\n" in line or "\r" in line:
        return "a line break inside one problem"
    if CONTROL.search(line):
        return "a control character in a problem line"
    if not PROBLEM_LINE.match(line):
        return "not path:line: field: message (': ' or nothing in the field)"
    return None


#: Byte strings that mean something to YAML, Markdown, front-matter or UTF-8.
TOKENS = [
    b"---\n",
    b"...\n",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b" ",
    b": ",
    b"- ",
    b"? ",
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b"&a ",
    b"*a",
    b"&b [*a, *a, *a, *a]",
    b"!!",
    b"!!python/object/apply:os.system ",
    b"!!binary ",
    b"!!int ",
    b"!!bool ",
    b"!!null ",
    b"!custom ",
    b"<<: ",
    b"%YAML 1.2\n",
    b"%TAG ! tag:x,2000:\n",
    b"|\n  ",
    b">-\n  ",
    b"'",
    b'"',
    b"\\",
    b"\\x7f",
    b"\\u0000",
    b"\\U0010ffff",
    b"#",
    b"~",
    b"null",
    b"true",
    b"NO",
    b"0x1F",
    b"010",
    b"12:30:00",
    b"2025-13",
    b"9999",
    b"../",
    b"index",
    b"javascript:",
    b"<script>",
    b"{{ config }}",
    b"\x00",
    b"\x01",
    b"\x7f",
    b"\x85",
    b"\xc2\x80",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
    b"\xef\xbf\xbe",
    b"\xff",
    b"\xc0\xaf",
    b"\xed\xa0\x80",
    "百度".encode(),
    "é".encode(),
    "e\u0301".encode(),
    b"[" * 50,
    b"{" * 50,
    b"- " * 30,
    b"  " * 30,
]

HOSTILE_SEEDS = [
    b'---\ntitle: "a\\x7fb"\ndate: 2025-09-11\nsource: reuters\n---\nBody.\n',
    b"---\ntitle: x\ndate: 2025-09-11\nsource: reuters\nevents:\n  - {date: '9999', title: y}\n---\n",
    b"---\ntitle: x\ndate: 2025-09-11\nsource: reuters\nkey_points: &a [a, a]\nb: [*a, *a]\n---\n",
    b"---\n? [a]\n: b\n---\n",
]


@dataclass(frozen=True)
class Sample:
    kind: str  # "seed" or "entity"
    data: bytes


def corpus() -> list[Sample]:
    samples = [Sample("seed", p.read_bytes()) for p in sorted((ROOT / "seeds").rglob("*.md"))]
    samples += [
        Sample("entity", p.read_bytes()) for p in sorted((ROOT / "seeds/entities").glob("*.yml"))
    ]
    samples += [Sample("seed", data) for data in HOSTILE_SEEDS]
    return samples


def mutate(rng: random.Random, data: bytes, others: list[Sample]) -> bytes:
    """One to eight random edits: flips, token inserts, deletions, duplications, splices."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(out))
        action = rng.randrange(7)
        if action == 0 and out:
            i = rng.randrange(len(out))
            out[i] ^= 1 << rng.randrange(8)
        elif action in (1, 2):
            out[at:at] = rng.choice(TOKENS)
        elif action == 3 and out:
            del out[at : at + rng.randint(1, 16)]
        elif action == 4 and out:
            chunk = bytes(out[at : at + rng.randint(1, 64)])
            out[at:at] = chunk * rng.randint(1, 8)
        elif action == 5:
            other = rng.choice(others).data
            start = rng.randrange(max(len(other), 1))
            out[at:at] = other[start : start + rng.randint(1, 200)]
        else:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    return bytes(out[:200_000])


@dataclass
class Findings:
    iterations: int = 0
    parsed: int = 0
    yaml_errors: int = 0
    loaded_clean: int = 0
    rendered: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    failures: dict[str, tuple[str, bytes]] = field(default_factory=dict)

    def fail(self, stage: str, exc: BaseException, data: bytes) -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
        detail = "" if frames else f" ({str(exc).split(':', 3)[-1][:60].strip()})"
        key = f"{stage}: {type(exc).__name__}{where}{detail}"
        self.failures.setdefault(key, (f"{exc}"[:200], data[:400]))


def _fresh_project(base: Path) -> Path:
    if base.exists():
        shutil.rmtree(base)
    return write_project(
        base,
        {
            "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
            "seeds/entities/nvidia.yml": "name: Nvidia\ntype: company\n",
        },
    )


def run_one(sample: Sample, data: bytes, root: Path, found: Findings) -> None:
    found.iterations += 1
    text = data.decode("utf-8", "replace")
    try:
        yamlsafe.parse(text)
        found.parsed += 1
    except yamlsafe.YamlError as exc:
        found.yaml_errors += 1
        assert isinstance(exc.line, int) and exc.line >= 1
    except Exception as exc:
        found.fail("yamlsafe.parse", exc, data)

    target = root / (
        "seeds/entities/fuzzed.yml" if sample.kind == "entity" else "seeds/2025/fuzzed.md"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    problems = Problems()
    try:
        load(root, root / "seeds", problems)
    except Exception as exc:
        found.fail("load", exc, data)
        return
    for p in problems:
        found.problems[p.field.split("[")[0].split(".")[0]] += 1
        defect = line_defect(str(p))
        if defect:
            found.failures.setdefault(f"problem line: {defect}", (repr(str(p))[:300], data[:400]))
    if problems.errors:
        return
    found.loaded_clean += 1
    try:
        project = Project.open(root)
        checked = check(project)
        if checked.corpus is not None:
            render(project, checked.corpus)
            found.rendered += 1
    except Exception as exc:
        found.fail("check/render", exc, data)


def test_loader_survives_mutated_files(tmp_path: Path) -> None:
    rng = random.Random(FUZZ_SEED)
    samples = corpus()
    root = _fresh_project(tmp_path / "project")
    found = Findings()
    deadline = time.monotonic() + FUZZ_SECONDS
    while time.monotonic() < deadline:
        sample = rng.choice(samples)
        data = (
            mutate(rng, sample.data, samples)
            if rng.random() < 0.9
            else bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))
        )
        run_one(sample, data, root, found)
        for stray in ("seeds/entities/fuzzed.yml", "seeds/2025/fuzzed.md"):
            (root / stray).unlink(missing_ok=True)

    print(
        f"\nfuzz: seed {FUZZ_SEED}, {FUZZ_SECONDS:.0f} s, {found.iterations} inputs, "
        f"{found.parsed} parsed as YAML, {found.yaml_errors} YAML errors, "
        f"{found.loaded_clean} loaded without errors, {found.rendered} rendered"
    )
    print("fuzz: problems by field:", dict(found.problems.most_common(12)))
    for key, (message, data) in found.failures.items():
        print(f"fuzz: FAILURE {key}: {message}\n      input: {data!r}")
    assert found.iterations > 0
    assert not found.failures, "\n".join(
        f"{key}: {message} (input {data[:120]!r})"
        for key, (message, data) in found.failures.items()
    )
