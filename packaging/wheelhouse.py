"""``make wheelhouse``: every wheel needed to install Lianmo on a machine without network.

Downloads the pinned runtime dependencies from pyproject.toml (with their own dependencies) plus the
build backend (setuptools, wheel), wheels only, so that on the offline machine

    pip install --no-index --find-links wheelhouse/ .

builds and installs the project from the checkout without touching an index. ``--platform
win_amd64`` fetches the Windows wheels from a Linux machine (same Python version).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_BACKEND = ("setuptools>=68", "wheel")
# pip evaluates environment markers for *this* machine even with --platform, so dependencies that
# exist only on Windows (keyring's and PyInstaller's) are named explicitly for a Windows wheelhouse.
WINDOWS_ONLY = ("pywin32-ctypes", "pefile", "colorama")


def requirements(extras: list[str]) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = list(project["dependencies"])
    for extra in extras:
        reqs += project.get("optional-dependencies", {})[extra]
    return reqs + list(BUILD_BACKEND)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", default=str(ROOT / "wheelhouse"))
    parser.add_argument("--extra", action="append", default=[], help="also an optional group, e.g. dev")
    parser.add_argument("--platform", help="e.g. win_amd64 (default: this machine)")
    args = parser.parse_args(argv)
    cmd = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--dest", args.dest]
    if args.platform:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        cmd += ["--platform", args.platform, "--python-version", version]
    cmd += requirements(args.extra)
    if args.platform and args.platform.startswith("win"):
        cmd += list(WINDOWS_ONLY)
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd)


if __name__ == "__main__":
    raise SystemExit(main())
