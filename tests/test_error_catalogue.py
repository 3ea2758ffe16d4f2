"""Every coded error raised in app/ has English and Chinese text with the same fields, and every
catalogue entry is raised somewhere; the CLI and the GUI say coded errors in the reader's language.

Codes are found with ``ast``: ``X.coded("code", ...)``, ``code="code"`` keywords and
``messages.render("code", ...)``. Run this file directly to count raise sites with and without a
code (``python tests/test_error_catalogue.py``).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from app import messages
from app.errors import PeerError, UserCancelled, ValidationError

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
ERRORS = {"LianmoError", "UserFacingError", "UserCancelled", "PermissionDenied",
          "AuthenticationFailed", "StoreError", "WorkspaceLocked", "ValidationError",
          "RemoteProtocolError", "PeerError", "JobRefused", "PinMismatch", "TlsRefused",
          "CertificateRefused", "ReceiveTimeout", "PeerClosed", "DiskFull"}


def _code_uses(tree: ast.AST):
    """(line, code) for every code given literally where an error is made or said."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0] if node.args else None
        if name in ("coded", "render") and isinstance(first, ast.Constant):
            yield node.lineno, first.value
        for kw in node.keywords:
            if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                yield node.lineno, kw.value.value


def _code_literals(tree: ast.AST):
    """(line, text) for every string shaped like a code of the catalogue's families (a helper
    such as ``_fail("import.ragged_row", ...)`` or a warning tuple passes codes on)."""
    families = {code.split(".")[0] + "." for code in messages.CATALOGUE if "." in code}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and CODE_SHAPE.fullmatch(node.value) and node.value.startswith(tuple(families)):
            yield node.lineno, node.value


CODE_SHAPE = re.compile(r"[a-z_]+(\.[a-z_0-9]+)+")


def _scan(finder) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(APP.rglob("*.py")):
        if path == APP / "messages.py":
            continue
        for line, code in finder(ast.parse(path.read_text(encoding="utf-8"))):
            found.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{line}")
    return found


def used_codes() -> dict[str, list[str]]:
    return {**_scan(_code_literals), **_scan(_code_uses)}


def raise_sites() -> tuple[int, int]:
    """(coded, sentence) raise statements of our errors outside app/ui."""
    coded = plain = 0
    for path in sorted(APP.rglob("*.py")):
        if (APP / "ui") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
                continue
            func = node.exc.func
            if isinstance(func, ast.Attribute) and func.attr == "coded":
                coded += 1
            elif getattr(func, "id", None) in ERRORS:
                if any(kw.arg == "code" for kw in node.exc.keywords):
                    coded += 1
                elif node.exc.args:
                    plain += 1
    return coded, plain


def test_every_raised_code_has_both_texts_with_the_same_fields():
    missing = sorted(set(used_codes()) - set(messages.CATALOGUE))
    assert missing == [], f"codes without catalogue text: {missing}"
    for code, (english, chinese) in messages.CATALOGUE.items():
        assert english.strip() and chinese.strip(), code
        assert messages.fields(english) == messages.fields(chinese), code
        assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese), f"{code}: not Chinese"


def test_every_catalogue_entry_is_used():
    unused = sorted(set(messages.CATALOGUE) - set(used_codes()))
    assert unused == [], f"catalogue entries nothing raises: {unused}"


def test_the_finder_sees_codes():
    tree = ast.parse('raise ValidationError.coded("a.b", row=1)\n'
                     'raise PeerError(code="x.y")\n'
                     'messages.render("c.d", {})\n'
                     'self._fail("import.ragged_rwo", row)\n')
    assert sorted(_code_uses(tree)) == [(1, "a.b"), (2, "x.y"), (3, "c.d")]
    assert list(_code_literals(tree)) == [(4, "import.ragged_rwo")]


def test_a_coded_error_reads_in_both_languages_and_stays_english_as_a_string():
    exc = ValidationError.coded("import.ragged_row", file="a.csv", row=12345, column="c", found=12, expected=9)
    assert str(exc).startswith("a.csv: row 12345, column 'c': the row has 12 fields but the header has 9")
    zh = exc.text("zh_CN")
    assert "第 12345 行有 12 列，表头有 9 列" in zh and "分隔符" in zh
    assert exc.text("en") == str(exc)
    assert ValidationError("a plain sentence.").text("zh_CN") == "a plain sentence."
    assert UserCancelled().text("zh_CN") == "已取消；没有做任何更改。"
    assert str(UserCancelled()) == "Cancelled; nothing was changed."


def test_coded_errors_survive_pickling():
    """Parse workers raise in other processes; the code and parameters come back with the error."""
    import pickle
    exc = pickle.loads(pickle.dumps(PeerError.coded("net.refused", address="10.0.0.2:7443")))
    assert isinstance(exc, PeerError) and exc.code == "net.refused"
    assert "10.0.0.2:7443" in exc.text("zh_CN") and str(exc).startswith("Could not reach the peer at 10.0.0.2:7443")


def test_numbers_are_for_people():
    assert messages.human(61960.0) == "61,960"
    assert messages.human(61961.5) == "61,961.50"
    assert messages.human(0.000123) == "0.000123"
    assert messages.human(1234567) == "1,234,567"
    assert messages.human(["a", "b"]) == "a, b"


def test_the_locale_chooses_the_language():
    assert messages.locale_language({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert messages.locale_language({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"
    assert messages.locale_language({"LC_MESSAGES": "zh_TW", "LANG": "en_US"}) == "zh_CN"
    assert messages.locale_language({}) == "en"


def _workspace(tmp_path) -> Path:
    from app.workflows.users import add_user
    from app.workflows.workspace_admin import init_workspace
    session = init_workspace(tmp_path / "ws", "Platform", "feature", "admin", "admin password 1",
                             passphrase=PASSPHRASE)
    add_user(session, "ana", "analyst", "analyst password 1")
    session.workspace.close()
    return tmp_path / "ws"


PASSPHRASE = "a workspace passphrase"


def _import_ragged(tmp_path, *args, lang: str) -> subprocess.CompletedProcess:
    """``python -m app data import`` on a file whose third row is one value short."""
    data = tmp_path / "ragged.csv"
    data.write_text("mobile,age,city\n13800138000,35,Beijing\n13900139000,41\n", encoding="utf-8")
    consent = tmp_path / "consent.csv"
    consent.write_text("mobile,purpose,granted_at\n13800138000,joint_marketing,2024-01-01\n",
                       encoding="utf-8")
    profile = tmp_path / "profile.json"
    profile.write_text('{"format": "lianmo-import-profile", "version": 1, "dataset": "d", '
                       '"side": "partner", "identifier": {"column": "mobile", "type": "mobile"}, '
                       '"features": [{"column": "age", "type": "numeric"}]}', encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "LANG": lang, "WS": PASSPHRASE,
           "LIANMO_PASSWORD": "analyst password 1"}
    return subprocess.run([sys.executable, "-m", "app", *args, "data", "import", "--workspace",
                           str(tmp_path / "ws"), "--passphrase-env", "WS", "--user", "ana",
                           "--data", str(data), "--consent", str(consent), "--profile",
                           str(profile), "--dry-run"],
                          cwd=ROOT, capture_output=True, text=True, env=env, timeout=120)


def test_the_cli_speaks_the_locale_language_and_lang_overrides_it(tmp_path):
    _workspace(tmp_path)
    chinese = _import_ragged(tmp_path, lang="zh_CN.UTF-8")
    assert chinese.returncode == 2, chinese.stderr
    assert "错误：ragged.csv：第 3 行有 2 列，表头有 3 列" in chinese.stderr
    assert "13900139000" not in chinese.stderr + chinese.stdout
    english = _import_ragged(tmp_path, "--lang", "en", lang="zh_CN.UTF-8")
    assert "error: ragged.csv: row 3, column 'city': the row has 2 fields but the header has 3" in english.stderr
    assert "ragged.csv: row 3" in _import_ragged(tmp_path, lang="C.UTF-8").stderr


if __name__ == "__main__":
    coded, plain = raise_sites()
    print(f"raise sites outside app/ui: {coded} coded, {plain} with a plain sentence; "
          f"catalogue entries: {len(messages.CATALOGUE)}")
