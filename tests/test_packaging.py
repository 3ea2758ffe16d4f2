"""The frozen bundle, run like an operator would: no virtualenv, no PYTHONPATH, no network.

Slow (run by ``make package``): uses the bundle packaging/build.py just made, or builds one when
there is none or the sources are newer than it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from fixture_data import DATA as FIXTURES, fate_small_rehearsal

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUNDLE_EXE = DIST / "bundle" / "lianmo" / "lianmo"
BUILD_INFO = DIST / "build-info.json"
FATE_SMALL = FIXTURES / "fate_small_hetero"


def _newest_source() -> float:
    files = [p for folder in ("app", "packaging", "resources") for p in (ROOT / folder).rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    return max(p.stat().st_mtime for p in files + [ROOT / "pyproject.toml"])


@pytest.fixture(scope="module")
def build_info() -> dict:
    if not BUILD_INFO.is_file() or not BUNDLE_EXE.is_file() or BUILD_INFO.stat().st_mtime < _newest_source():
        subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py")], check=True, cwd=ROOT)
    return json.loads(BUILD_INFO.read_text(encoding="utf-8"))


@pytest.fixture
def clean_env(tmp_path) -> dict:
    """What a fresh login on a workstation has: system PATH only, no Python configuration."""
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}


def frozen(exe: Path, env: dict, *args: str, cwd: Path, extra_env: dict | None = None,
           timeout: int = 600) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(exe), *args], env={**env, **(extra_env or {})}, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{args}: rc={proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def assert_self_check_passes(exe: Path, env: dict, cwd: Path) -> str:
    out = frozen(exe, env, "--self-check", cwd=cwd).stdout
    assert out.splitlines()[-1] == "self-check passed", out
    assert "[FAIL]" not in out
    for expected in ("gmpy2: gmpy2 2.", "SQLCipher 4.", "QtCharts present", ", bundled)",
                     "schema migrations", "process-pool: ", "Paillier round trip",
                     "workers' settings lianmo-worker.yaml"):
        assert expected in out, (expected, out)
    return out


def test_frozen_self_check(build_info, clean_env, tmp_path):
    print(assert_self_check_passes(BUNDLE_EXE, clean_env, tmp_path))


def test_frozen_demo_data_and_cli_round_trip(build_info, clean_env, tmp_path):
    secrets_env = {"LIANMO_PASSWORD": "admin password 1234", "WS_PASSPHRASE": "workspace passphrase 42"}
    run = lambda *args, **kw: frozen(BUNDLE_EXE, clean_env, *args, cwd=tmp_path,  # noqa: E731
                                     extra_env={**secrets_env, **kw}).stdout
    run("demo-data", "--rows", "300", "--out", "demo")
    ws = ["--workspace", "ws", "--passphrase-env", "WS_PASSPHRASE"]
    assert "passphrase" in run("workspace", "init", *ws, "--party-name", "Bank", "--role", "label",
                               "--admin", "admin")
    run("users", "add", *ws, "ana", "--role", "analyst", LIANMO_NEW_PASSWORD="analyst password 12")
    out = run("data", "import", *ws, "--user", "ana", "--data", "demo/bank.csv", "--consent",
              "demo/bank_consent.csv", "--profile", "demo/bank_profile.json",
              LIANMO_PASSWORD="analyst password 12")
    assert "rows read 300" in out and "Stored " in out
    assert "integrity_check: ok" in run("workspace", "verify", *ws)


def test_frozen_rehearse_on_fate_small(build_info, clean_env, tmp_path):
    """Two workspaces, real loopback TLS, PSI and Paillier SecureBoost, all inside the frozen app."""
    frozen(BUNDLE_EXE, clean_env, "rehearse",
           "--label-data", str(FATE_SMALL / "breast_hetero_guest.csv"),
           "--feature-data", str(FATE_SMALL / "breast_hetero_host.csv"),
           "--id-column", "id", "--label-column", "y", "--trees", "3", "--depth", "3",
           "--report", "report.json", cwd=tmp_path, timeout=1200)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["intersection_size"] == 569  # every id on both sides
    assert report["trees_built"] >= 1
    assert report["auc_federated"] > 0.9  # breast cancer data: ~0.96 from source


def test_frozen_program_runs_its_crypto_on_a_dask_cluster(build_info, clean_env, tmp_path):
    """The installed program as a cluster's client: workers from the source environment (same
    version, the workers' settings file), the same model as the frozen program's own processes."""
    import dask
    from distributed import LocalCluster

    from app.executor.dask import worker_settings

    def rehearse(name: str, *executor: str) -> tuple[dict, str]:
        args = fate_small_rehearsal("--report", f"{name}.json", *executor)
        proc = frozen(BUNDLE_EXE, clean_env, *args, cwd=tmp_path, timeout=1200)
        return json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8")), proc.stderr

    with dask.config.set(worker_settings()), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         dashboard_address=None) as cluster:
        remote, stderr = rehearse("dask", "--executor", "dask", "--scheduler", cluster.scheduler_address)
    local, _ = rehearse("local")
    assert remote["executor"] == {"kind": "dask", "workers": 2, "where": cluster.scheduler_address}
    assert local["executor"]["kind"] == "local"
    assert len(local["model_digest"]) == 64 and remote["model_digest"] == local["model_digest"]
    # Dask compares the packages that carry its messages; the client's must have a version to compare.
    assert not re.search(r"\| (msgpack|cloudpickle|tornado|toolz|dask|distributed) +\| None ", stderr), stderr
    assert "Dask's default settings" not in stderr  # the workers' settings warning


def test_tarball_and_deb(build_info, clean_env, tmp_path):
    version = build_info["version"]
    tarball = DIST / f"lianmo-{version}-linux-x86_64.tar.gz"
    deb = DIST / f"lianmo_{version}_amd64.deb"
    check = subprocess.run(["sha256sum", "-c", f"{tarball.name}.sha256", f"{deb.name}.sha256"],
                           cwd=DIST, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    assert f"lianmo-{version}/lianmo" in names
    assert all(n.startswith(f"lianmo-{version}") for n in names)

    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    entry = root / "usr" / "bin" / "lianmo"
    assert entry.is_symlink() and entry.resolve() == (root / "opt" / "lianmo" / "lianmo").resolve()
    assert (root / "usr" / "share" / "applications" / "lianmo.desktop").is_file()
    guide = (ROOT / "docs" / "operator-guide.md").read_text(encoding="utf-8")
    worker_config = re.search(r"DASK_CONFIG=(\S+)", guide).group(1)  # where workers find it
    assert (root / worker_config.lstrip("/")).is_file(), worker_config
    fields = subprocess.run(["dpkg-deb", "-f", str(deb), "Version", "Depends"], check=True,
                            capture_output=True, text=True).stdout
    assert f"Version: {version}" in fields and "libxcb-cursor0" in fields
    work = tmp_path / "cwd"
    work.mkdir()
    assert_self_check_passes(entry, clean_env, work)
