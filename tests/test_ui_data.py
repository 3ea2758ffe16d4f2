"""The Consent & data page: preview (masked), mapping, validate, import, cancel, overview, roles."""

from __future__ import annotations

import gzip
import json
import re
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QFileDialog

from app.data.generator import generate
from app.data.profile import load_profile
from app.ui.pages.data import DataPage
from app.ui.shell import Shell
from app.workflows import users
from app.workflows.importing import data_import
from app.workflows.session import login

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
MASKED_MOBILE = re.compile(r"1[3-9]\d\*{4}\d{4}")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return generate(2000, 1, str(tmp_path_factory.mktemp("demo")))


@pytest.fixture
def people(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR01")
    ws = admin_session.workspace
    return {"admin": admin_session, "ana": login(ws, "ana", "analyst-pass"),
            "bob": login(ws, "bob", "branch-pass")}


SHELLS: list[Shell] = []  # the shell (the page's parent) must outlive the test body


def open_page(qtbot, session) -> DataPage:
    shell = Shell(session)
    qtbot.addWidget(shell)
    SHELLS.append(shell)
    shell.resize(1180, 720)
    shell.show()
    return shell.select("data")


@pytest.fixture(autouse=True)
def drop_shells():
    yield
    while SHELLS:
        SHELLS.pop().deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


@pytest.fixture
def page(qtbot, people):
    return open_page(qtbot, people["ana"])


def cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def run(qtbot, page, commit: bool) -> None:
    (page.import_button if commit else page.validate_button).click()
    assert page.runner is not None
    qtbot.waitUntil(lambda: not page.runner.running, timeout=20000)


def choose(page, files, name="bank"):
    page.set_data_file(files[name])
    page.set_consent_file(files[f"{name}_consent"])


def validate_edited(qtbot, page, small, path, lines: list[str]) -> None:
    """Validate ``lines`` (the bank file, edited) written to ``path``, with the bank's consents
    and profile; nothing is imported."""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.set_data_file(str(path))
    page.set_consent_file(small["bank_consent"])
    page.load_profile_from(small["bank_profile"])
    run(qtbot, page, commit=False)


def test_bundled_demo_preview_profile_validate_import(qtbot, page, people):
    files = {k: str(DEMO / f"{k}.csv.gz") for k in ("bank", "bank_consent")}
    choose(page, files)
    preview = cells(page.files.table)
    assert len(preview) == 20 and page.files.table.horizontalHeaderItem(0).text() == "customer_mobile"
    with gzip.open(files["bank"], "rt", encoding="utf-8") as fh:
        raw = [line.split(",")[0] for line in fh.readlines()[1:21]]
    assert all(MASKED_MOBILE.fullmatch(row[0]) or row[0] == "****" for row in preview)
    assert not any(r in c for r in raw for row in preview for c in row)  # never in clear
    assert page.files.detected.text() == "Detected: UTF-8."
    assert page.load_profile_from(str(DEMO / "bank_profile.json")) is not None
    assert page.mapping.dataset.text() == "bank_customers"
    assert page.mapping.feature_type("card_open_date") == "date"

    run(qtbot, page, commit=False)
    assert page.runner.state == "finished" and page.message.kind == "success"
    report = page.report.report
    assert report["rows_read"] == 20000 and "version" not in report
    assert "20,000 rows read" in page.report.summary.text()
    assert page.report.columns.rowCount() == 17 and page.tabs.currentWidget() is page.report
    roles = {r[0]: (r[1], r[2]) for r in cells(page.report.columns)}
    assert roles["customer_name"] == ("Customer name", "Name (masked)")
    assert roles["last_contact_date"] == ("Last contact date", "Date")
    assert data_import.summary(people["ana"]) == []  # validating stores nothing

    run(qtbot, page, commit=True)
    assert page.runner.state == "finished", page.message.text()
    stored = data_import.summary(people["ana"])
    assert [d["dataset"] for d in stored] == ["bank_customers"]
    row = cells(page.overview.table)[0]
    assert row[0] == "bank_customers" and row[3] == f"{report['eligible']:,}" and row[4] == "1"
    assert row[6] == "ana" and row[7].startswith("1 file(s)")
    dictionary = cells(page.overview.dictionary)
    assert dictionary[0][0] == "customer_mobile" and dictionary[0][3].startswith("C3")
    assert {r[0]: r[3][:2] for r in dictionary[1:] if r[3][:2] != "C2"} == {"customer_name": "C3"}
    assert "data.import" in [e["action"] for e in people["ana"].workspace.audit.entries()]


def test_guessed_mapping_save_and_reload(qtbot, page, small, tmp_path, monkeypatch):
    picks = iter([small["bank"], small["bank_consent"]])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(picks), ""))
    page.files.data_button.click()
    page.files.consent_button.click()
    assert page.files.consent_path.text() == small["bank_consent"]
    m = page.mapping
    assert m.dataset.text() == "bank"  # from the file name until the person changes it
    assert (m.id_column.currentData(), m.id_type.currentData()) == ("customer_mobile", "mobile")
    assert (m.label.currentData(), m.branch.currentData()) == ("bound_quick_pay", "branch_code")
    assert m.contact["opted_out"].currentData() == "opted_out"
    assert (m.customer_name.currentData(), m.last_contact.currentData()) == \
        ("customer_name", "last_contact_date")    # guessed from the headers, never features
    assert m.feature_type("customer_name") is None
    assert m.feature_type("card_tier") == "categorical"
    m.dataset.setText("bank_customers")
    m.set_feature_type("online_spend_share", "ignore")
    out = tmp_path / "p.json"
    assert page.save_profile_to(str(out))
    saved = load_profile(str(out))
    demo = load_profile(small["bank_profile"]).to_json()
    demo["features"] = [f for f in demo["features"] if f["column"] != "online_spend_share"]
    assert saved.to_json() == demo
    m.set_feature_type("online_spend_share", "numeric")
    m.label.setCurrentIndex(0)  # "(none)": the bank side needs a label
    assert not page.save_profile_to(str(out)) and page.message.kind == "error"
    assert page.load_profile_from(str(out)) is not None
    assert m.label.currentData() == "bound_quick_pay" and m.feature_type("online_spend_share") == "ignore"


def test_counter_columns_load_save_and_import(qtbot, page, people, small, tmp_path):
    """The bank's name and last-contact columns survive a trip through the Columns tab and reach
    the store; the preview shows the mapped name masked."""
    choose(page, small)
    assert page.load_profile_from(small["bank_profile"]) is not None
    m = page.mapping
    assert (m.customer_name.currentData(), m.last_contact.currentData()) == \
        ("customer_name", "last_contact_date")
    out = tmp_path / "again.json"
    assert page.save_profile_to(str(out))
    assert load_profile(str(out)).to_json() == load_profile(small["bank_profile"]).to_json()
    header = page.preview.header
    shown = [r[header.index("customer_name")] for r in cells(page.files.table)]
    assert shown and all("*" in name for name in shown)
    # the mapped column is what is masked, not only a column whose header looks like a name
    m.customer_name.setCurrentIndex(m.customer_name.findData("card_tier"))
    tiers = [r[header.index("card_tier")] for r in cells(page.files.table)]
    assert tiers and all("*" in tier for tier in tiers)
    m.customer_name.setCurrentIndex(m.customer_name.findData("customer_name"))
    run(qtbot, page, commit=True)
    assert page.runner.state == "finished", page.message.text()
    stored = data_import.summary(people["ana"])[0]["columns"]
    assert {(c["name"], c["role"]) for c in stored} >= {("customer_name", "name"),
                                                       ("last_contact_date", "last_contact")}


def test_report_lists_rejected_rows_without_values(qtbot, page, small, tmp_path):
    lines = Path(small["bank"]).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    bad_age = lines[3].split(",")
    bad_age[header.index("age")] = "abc-secret"
    lines[3] = ",".join(bad_age)
    lines[5] = "12345" + lines[5][lines[5].index(","):]
    validate_edited(qtbot, page, small, tmp_path / "bad.csv", lines)
    reasons = cells(page.report.reasons)
    assert ["bad.csv", "not a number", "1"] in reasons
    assert ["bad.csv", "identifier not valid for its type", "1"] in reasons
    problems = cells(page.report.problems)
    assert ["bad.csv", "4", "age", "not a number"] in problems
    assert ["bad.csv", "6", "customer_mobile", "identifier not valid for its type"] in problems
    shown = [c for t in (page.report.reasons, page.report.problems, page.report.columns)
             for row in cells(t) for c in row] + [page.report.summary.text()]
    assert not any("abc-secret" in c or "12345" in c for c in shown)


def test_cancel_during_import_leaves_no_dataset(qtbot, page, people, small, monkeypatch):
    writing, release = threading.Event(), threading.Event()
    original = data_import._write_dataset

    def slow_write(conn, *args):
        version = original(conn, *args)  # written inside the open transaction...
        writing.set()
        release.wait(10)                 # ...then the person presses Cancel
        return version

    monkeypatch.setattr(data_import, "_write_dataset", slow_write)
    choose(page, small)
    page.load_profile_from(small["bank_profile"])
    head = people["ana"].workspace.audit.head()
    page.import_button.click()
    assert writing.wait(10)
    page.progress.cancel_button.click()
    release.set()
    qtbot.waitUntil(lambda: not page.runner.running, timeout=20000)
    assert page.runner.state == "cancelled"
    assert page.message.text() == ("Import cancelled: nothing was stored and the workspace is "
                                   "unchanged.")
    assert data_import.summary(people["ana"]) == []
    assert people["ana"].workspace.db.query("SELECT count(*) FROM arrays")[0][0] == 0
    assert people["ana"].workspace.audit.head() == head
    assert page.overview.table.rowCount() == 0 and page.import_button.isEnabled()


def test_gbk_file_previews_with_gbk_detected(qtbot, page, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("手机号,卡等级,年龄\n13800138000,金卡,41\n13912345678,普通卡,35\n"
                     .encode("gbk"))
    page.set_data_file(str(path))
    assert page.preview.encoding == "gbk"
    assert page.files.detected.text() == "Detected: GBK (read as GB18030, which contains GBK)."
    assert cells(page.files.table) == [["138****8000", "金卡", "41"], ["139****5678", "普通卡", "35"]]
    assert page.mapping.id_column.currentData() == "手机号"
    page.files.encoding.setCurrentIndex(page.files.encoding.findData("utf-8"))
    assert page.message.kind == "error" and "not valid UTF-8" in page.message.text()
    assert page.files.table.rowCount() == 0
    page.files.encoding.setCurrentIndex(page.files.encoding.findData("gbk"))
    assert page.files.detected.text() == "Read as GBK." and page.files.table.rowCount() == 2


def test_consent_update_revokes_and_overview_follows(qtbot, page, people, small, tmp_path,
                                                      monkeypatch):
    data_import.import_dataset(people["ana"], small["bank"], small["bank_consent"],
                               small["bank_profile"])
    page.overview.refresh()
    before = data_import.load_eligible(people["ana"], "bank_customers")
    victims = [i.decode() for i in before.ids[:5]]
    path = tmp_path / "revoke.csv"
    path.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n" + "".join(
        f"{v},joint-marketing-model,2020-01-01 00:00:00,,2026-01-01 00:00:00\n" for v in victims))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    page.overview.consent_button.click()
    qtbot.waitUntil(lambda: not page.runner.running, timeout=20000)
    assert page.runner.state == "finished", page.message.text()
    row = cells(page.overview.table)[0]
    assert row[3] == f"{len(before.ids) - 5:,}"
    assert row[7].startswith("2 file(s)") and "5 no longer eligible" in row[7]
    assert f"{len(before.ids) - 5:,} customers are eligible now" in page.message.text()


def test_administrator_sees_the_overview_read_only(qtbot, people, small):
    data_import.import_dataset(people["ana"], small["bank"], small["bank_consent"],
                               small["bank_profile"])
    page = open_page(qtbot, people["admin"])
    assert not page.can_import and not hasattr(page, "tabs")
    assert page.overview.isVisibleTo(page) and not page.overview.consent_button.isVisibleTo(page)
    assert cells(page.overview.table)[0][0] == "bank_customers"
    assert page.overview.dictionary.rowCount() == 17   # with the name and the last contact


def test_branch_manager_does_not_get_the_page(qtbot, people):
    shell = Shell(people["bob"])
    qtbot.addWidget(shell)
    assert "data" not in shell.visible_keys()
    with pytest.raises(KeyError):
        shell.select("data")
    assert json.dumps(shell.visible_keys())  # the page list is still well-formed


def test_partner_side_maps_without_label_and_validates(qtbot, tmp_path, small):
    from app.workflows.workspace_admin import init_workspace
    admin = init_workspace(tmp_path / "pws", "Platform", "feature", "admin", "correct horse")
    try:
        users.add_user(admin, "pat", "analyst", "analyst-pass")
        page = open_page(qtbot, login(admin.workspace, "pat", "analyst-pass"))
        assert page.side == "partner" and len(page.mapping.form_labels) == 3
        assert page.mapping.customer_name not in page.mapping._role_combos()   # bank only
        choose(page, small, "partner")
        assert page.mapping.id_column.currentData() == "user_mobile"
        run(qtbot, page, commit=False)
        assert page.runner.state == "finished", page.message.text()
        assert page.report.report["side"] == "partner"
        assert {r[1] for r in cells(page.report.columns)} == {"Identifier", "Feature"}
    finally:
        admin.workspace.close()


def test_page_is_translated_at_runtime(qtbot, page, small):
    from PySide6.QtCore import QTranslator
    from app.ui.resources import i18n_dir
    choose(page, small)
    translator = QTranslator()
    assert translator.load("lianmo_zh_CN", str(i18n_dir()))
    QCoreApplication.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: page.title.text() == "授权与数据", timeout=3000)
        assert page.tabs.tabText(1) == "2 · 字段" and page.files.detected.text() == "识别为：UTF-8。"
        assert page.mapping.id_type.currentText() == "手机号"
        assert page.mapping.id_column.currentData() == "customer_mobile"  # mapping kept
    finally:
        QCoreApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: page.title.text() == "Consent & data", timeout=3000)


def test_a_short_row_is_shown_in_the_report_with_its_row_masked(qtbot, page, small, tmp_path):
    """One short row refuses the file: the report tab names the row, shows it masked and says the
    fix, in the window's language; the raw mobile number is shown nowhere."""
    from PySide6.QtWidgets import QApplication
    from app.ui.i18n import Translations
    lines = Path(small["bank"]).read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    short = lines[6].split(",")
    mobile = short[header.index("customer_mobile")]
    lines[6] = ",".join(short[:-1])
    validate_edited(qtbot, page, small, tmp_path / "short.csv", lines)
    assert page.tabs.currentWidget() is page.report
    [problem] = cells(page.report.problems)
    assert problem[:2] == ["short.csv", "7"]
    assert f"has {len(header) - 1} fields but the header has {len(header)}" in problem[3]
    summary = page.report.summary.text()
    assert "Row 7 as read (identifiers masked): " in summary and MASKED_MOBILE.search(summary)
    assert "check the delimiter" in page.message.text()
    shown = " ".join(problem) + summary + page.message.text()
    assert mobile not in shown
    translations = Translations(QApplication.instance())
    translations.apply("zh_CN")
    try:
        qtbot.waitUntil(lambda: "第 7 行" in cells(page.report.problems)[0][3], timeout=3000)
        assert f"有 {len(header) - 1} 列，表头有 {len(header)} 列" in cells(page.report.problems)[0][3]
        assert "第 7 行（标识已遮蔽）" in page.report.summary.text()
        run(qtbot, page, commit=False)
        assert "请检查这一行的分隔符或引号" in page.message.text()
    finally:
        translations.apply("en")


def test_report_numbers_have_no_exponent():
    from app.ui.pages.data.report import number
    assert number(61960.5) == "61,960.50" and number(61960.0) == "61,960"
    assert number(0.00123) == "0.00123" and number(1234567) == "1,234,567" and number(None) == "—"
