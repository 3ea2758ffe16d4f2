"""The CSV/XLSX and encodings rows of the security test matrix (docs/data-import.md lists them)."""

from __future__ import annotations

import numpy as np
import pytest

from app.data import tabular
from app.data.loader import load_dataset
from app.data.profile import parse_profile
from app.errors import ValidationError

HEADER = "mobile,age,city,opened\n"
GOOD = "13800138000,35,深圳,2020-01-05\n13912345678,41,北京,2019-12-31\n"


def profile(id_type="mobile", id_column="mobile", **extra):
    return parse_profile({"format": "lianmo-import-profile", "version": 1, "dataset": "t",
                          "side": "partner", "identifier": {"column": id_column, "type": id_type},
                          "features": [{"column": "age", "type": "numeric"},
                                       {"column": "city", "type": "categorical"},
                                       {"column": "opened", "type": "date"}], **extra})


def write(tmp_path, data: bytes | str, name="in.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return str(path)


def refused(path, prof=None, *fragments):
    with pytest.raises(ValidationError) as err:
        load_dataset(path, prof or profile())
    text = str(err.value)
    for frag in fragments:
        assert frag in text, text
    assert "13800138000" not in text and "13912345678" not in text
    return text


def test_good_file_types_and_values(tmp_path):
    ds = load_dataset(write(tmp_path, HEADER + GOOD), profile())
    assert ds.ids.tolist() == [b"13800138000", b"13912345678"]
    assert ds.features["age"].dtype == np.float64 and ds.features["age"].tolist() == [35, 41]
    assert ds.categories["city"] == ["北京", "深圳"] and ds.features["city"].tolist() == [1, 0]
    assert ds.features["opened"].tolist() == [18266.0, 18261.0]  # days since 1970-01-01
    assert ds.rows.tolist() == [2, 3] and ds.encoding == "utf-8"


@pytest.mark.parametrize("encoding,expected", [("utf-8-sig", "utf-8"), ("gbk", "gb18030"),
                                               ("gb18030", "gb18030"), ("utf-8", "utf-8")])
def test_encodings_are_detected(tmp_path, encoding, expected):
    ds = load_dataset(write(tmp_path, HEADER + GOOD, encoding=encoding), profile())
    assert ds.categories["city"] == ["北京", "深圳"] and ds.encoding == expected


def test_gbk_read_as_utf8_and_utf8_read_as_gbk(tmp_path):
    gbk = write(tmp_path, HEADER + GOOD, "gbk.csv", "gbk")
    refused(gbk, profile(encoding="utf-8"), "gbk.csv", "line 2", "'city'", "UTF-8")
    utf8 = write(tmp_path, (HEADER + "13800138000,35,深圳x,2020-01-05\n").encode("utf-8")
                 + "13912345678,41,\u20ac\u00e9,2019-12-31\n".encode("utf-8"), "u.csv")
    # the UTF-8 bytes of these characters are not valid GBK: strict decoding refuses
    refused(utf8, profile(encoding="gbk"), "u.csv", "line", "GBK")


def test_mixed_encodings_are_refused(tmp_path):
    data = (HEADER + "13800138000,35,深圳,2020-01-05\n").encode("utf-8") + \
        "13912345678,41,北京,2019-12-31\n".encode("gbk")
    refused(write(tmp_path, data), None, "mixes encodings", "line 2", "line 3")


def test_utf16_refused(tmp_path):
    refused(write(tmp_path, (HEADER + GOOD).encode("utf-16")), None, "UTF-16")


def test_ragged_row_names_row_and_column(tmp_path):
    refused(write(tmp_path, HEADER + GOOD + "13700000000,30,上海\n"), None, "row 4", "'opened'",
            "3 fields")
    refused(write(tmp_path, HEADER + "13700000000,30,上海,2020-01-01,extra\n"), None, "row 2", "5 fields")


def test_quoted_newlines_and_quotes(tmp_path):
    data = HEADER + '13800138000,35,"深\n圳",2020-01-05\n"13912345678","41","北京, 朝阳",2019-12-31\n'
    ds = load_dataset(write(tmp_path, data), profile())
    assert ds.categories["city"] == ["北京, 朝阳", "深\n圳"]
    assert ds.rows.tolist() == [2, 3]  # a quoted line break stays one row


def test_unclosed_quote_refused(tmp_path):
    refused(write(tmp_path, HEADER + '13800138000,35,"深圳,2020-01-05\n13912345678,41,x,2019-12-31\n'),
            None, "never closed")


def test_nul_byte_refused_with_row_and_column(tmp_path):
    refused(write(tmp_path, HEADER + "13800138000,35,深\x00圳,2020-01-05\n"), None, "row 2", "'city'", "NUL")


def test_bom_only_affects_header(tmp_path):
    ds = load_dataset(write(tmp_path, "\ufeff" + HEADER + GOOD), profile(encoding="utf-8"))
    assert len(ds) == 2  # an explicit utf-8 still finds the 'mobile' column behind the BOM


def test_header_only_and_empty(tmp_path):
    refused(write(tmp_path, HEADER), None, "header but no data rows")
    refused(write(tmp_path, ""), None, "empty")


def test_huge_field_refused(tmp_path):
    refused(write(tmp_path, HEADER + "13800138000,35," + "x" * 70_000 + ",2020-01-05\n"),
            None, "row 2", "'city'", "longer")
    refused(write(tmp_path, HEADER + '13800138000,35,"' + "x" * 70_000 + '",2020-01-05\n'),
            None, "row 2", "limit")


def test_blank_lines_skipped_but_counted(tmp_path):
    ds = load_dataset(write(tmp_path, HEADER + "13800138000,35,a,2020-01-05\n\n13912345678,x,b,\n"),
                      profile())
    assert ds.rows.tolist() == [2]
    assert [(p.row, p.column, p.reason) for p in ds.problems.listed] == [(4, "age", "bad_number")]


def test_row_level_rejections_are_listed(tmp_path):
    data = HEADER + "\n".join([
        "1.38001E+10,35,a,2020-01-05",          # Excel-mangled id
        "１３７００１３７０００,36,a,2020-01-05",    # full-width digits: accepted
        "13600136000,abc,a,2020-01-05",         # unparseable number
        "13500135000,inf,a,2020-01-05",         # non-finite refused
        "13400134000,,a,2020-02-30",            # bad date
        "13300133000,NULL,a,",                  # missing values: fine
        "13200132000,1,a,2020-01-01",           # duplicate, conflicting
        "13200132000,2,a,2020-01-01",
        "13100131000,5,b,2020-01-01",           # exact duplicate: kept once
        "13100131000,5,b,2020-01-01",
    ]) + "\n"
    ds = load_dataset(write(tmp_path, data, "x.csv"), profile())
    got = sorted((p.row, p.column, p.reason) for p in ds.problems.listed)
    assert got == [(2, "mobile", "id_excel_mangled"), (4, "age", "bad_number"),
                   (5, "age", "bad_number"), (6, "opened", "bad_date"),
                   (8, "mobile", "duplicate_conflict"), (9, "mobile", "duplicate_conflict")]
    assert all(p.file == "x.csv" for p in ds.problems.listed)
    assert sorted(ds.ids.tolist()) == [b"13100131000", b"13300133000", b"13700137000"]
    assert ds.rows_read == 10 and ds.rejected_rows == 6 and ds.duplicates_dropped == 1
    row = ds.ids.tolist().index(b"13300133000")
    assert np.isnan(ds.features["age"][row]) and np.isnan(ds.features["opened"][row])


def test_id_card_check_digits(tmp_path):
    data = "id,age,city,opened\n11010519491231002x,35,a,2020-01-05\n110105194912310021,36,a,2020-01-05\n"
    ds = load_dataset(write(tmp_path, data), profile("id_card", "id"))
    assert ds.ids.tolist() == [b"11010519491231002X"]
    assert [(p.row, p.reason) for p in ds.problems.listed] == [(3, "id_bad_check_digit")]


def test_zero_width_and_nfkc_in_header_and_values(tmp_path):
    data = "\u200bmobile ,ａｇｅ,city,opened\n+86 138 0013 8000,３５,深圳\u200b,2020-01-05\n"
    ds = load_dataset(write(tmp_path, data), profile())
    assert ds.ids.tolist() == [b"13800138000"] and ds.features["age"].tolist() == [35]
    assert ds.categories["city"] == ["深圳"]


def test_sql_in_values_and_column_names_is_just_data(tmp_path):
    data = 'mobile,age,"city\'; DROP TABLE users;--",opened\n13800138000,35,"x\'); DELETE FROM audit;--",2020-01-01\n'
    prof = parse_profile({"format": "lianmo-import-profile", "version": 1, "dataset": "t",
                          "side": "partner", "identifier": {"column": "mobile", "type": "mobile"},
                          "features": [{"column": "city'; DROP TABLE users;--", "type": "categorical"}]})
    ds = load_dataset(write(tmp_path, data), prof)
    assert ds.categories["city'; DROP TABLE users;--"] == ["x'); DELETE FROM audit;--"]
    with pytest.raises(ValidationError):
        parse_profile({**prof.to_json(), "dataset": "t; DROP TABLE datasets"})


def test_missing_profile_column_named(tmp_path):
    refused(write(tmp_path, "phone,age,city,opened\n" + GOOD), None, "identifier column 'mobile'")


def test_blocks_split_inside_quoted_fields(tmp_path):
    rows = [f'1380013{i:04d},{i},"a\nb,{i % 3}",2020-01-01' for i in range(3000)]
    path = write(tmp_path, HEADER + "\n".join(rows) + "\n")
    table = tabular.CsvTable(path, block_size=4096)  # many blocks, most ending inside quotes
    got = [v for b in table.blocks([1]) for v in b.columns[1]]
    assert got == [str(i) for i in range(3000)]


def test_xlsx_reading_and_excel_mangled_numbers(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["mobile", "age", "city", "opened"])
    ws.append([13800138000, 35, "深圳", "2020-01-05"])           # a number cell: exact, accepted
    ws.append(["13912345678", 41.0, "北京", None])
    ws.append([110105194912310000, 50, "x", "2020-01-05"])     # 18 digits as a number: mangled
    path = tmp_path / "in.xlsx"
    wb.save(path)
    ds = load_dataset(str(path), profile())
    assert ds.ids.tolist() == [b"13800138000", b"13912345678"]
    # Excel keeps numbers as doubles: the 18-digit one comes back as 1.1010519491231E+17
    assert [(p.row, p.reason) for p in ds.problems.listed] == [(4, "id_excel_mangled")]


def test_not_a_workbook(tmp_path):
    refused(write(tmp_path, b"PK\x03\x04garbage", "bad.xlsx"), None, "not a readable .xlsx")
