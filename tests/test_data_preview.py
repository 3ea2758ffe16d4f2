"""The import page's plain-Python helpers: head-only preview, masking, mapping guesses."""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import openpyxl
import pytest

from app.data.generator import generate
from app.data.profile import load_profile, parse_profile
from app.errors import PermissionDenied, ValidationError
from app.workflows import users
from app.workflows.importing import data_import
from app.workflows.importing import data_preview
from app.workflows.importing.data_preview import (guess_column_type, guess_profile, mask_cell, masked_rows,
                                        missing_columns, profile_columns, read_preview,
                                        sniff_encoding)
from app.workflows.session import login

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"


def write(path: Path, text: str, encoding: str = "utf-8") -> str:
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_sniff_encoding_names_the_narrowest_codec():
    assert sniff_encoding(b"a,b\n1,2\n") == "utf-8"
    assert sniff_encoding(codecs.BOM_UTF8 + "名,b\n".encode()) == "utf-8-sig"
    assert sniff_encoding("客户,等级\n张三,金卡\n".encode("gbk")) == "gbk"
    assert sniff_encoding("客户,等级\n张三,㐀\n".encode("gb18030")) == "gb18030"
    with pytest.raises(ValidationError, match="UTF-16"):
        sniff_encoding(codecs.BOM_UTF16_LE + "a,b".encode("utf-16-le"))


def test_preview_reads_the_head_of_csv_gz_and_xlsx(tmp_path):
    demo = read_preview(str(DEMO / "bank.csv.gz"), limit=5)
    assert demo.header[0] == "customer_mobile" and len(demo.rows) == 5
    assert demo.encoding == "utf-8" and demo.detected
    with gzip.open(DEMO / "bank.csv.gz", "rt", encoding="utf-8") as fh:
        first = fh.readlines()[1].rstrip("\n").split(",")
    assert demo.rows[0] == first
    book = openpyxl.Workbook()
    book.active.append(["mobile", "age"])
    book.active.append(["13800138000", 41])
    book.save(tmp_path / "x.xlsx")
    xlsx = read_preview(str(tmp_path / "x.xlsx"))
    assert (xlsx.header, xlsx.rows, xlsx.encoding) == (["mobile", "age"], [["13800138000", "41"]],
                                                        "xlsx")


def test_preview_follows_encoding_and_delimiter_choices(tmp_path):
    gbk = write(tmp_path / "g.csv", "手机号;卡等级\n13800138000;金卡\n", "gbk")
    p = read_preview(gbk, delimiter=";")
    assert (p.encoding, p.header, p.rows) == ("gbk", ["手机号", "卡等级"], [["13800138000", "金卡"]])
    with pytest.raises(ValidationError, match="line 1 is not valid UTF-8"):
        read_preview(gbk, encoding="utf-8", delimiter=";")
    bom = write(tmp_path / "b.csv", "\ufeffid,note\nA1,\"two\nlines\"\nA2,x,extra\n")
    p = read_preview(bom)
    assert p.encoding == "utf-8-sig" and p.header == ["id", "note"]
    assert p.rows == [["A1", "two\nlines"], ["A2", "x"]]  # ragged rows cut; validation reports them
    with pytest.raises(ValidationError, match="empty"):
        read_preview(write(tmp_path / "e.csv", "\n\n"))
    with pytest.raises(ValidationError, match="no such file"):
        read_preview(str(tmp_path / "missing.csv"))


def test_preview_reads_only_the_head(tmp_path, monkeypatch):
    monkeypatch.setattr(data_preview, "SAMPLE_BYTES", 64)
    path = write(tmp_path / "big.csv", "a,b\n" + "".join(f"{i},x\n" for i in range(1000)))
    p = read_preview(path, limit=1000)
    assert 0 < len(p.rows) < 30 and p.rows[-1][1] == "x"  # cut after a complete line


def test_identifiers_are_masked_everywhere_in_the_preview(tmp_path):
    path = write(tmp_path / "m.csv", "phone,ref,age\n+86 138 0013 8000,13912345678,40\n"
                                     "1.38001E+10,n/a,41\n,440308199901010012,42\n"
                                     "13800138000,440308199901010016,43\n")
    p = read_preview(path)
    rows = masked_rows(p, "phone", "mobile")
    assert rows[0] == ["138****8000", "139****5678", "40"]
    assert rows[1] == ["****", "n/a", "41"]           # unparseable identifier: all stars
    assert rows[2] == ["", "4403**********0012", "42"]  # an ID number in an unmapped column
    assert rows[3] == ["138****8000", "****", "43"]    # ID-shaped, wrong check digit: hidden too
    assert mask_cell("id_card", "440308199901010012") == "4403**********0012"
    assert mask_cell("opaque", "CUST-000123") == "CU*******23"
    assert mask_cell("id_card", "440308199901010017") == "****"  # bad check digit
    flat = [c for r in masked_rows(p, "phone", "opaque") for c in r]
    assert not any("0013" in c or "12345678" in c for c in flat)


def test_guess_matches_the_demo_profiles():
    for side, name in (("bank", "bank"), ("partner", "partner")):
        preview = read_preview(str(DEMO / f"{name}.csv.gz"))
        demo = load_profile(str(DEMO / f"{name}_profile.json"))
        guessed = parse_profile(guess_profile(preview, side, demo.dataset))
        assert guessed.to_json() == demo.to_json()


def test_guess_column_types_and_fallbacks():
    assert guess_column_type(["1", "2.5", "", "NA", "-3e2"]) == "numeric"
    assert guess_column_type(["2024-01-02", "20240103", ""]) == "date"
    assert guess_column_type(["gold", "12"]) == "categorical"
    preview = data_preview.Preview("f.csv", ["cust_no", "x", "id_card_no"], [["A", "1", "2"]],
                                   "utf-8", True)
    doc = guess_profile(preview, "partner", "p")
    assert doc["identifier"] == {"column": "id_card_no", "type": "id_card"}
    assert [f["column"] for f in doc["features"]] == ["cust_no", "x"] and "label" not in doc


def test_profile_columns_and_missing(tmp_path):
    prof = load_profile(str(DEMO / "bank_profile.json"))
    cols = profile_columns(prof)
    assert cols[0] == "customer_mobile" and "opted_out" in cols and len(cols) == 17
    assert cols[-2:] == ["customer_name", "last_contact_date"]
    assert missing_columns(prof, cols[:-1]) == ["last_contact_date"]
    assert missing_columns(prof, cols) == []


def test_consent_batches_counts_and_permission(admin_session, tmp_path):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR01")
    ana = login(admin_session.workspace, "ana", "analyst-pass")
    files = generate(300, 2, str(tmp_path))
    assert data_preview.consent_batches(ana) == {}
    data_import.import_dataset(ana, files["bank"], files["bank_consent"], files["bank_profile"])
    data_import.import_consent(ana, "bank_customers", files["bank_consent"])
    info = data_preview.consent_batches(admin_session)["bank_customers"]
    consent_rows = sum(1 for _ in open(files["bank_consent"], encoding="utf-8")) - 1
    assert info["batches"] == 2 and 0 < info["rows"] <= 2 * consent_rows
    assert info["latest"].startswith("20")
    with pytest.raises(PermissionDenied):
        data_preview.consent_batches(login(admin_session.workspace, "bob", "branch-pass"))
    json.dumps(info)  # plain data for the GUI
