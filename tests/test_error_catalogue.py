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

import pytest

from app import messages
from app.errors import JobRefused, PeerError, UserCancelled, UserFacingError, ValidationError

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


# -- parameters that are words or sentences of the product: a Chinese reader reads Chinese -----
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


def _english_words(text: str) -> set[str]:
    return {w.lower() for w in ENGLISH_WORD.findall(text)}


def _phrases_passed(module: str, function: str, position: int) -> list[str]:
    """String literals passed as argument ``position`` of calls to ``function`` in ``module``."""
    tree = ast.parse((APP / module).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and len(node.args) > position:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            arg = node.args[position]
            if name == function and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.append(arg.value)
    return found


def test_what_is_wrong_with_a_peer_field_is_said_in_chinese():
    """``require(ok, message, field, what)`` and the scorecard's sized reads name what is wrong
    with a TERMS phrase; its Chinese rendering keeps none of the English words."""
    from app.errors import RemoteProtocolError
    from app.protocols.secureboost import messages as sb
    refused = [*_phrases_passed("protocols/secureboost/feature_party.py", "require", 3),
               *_phrases_passed("protocols/secureboost/label_party.py", "require", 3),
               *_phrases_passed("protocols/secureboost/messages.py", "require", 3)]
    sized = [*_phrases_passed("protocols/scorecard/cross.py", "_decrypt", 2),
             *_phrases_passed("protocols/scorecard/cross.py", "_parse", 2)]
    assert {"exceeds the approved depth", "is out of order"} <= set(refused)
    assert {"products", "encrypted weight shares"} <= set(sized)
    for phrase in refused:
        assert phrase in messages.TERMS, phrase
        with pytest.raises(RemoteProtocolError) as info:
            sb.require(False, "m", "f", phrase)    # one-letter names: not words of the phrase
        assert phrase in str(info.value)           # the English sentence is unchanged
        assert not _english_words(info.value.text("zh_CN")) & _english_words(phrase), \
            info.value.text("zh_CN")
    for phrase in sized:
        assert phrase in messages.TERMS, phrase
        zh = messages.render("protocol.values_size", {"what": messages.Term(phrase)}, "zh_CN")
        assert not _english_words(zh) & _english_words(phrase), zh
    assert messages.render("protocol.values_size", {"what": messages.Term("products")}) \
        .startswith("The peer's products have the wrong size")


def test_job_types_and_rehearsal_parties_are_terms():
    from types import SimpleNamespace
    from app.workflows.jobs import JOB_TYPES
    from app.workflows.rehearsal import access
    from app.workflows.rehearsal.link import require_approved
    for kind in JOB_TYPES:
        assert kind in messages.TERMS
        with pytest.raises(JobRefused) as info:
            require_approved(SimpleNamespace(type=kind, state="rejected", reason=""))
        assert f"the {kind} job" in str(info.value)
        assert not ENGLISH_WORD.search(info.value.text("zh_CN")), info.value.text("zh_CN")
    for party in access.PARTIES:
        zh = messages.render("rehearsal.access_incomplete",
                             {"file": "x.json", "party": messages.Term(party)}, "zh_CN")
        assert party not in zh and messages.TERMS[party][1] in zh


def test_whole_sentences_read_as_prose_in_both_languages():
    from app.workflows.alignment import job as alignment_job
    problems = messages.Sentences([messages.record("aligning.proposal_chunk_size"),
                                   messages.record("aligning.proposal_caps")])
    assert messages.human(problems) == ("The proposal's chunk size is out of range. The proposal "
                                        "does not bound how many identifiers each side brings.")
    zh = messages.human(problems, "zh_CN")
    assert "。提议没有限定" in zh and zh.endswith("。") and ", " not in zh
    assert messages.human(messages.Sentences(["One", "Two."])) == "One. Two."
    assert messages.human(messages.Sentences(["一；", "二"]), "zh_CN") == "一。二。"
    assert messages.human(["a", "b"]) == "a, b"     # a plain list stays a list of words
    # kept in a workspace and said later, the sentences stay sentences
    kept = JobRefused.coded("cross.cannot_run_here", problems=problems).kept()
    assert messages.say_stored(kept, "zh_CN") == "这个任务无法在本方运行：" + zh
    with pytest.raises(UserFacingError) as info:
        raise UserFacingError.coded("aligning.cannot_propose", problems=messages.Sentences(
            alignment_job.check_proposal(None, SimpleJob())))
    zh = info.value.text("zh_CN")
    assert not _english_words(zh) & {"proposal", "chunk", "size", "exposure", "identifiers"}, zh
    assert "; " not in zh and ", " not in zh


class SimpleJob:
    """A proposal with no parameters: every parameter problem, no store read."""
    params: dict = {}
    proposer = "remote"


def test_tls_refusals_are_coded_and_said_in_chinese():
    import ssl
    from app.net import tls

    def refusal(reason: str = "", verify: str = "", server_side: bool = False, eof=False):
        exc = ssl.SSLEOFError() if eof else ssl.SSLError()
        exc.reason, exc.verify_message = reason, verify
        return tls._explain(exc, server_side)

    cases = [refusal(eof=True), refusal("PEER_DID_NOT_RETURN_A_CERTIFICATE"),
             refusal("CERTIFICATE_VERIFY_FAILED", "certificate has expired"),
             refusal("CERTIFICATE_VERIFY_FAILED", "unable to get local issuer certificate"),
             refusal("SSLV3_ALERT_CERTIFICATE_EXPIRED"),
             refusal("TLSV13_ALERT_CERTIFICATE_REQUIRED"),
             refusal("TLSV1_ALERT_PROTOCOL_VERSION", server_side=True),
             refusal("UNSUPPORTED_PROTOCOL"), refusal("WRONG_VERSION_NUMBER"), refusal("")]
    for exc in cases:
        assert exc.code is not None and exc.code.startswith("net.tls_"), str(exc)
        assert _english_words(exc.text("zh_CN")) <= {"tls"}, exc.text("zh_CN")
    assert str(cases[1]) == "A computer connected without a client certificate and was refused."
    assert str(cases[6]) == ("The other computer does not support TLS 1.3; the connection was "
                             "refused.")
    assert str(cases[7]) == "The peer does not support TLS 1.3; the connection was refused."
    assert str(cases[-1]) == "The secure connection failed (TLS error)."
    assert all(isinstance(exc, tls.CertificateRefused) for exc in cases[4:6])


if __name__ == "__main__":
    coded, plain = raise_sites()
    print(f"raise sites outside app/ui: {coded} coded, {plain} with a plain sentence; "
          f"catalogue entries: {len(messages.CATALOGUE)}")
