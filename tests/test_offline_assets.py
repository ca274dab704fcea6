"""The offline bundle's shim ships with the package: a fresh project bundles with no set-up step."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

from generator import offline_assets
from tests.conftest import MakeProject, RunCli

#: SHA-256 of ``package/shim/index.js`` in iframe-worker 1.0.4's npm tarball (whose
#: registry integrity is sha512-roeaaI+Lg1LJ…q7Q==), pinned here independently of the code.
SHIM_SHA256 = "e8e412dbcfea9b7e31b5ffa288d7b6035915e714c542f4176a0cdbe262fc9609"
ASSETS = Path(offline_assets.__file__).parent / "assets"

ENTITIES = {
    "seeds/entities/reuters.yml": "name: Reuters\ntype: media\n",
    "seeds/entities/nvidia.yml": "name: Nvidia\ntype: company\n",
}
SEED = """\
---
title: Nvidia ships a chip
date: 2025-05-01
source: reuters
entities: [nvidia]
---
Nvidia shipped a chip.
"""


def test_the_shipped_shim_is_the_pinned_npm_file() -> None:
    shim = ASSETS / "iframe-worker-shim.js"
    assert hashlib.sha256(shim.read_bytes()).hexdigest() == SHIM_SHA256
    assert offline_assets.SHIM_SHA256 == SHIM_SHA256
    assert offline_assets.shim() == shim


def test_the_licence_ships_beside_it() -> None:
    text = (ASSETS / "iframe-worker-LICENSE.txt").read_text(encoding="utf-8")
    assert "Copyright (c) 2020-2022 Martin Donath" in text
    assert "Permission is hereby granted, free of charge" in text


def test_a_fresh_project_bundles_without_a_setup_step(
    make_project: MakeProject, run_cli: RunCli
) -> None:
    """Before the shim shipped in the package this stopped with exit 2, 'run `make bundle`'."""
    root = make_project({**ENTITIES, "seeds/2025/2025-05-01-chip.md": SEED})
    assert not (root / ".cache").exists()
    code, out, err = run_cli(root, "bundle", "--strict")
    assert code == 0, out + err
    (archive,) = (root / "dist").glob("*-offline.zip")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        shim = next(n for n in names if n.endswith("assets/javascripts/iframe-worker-shim.js"))
        assert hashlib.sha256(zf.read(shim)).hexdigest() == SHIM_SHA256
        index = next(n for n in names if n.endswith("/index.html") and n.count("/") == 1)
        assert "iframe-worker-shim.js" in zf.read(index).decode()
    # Nothing is fetched or set up: the only thing written besides dist/ is the build
    # cache, briefing's own folder (the bundle's site, kept for the next bundle).
    assert sorted(p.name for p in (root / ".cache").iterdir()) == ["briefing"]


def test_an_altered_shim_stops_the_bundle_with_one_sentence(
    make_project: MakeProject, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    altered = tmp_path / "iframe-worker-shim.js"
    altered.write_text("alert(1)", encoding="utf-8")
    monkeypatch.setattr(offline_assets, "SHIM", altered)
    root = make_project({**ENTITIES, "seeds/2025/2025-05-01-chip.md": SEED})
    code, _out, err = run_cli(root, "bundle")
    assert code == 2
    assert "iframe-worker-shim.js does not match its pinned SHA-256" in err
    assert "python -m generator.offline_assets" in err
    assert "Traceback" not in err
    assert not (root / "dist").exists()


def _tarball(shim: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in (("package/shim/index.js", shim), ("package/LICENSE", b"MIT")):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@pytest.fixture
def fake_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The maintainer command against a stand-in registry, writing into a scratch assets/."""
    served: dict[str, bytes] = {}
    monkeypatch.setattr(
        offline_assets.urllib.request,
        "urlopen",
        lambda url, timeout: _Response(served[url]),
    )
    assets = tmp_path / "assets"
    monkeypatch.setattr(offline_assets, "ASSETS", assets)
    monkeypatch.setattr(offline_assets, "SHIM", assets / "shim.js")
    monkeypatch.setattr(offline_assets, "LICENSE", assets / "LICENSE.txt")
    monkeypatch.setattr(
        offline_assets,
        "MEMBERS",
        {"package/shim/index.js": assets / "shim.js", "package/LICENSE": assets / "LICENSE.txt"},
    )
    return served


def test_the_maintainer_command_refuses_a_tarball_that_fails_its_integrity(
    fake_registry: dict[str, bytes],
) -> None:
    fake_registry[offline_assets.TARBALL] = _tarball(b"tampered")
    with pytest.raises(offline_assets.AssetError, match="checksum mismatch"):
        offline_assets.fetch()
    assert not offline_assets.ASSETS.exists()


def test_the_maintainer_command_writes_a_checked_shim(
    fake_registry: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _tarball(b"shim")
    fake_registry[offline_assets.TARBALL] = data
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    monkeypatch.setattr(offline_assets, "INTEGRITY", integrity)
    with pytest.raises(offline_assets.AssetError, match="does not match its pinned SHA-256"):
        offline_assets.fetch()
    monkeypatch.setattr(offline_assets, "SHIM_SHA256", hashlib.sha256(b"shim").hexdigest())
    assert offline_assets.fetch().read_bytes() == b"shim"
    assert (offline_assets.ASSETS / "LICENSE.txt").read_bytes() == b"MIT"
