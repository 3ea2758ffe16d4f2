"""``make package``: the frozen bundle, a tarball and a .deb for air-gapped Linux workstations.

    dist/bundle/lianmo/                      PyInstaller one-folder bundle (packaging/lianmo.spec),
                                             with resources/ at its root (a link into _internal/)
    dist/lianmo-<version>-linux-x86_64.tar.gz   that folder as lianmo-<version>/
    dist/lianmo_<version>_amd64.deb          /opt/lianmo/ + /usr/bin/lianmo + a .desktop entry
    dist/*.sha256                            one per artifact, for ``sha256sum -c``
    dist/build-info.json                     version, sizes, build time

Qt's X11 plugin needs a few xcb libraries that the bundle does not carry; the .deb depends on them.
Every library the bundle cannot resolve on this machine must be listed in ``SONAME_PACKAGES``, so a
new Qt dependency cannot slip into a release without a matching ``Depends``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_config as cfg  # noqa: E402

ROOT = cfg.ROOT
DIST = ROOT / "dist"
BUNDLE = DIST / "bundle" / cfg.APP_NAME
WORK = ROOT / "build"

DEPENDS = ("libc6 (>= 2.34), libgl1, libegl1, libfontconfig1, libxkbcommon0, libxkbcommon-x11-0, "
           "libdbus-1-3, libx11-xcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, "
           "libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xkb1")
RECOMMENDS = "gnome-keyring | kwalletmanager, libwayland-cursor0, libwayland-egl1"
# Libraries the bundle may not resolve on the build machine -> the package providing them
# (None: an optional plugin such as the GTK3 theme, which Qt skips when the library is absent).
SONAME_PACKAGES = {
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
    "libgtk-3.so.0": None, "libgdk-3.so.0": None,
}

DESKTOP = """[Desktop Entry]
Type=Application
Name=Lianmo
Name[zh_CN]=联模
Comment=Joint marketing models without raw customer data leaving its owner
Comment[zh_CN]=数据不出域的联合营销建模
Exec=/usr/bin/lianmo
Terminal=false
Categories=Office;Finance;
"""


def run_pyinstaller() -> float:
    start = time.monotonic()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(DIST / "bundle"), "--workpath", str(WORK / "pyinstaller"),
                    str(ROOT / "packaging" / "lianmo.spec")], check=True)
    return time.monotonic() - start


def link_resources(folder: Path) -> None:
    """``resources/`` at the installation's root, where the operator guide sends the cluster's
    workers for their Dask settings (DASK_CONFIG=/opt/lianmo/resources/dask/lianmo-worker.yaml):
    PyInstaller keeps data files under ``_internal/``, a layout operators should not need to know."""
    link = folder / "resources"
    if not link.is_symlink():
        link.symlink_to(Path("_internal") / "resources", target_is_directory=True)
    if not (link / "dask").is_dir():
        raise SystemExit(f"{link} does not lead to the bundled resources")


def tree_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def unresolved_libraries(folder: Path) -> set[str]:
    """Sonames some bundled ELF file needs that neither the bundle nor this machine provides."""
    bundled = {p.name for p in folder.rglob("*.so*")}
    missing: set[str] = set()
    for path in folder.rglob("*.so*"):
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            name, _, where = line.strip().partition(" => ")
            if where.strip() == "not found" and name not in bundled:
                missing.add(name)
    return missing


def check_depends(folder: Path) -> None:
    unknown = sorted(unresolved_libraries(folder) - SONAME_PACKAGES.keys())
    if unknown:
        raise SystemExit(f"bundle needs libraries with no package in SONAME_PACKAGES: {unknown}")
    listed = {p.strip().split(" ")[0] for p in (DEPENDS + "," + RECOMMENDS).replace("|", ",").split(",")}
    stray = sorted({pkg for pkg in SONAME_PACKAGES.values() if pkg} - listed)
    if stray:
        raise SystemExit(f"SONAME_PACKAGES names packages missing from Depends/Recommends: {stray}")


def write_checksum(path: Path) -> Path:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    out = path.with_name(path.name + ".sha256")
    out.write_text(f"{digest.hexdigest()}  {path.name}\n", encoding="ascii")
    return out


def make_tarball(version: str) -> Path:
    out = DIST / f"{cfg.APP_NAME}-{version}-linux-x86_64.tar.gz"
    subprocess.run(["tar", "-C", str(BUNDLE.parent), "--sort=name", "--owner=0", "--group=0",
                    "--numeric-owner", f"--transform=s,^{cfg.APP_NAME},{cfg.APP_NAME}-{version},",
                    "-czf", str(out), cfg.APP_NAME], check=True)
    return out


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def make_deb(version: str) -> Path:
    stage = WORK / "deb" / f"{cfg.APP_NAME}_{version}_amd64"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(BUNDLE, stage / "opt" / cfg.APP_NAME, symlinks=True, copy_function=_link_or_copy)
    (stage / "usr" / "bin").mkdir(parents=True)
    # Relative, so the package also works when unpacked elsewhere (dpkg -x into a test root).
    (stage / "usr" / "bin" / cfg.APP_NAME).symlink_to(f"../../opt/{cfg.APP_NAME}/{cfg.APP_NAME}")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / f"{cfg.APP_NAME}.desktop").write_text(DESKTOP, encoding="utf-8")
    control = stage / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: {cfg.APP_NAME}\nVersion: {version}\nSection: misc\nPriority: optional\n"
        f"Architecture: amd64\nMaintainer: Lianmo team <lianmo@invalid>\n"
        f"Installed-Size: {tree_size(stage) // 1024}\nDepends: {DEPENDS}\nRecommends: {RECOMMENDS}\n"
        f"Description: Lianmo (联模) joint marketing models\n"
        f" Vertically federated SecureBoost over Paillier with ECDH-PSI alignment, so a bank and a\n"
        f" platform train a model together without raw customer data leaving its owner.\n",
        encoding="utf-8")
    for folder in [stage, *(p for p in stage.rglob("*") if p.is_dir() and not p.is_symlink())]:
        folder.chmod(0o755)
    out = DIST / f"{cfg.APP_NAME}_{version}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(stage), str(out)],
                   check=True, stdout=subprocess.DEVNULL)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse-bundle", action="store_true", help="skip PyInstaller if dist/bundle exists")
    args = parser.parse_args(argv)
    version = cfg.version()
    DIST.mkdir(exist_ok=True)
    started = time.monotonic()
    reuse = args.reuse_bundle and (BUNDLE / cfg.APP_NAME).is_file()
    pyinstaller_s = 0.0 if reuse else run_pyinstaller()
    link_resources(BUNDLE)
    check_depends(BUNDLE)
    artifacts = [make_tarball(version), make_deb(version)]
    sums = [write_checksum(a) for a in artifacts]
    info = {"version": version, "bundle": str(BUNDLE.relative_to(ROOT)),
            "bundle_bytes": tree_size(BUNDLE), "pyinstaller_seconds": round(pyinstaller_s, 1),
            "total_seconds": round(time.monotonic() - started, 1),
            "artifacts": {a.name: a.stat().st_size for a in artifacts + sums}}
    (DIST / "build-info.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
