"""The bank's import carries a customer name and a last-contact date to the counter: stored in the
encrypted workspace, passed by the scoring step's population, shown masked to branch managers only,
and a bad date is a rejected row like any other bad value."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from app.data.ids import mask_name
from app.data.profile import parse_profile
from app.errors import ValidationError
from app.workflows import plans, users
from app.workflows.importing import data_import, data_preview
from app.workflows.session import login
from app.workflows.training.scoring import population

N = 240
SURNAMES = "王李张刘陈杨赵黄周吴"
GRANT = "joint-marketing-model,2020-01-01 00:00:00,,\n"
RULES = {"campaign_id": "CTR-1", "template_id": "bind_v1", "pitch_script": "Bind today.",
         "selection": {"mode": "top_percent", "value": 100},
         "channels": {"rules": [], "default": "branch"},
         "control": {"fraction": 0.1, "seed": 3}}


def _day(text: str) -> int:
    return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days


def _contact(i: int) -> str:
    """Empty, a date, or a date and time (read as China Standard Time), in turn."""
    return ("", f"2025-03-{1 + i % 28:02d}", f"2025-04-{1 + i % 28:02d} 23:30:00")[i % 3]


def _profile(**extra) -> dict:
    return {"format": "lianmo-import-profile", "version": 1, "dataset": "bank_counter",
            "side": "bank", "identifier": {"column": "customer_id", "type": "opaque"},
            "features": [{"column": "x", "type": "numeric"}], "label": {"column": "y"},
            "branch": {"column": "branch"}, **extra}


COUNTER = {"customer_name": {"column": "姓名"}, "last_contact": {"column": "last_contact_date"}}


@pytest.fixture
def files(tmp_path):
    ids = [f"C{i:05d}" for i in range(N)]
    names = [SURNAMES[i % 10] + "小明" for i in range(N)]
    lines = ["customer_id,x,y,branch,姓名,last_contact_date"]
    for i, cid in enumerate(ids):
        contact = "2025-02-30" if i == 7 else _contact(i)    # row 9 of the file: no such day
        lines.append(f"{cid},{i % 17},{i % 2},BR0{i % 2 + 1},{names[i]},{contact}")
    data = tmp_path / "bank.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    consent = tmp_path / "consent.csv"
    consent.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n"
                       + "".join(f"{c},{GRANT}" for c in ids), encoding="utf-8")
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(_profile(**COUNTER), ensure_ascii=False), encoding="utf-8")
    return {"data": str(data), "consent": str(consent), "profile": str(profile), "ids": ids,
            "names": names}


@pytest.fixture
def people(admin_session):
    users.add_user(admin_session, "ana", "analyst", "analyst-pass")
    users.add_user(admin_session, "bob", "branch_manager", "branch-pass", branch="BR01")
    return {"ana": login(admin_session.workspace, "ana", "analyst-pass"),
            "bob": login(admin_session.workspace, "bob", "branch-pass")}


def _scored(ana, model_id: str = "m1"):
    """What the scoring step stores: the eligible bank customers as a population."""
    elig = data_import.load_eligible(ana, "bank_counter")
    n = len(elig.ids)
    pop = population(ana.workspace, elig, np.linspace(0.9, 0.1, n),
                     np.zeros(n, dtype=np.uint8))
    plans.store_population(ana, model_id, pop)
    return pop


def test_a_bad_last_contact_date_rejects_its_row_like_any_bad_value(people, files):
    report = data_import.import_dataset(people["ana"], files["data"], files["consent"],
                                        files["profile"])
    assert report["rows_rejected"] == 1 and report["rejected_by_reason"] == {"bad_date": 1}
    assert [(p["row"], p["column"], p["reason"]) for p in report["problems"]] == \
        [(9, "last_contact_date", "bad_date")]
    cols = {c["role"]: c for c in report["columns"]}
    assert cols["name"]["sensitivity"] == "C3" and cols["name"]["min"] is None
    assert cols["last_contact"]["sensitivity"] == "C2"
    assert (cols["last_contact"]["min"], cols["last_contact"]["max"]) == ("2025-03-01", "2025-04-28")
    assert "小明" not in json.dumps(report, ensure_ascii=False)     # counts only, never a name
    summary = data_import.summary(people["ana"])[0]["columns"]
    assert {(c["name"], c["role"], c["sensitivity"]) for c in summary} >= {
        ("姓名", "name", "C3"), ("last_contact_date", "last_contact", "C2")}


def test_branch_review_shows_the_imported_name_masked_and_the_last_contact(people, files):
    ana, bob = people["ana"], people["bob"]
    data_import.import_dataset(ana, files["data"], files["consent"], files["profile"])
    pop = _scored(ana)
    assert pop.custom[plans.NAME_COLUMN].personal
    plan = plans.create_plan(ana, plans.load_population(ana.workspace, "m1"), RULES, "m1")
    m = plan.members
    own = (m.branch == plan.branch_code("BR01")) & (m.arm == 0)
    row_of = {cid: i for i, cid in enumerate(files["ids"])}
    members = [row_of[cid.decode()] for cid in m.ids[own]]
    assert 7 not in members                                   # its row was rejected
    contacts = [_contact(i) for i in members]
    listed = plans.branch_list(bob, plan.id)
    assert len(listed.rows) == len(members) > 50
    assert sorted(r["name"] for r in listed.rows) == \
        sorted(mask_name(files["names"][i]) for i in members)
    days = sorted(-1 if r["last_contact"] is None else r["last_contact"] for r in listed.rows)
    assert days == sorted(_day(c[:10]) if c else -1 for c in contacts)   # 23:30 is that day too
    assert -1 in days and len(set(days)) > 10                 # never contacted, and many days
    text = json.dumps(listed.rows, ensure_ascii=False)
    assert "小明" not in text and not any(c in text for c in files["ids"])
    # an analyst has no permission to see names: the same rows come without them
    theirs = plans.branch_list(ana, plan.id, branch="BR01")
    assert theirs.rows and all(r["name"] is None for r in theirs.rows)
    assert [r["last_contact"] for r in theirs.rows] == [r["last_contact"] for r in listed.rows]


def test_a_revoked_customer_s_name_does_not_reach_the_population(people, files, tmp_path):
    ana = people["ana"]
    lines = open(files["data"], encoding="utf-8").read().splitlines()
    lines[1] = lines[1].replace("王小明", "欧阳娜娜")                 # C00000's name, theirs only
    open(files["data"], "w", encoding="utf-8").write("\n".join(lines) + "\n")
    names = dict(zip(files["ids"], files["names"]), C00000="欧阳娜娜")
    data_import.import_dataset(ana, files["data"], files["consent"], files["profile"])
    assert "欧阳娜娜" in data_import.load_eligible(ana, "bank_counter").name_table
    gone = files["ids"][:10]
    revoke = tmp_path / "revoke.csv"
    revoke.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n" + "".join(
        f"{c},joint-marketing-model,2020-01-01 00:00:00,,2026-01-01 00:00:00\n" for c in gone))
    data_import.import_consent(ana, "bank_counter", str(revoke))
    pop = _scored(ana)
    col = pop.custom[plans.NAME_COLUMN]
    assert len(pop) == N - 10 and "欧阳娜娜" not in col.categories   # row 9 was rejected anyway
    assert [col.categories[c] for c in col.values.tolist()] == [names[i.decode()] for i in pop.ids]


def test_a_re_import_without_the_columns_removes_them(people, files, tmp_path):
    ana = people["ana"]
    data_import.import_dataset(ana, files["data"], files["consent"], files["profile"])
    assert data_import.load_eligible(ana, "bank_counter").names is not None
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps(_profile()), encoding="utf-8")
    data_import.import_dataset(ana, files["data"], files["consent"], str(plain))
    elig = data_import.load_eligible(ana, "bank_counter")
    assert elig.names is None and elig.last_contact is None and elig.name_table == []
    pop = _scored(ana)
    assert plans.NAME_COLUMN not in pop.custom and (pop.last_contacted_day == -1).all()


def test_profile_keys_are_the_bank_s_and_map_one_column_each():
    prof = parse_profile(_profile(**COUNTER))
    assert (prof.customer_name, prof.last_contact) == ("姓名", "last_contact_date")
    assert parse_profile(prof.to_json()) == prof
    partner = {k: v for k, v in _profile(**COUNTER).items() if k not in ("label", "branch")}
    with pytest.raises(ValidationError) as info:
        parse_profile(dict(partner, side="partner"))
    assert info.value.code == "profile.partner_customer_columns"
    with pytest.raises(ValidationError) as info:
        parse_profile(_profile(customer_name={"column": "x"}))
    assert info.value.code == "profile.mapped_twice"


def test_the_preview_masks_the_name_and_the_guess_never_makes_it_a_feature(files):
    preview = data_preview.read_preview(files["data"])
    guess = data_preview.guess_profile(preview, "bank", "bank_counter")
    assert guess["customer_name"] == {"column": "姓名"}
    assert guess["last_contact"] == {"column": "last_contact_date"}
    assert "姓名" not in [f["column"] for f in guess["features"]]
    shown = data_preview.masked_rows(preview, "customer_id", "opaque")
    assert [r[4] for r in shown[:2]] == ["王**", "李**"]
    partner = data_preview.guess_profile(preview, "partner", "p")
    assert "customer_name" not in partner and "姓名" not in [f["column"] for f in partner["features"]]


def test_last_contact_days_follow_the_consent_times_rules():
    from app.data.columns import Day
    day = Day()
    bad = day.add(["2025-03-01", "2025/03/01", "2025-03-01 23:59:59",
                   "2025-03-01T16:30:00+00:00", "", "NA", "1969-12-31", "yesterday", "20250301"])
    march_1 = _day("2025-03-01")
    assert day.finish().tolist() == [march_1] * 3 + [march_1 + 1, -1, -1, -1, -1, -1]
    assert bad == [6, 7, 8]         # before 1970 would read as "never"; 20250301 is no consent time
