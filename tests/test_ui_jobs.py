"""The Jobs inbox: a proposal sent over real loopback TLS by the other workspace shows up with all
its parameters, approving it through the button answers the waiting peer and is audited; rejecting
needs a reason; running jobs show their progress, finished ones their transcript hash; the kill
switch shows its banner and refuses approval; auto-approve policies."""

from __future__ import annotations

import threading
import uuid

import pytest

from app.ui.pages.jobs import JobsPage
from app.workflows import audit_trail, jobs, users
from app.workflows.job_types import standard
from app.workflows.peering import status as peer_status
from app.workflows.peering.link import PeerService
from app.workflows.session import login
from linked import add_analyst, close, make_admins, pin, shown_pages

WAIT_MS = 8000
PARAMS = {"id_column": "customer_id", "min_overlap": 1000, "rotate_salt": True, "note": None}

JOB_TYPES = standard()


@pytest.fixture
def linked(tmp_path):
    """Bank (an analyst's PeerService) and Platform (the GUI's link, signed in as admin), paired."""
    bank_admin, platform = make_admins(tmp_path)
    bank = PeerService(add_analyst(bank_admin), decision_timeout=10)
    bank.start()
    gui_link = peer_status.start_link(platform)
    pin((bank_admin, platform), f"127.0.0.1:{bank.port}", gui_link.address)
    bank.learn_certificate("platform")
    assert gui_link.learn("bank").kind == "ok"
    yield bank, platform
    bank.stop()
    peer_status.stop_link(platform)
    close([], (bank_admin, platform))


@pytest.fixture
def make_page(qtbot):
    with shown_pages(qtbot, JobsPage) as make:
        yield make


def cells(table, row):
    return [table.item(row, c).text() if table.item(row, c) else ""
            for c in range(table.columnCount())]


def parameters(page):
    return {page.params.item(r, 0).text(): page.params.item(r, 1).text()
            for r in range(page.params.rowCount())}


def remote_proposal(platform, job_type="training", params=None):
    return jobs.receive_proposal(platform.workspace, "bank", str(uuid.uuid4()), job_type,
                                 params or {"rounds": 20}, JOB_TYPES)


def test_proposal_from_peer_is_shown_and_approved_through_the_button(linked, make_page, qtbot):
    bank, platform = linked
    page = make_page(platform)
    assert page.pending.rowCount() == 0
    answer = {}
    proposer = threading.Thread(target=lambda: answer.setdefault(
        "job", bank.propose("training", "platform", PARAMS, wait=10)))
    proposer.start()
    qtbot.waitUntil(lambda: page.pending.rowCount() == 1, timeout=WAIT_MS)  # the 1 s refresh
    row = cells(page.pending, 0)
    assert row[:3] == ["Training", "bank", "Peer bank"] and row[4] == "Our decision"
    assert row[3][:4].isdigit()  # created, local time
    assert parameters(page) == {"id_column": "customer_id", "min_overlap": "1000",
                                "rotate_salt": "True", "note": "—"}
    assert [v.text() for v in page.fact_values][:3] == ["Training", "bank", "Peer bank"]
    assert page.approve_button.isEnabled() and page.tabs.tabText(0) == "Waiting (1)"
    page.approve_button.click()
    proposer.join(15)
    job = jobs.list_jobs(platform)[0]
    assert job.state == "approved" and job.decided_by == "admin"
    assert answer["job"].state == "approved"  # the waiting peer got the decision
    assert page.message.kind == "success" and page.pending.rowCount() == 0
    assert cells(page.active, 0)[:3] == ["Training", "bank", "Approved"]
    approvals = audit_trail.list_entries(platform, action="job.approve")
    assert len(approvals) == 1 and job.id in approvals[0]["objects"]


def test_reject_needs_a_reason_and_lands_in_history(linked, make_page):
    _, platform = linked
    job = remote_proposal(platform)
    page = make_page(platform)
    page.reject_button.click()
    assert page.message.kind == "error" and "reason" in page.message.text()
    assert jobs.get(platform, job.id).state == "proposed"
    page.reason.setText("not this quarter")
    page.reject_button.click()
    assert jobs.get(platform, job.id).state == "rejected"
    row = cells(page.history, 0)
    assert row[:3] == ["Training", "bank", "Rejected"] and row[5] == "not this quarter"
    assert len(audit_trail.list_entries(platform, action="job.reject")) == 1


def test_running_progress_then_transcript_hash_in_history(linked, make_page, qtbot):
    _, platform = linked
    ws = platform.workspace
    job = remote_proposal(platform)
    jobs.decide(platform, job.id, approve=True, job_types=JOB_TYPES)
    jobs.transition(ws, job.id, "running")
    page = make_page(platform)
    jobs.report_progress(ws, job.id, 30, 120, "Building trees")
    qtbot.waitUntil(lambda: page.active.cellWidget(0, 3) is not None
                    and page.active.cellWidget(0, 3).value() == 30, timeout=WAIT_MS)
    bar = page.active.cellWidget(0, 3)
    assert bar.maximum() == 120 and cells(page.active, 0)[4] == "Building trees"
    digest = "ab" * 32
    jobs.transition(ws, job.id, "finished", transcript_hash=digest, result={"trees": 20})
    qtbot.waitUntil(lambda: page.history.rowCount() == 1, timeout=WAIT_MS)
    assert cells(page.history, 0)[2] == "Finished"
    assert page.history.item(0, 4).toolTip() == digest
    assert cells(page.history, 0)[4] == digest[:16] + "…"
    assert page.active.rowCount() == 0 and page.tabs.tabText(2) == "History (1)"


def test_kill_switch_banner_refuses_approval(linked, make_page):
    _, platform = linked
    job = remote_proposal(platform)
    page = make_page(platform)
    assert not page.banner.isVisible() and page.approve_button.isEnabled()
    page.admin.kill_button.click()
    assert jobs.paused(platform)
    assert page.banner.isVisible() and page.banner.kind == "error"
    assert "PAUSED" in page.banner.text()
    assert page.admin.kill_button.text() == "Resume cross-party work"
    assert not page.approve_button.isEnabled()
    page.approve_selected()  # even if the button were clicked, the workflow refuses
    assert page.message.text() == "Cross-party work is paused by an administrator (kill switch); ask an administrator to resume it."
    assert jobs.get(platform, job.id).state == "proposed"
    page.admin.kill_button.click()
    assert not page.banner.isVisible() and page.approve_button.isEnabled()
    actions = [e["action"] for e in audit_trail.list_entries(platform, action="killswitch")]
    assert sorted(actions) == ["killswitch.pause", "killswitch.resume"]


def test_auto_approve_policy_checkboxes(linked, make_page, qtbot):
    _, platform = linked
    page = make_page(platform)
    page.admin.policy_boxes["scoring"].setChecked(True)
    assert peer_status.auto_approve_policies(platform)["scoring"] is True
    assert page.message.kind == "success"
    job = remote_proposal(platform, "scoring", {"model": "m1"})
    assert job.state == "approved" and job.decided_by == "policy"
    qtbot.waitUntil(lambda: page.active.rowCount() == 1, timeout=WAIT_MS)
    page.admin.policy_boxes["scoring"].setChecked(False)
    assert peer_status.auto_approve_policies(platform)["scoring"] is False
    assert len(audit_trail.list_entries(platform, action="job.policy")) == 2


def test_analysts_decide_but_do_not_see_admin_controls(linked, make_page):
    _, platform = linked
    users.add_user(platform, "li", "analyst", "analyst-pass")
    remote_proposal(platform)
    page = make_page(login(platform.workspace, "li", "analyst-pass"))
    assert page.admin.isHidden() and not page.banner.isVisible()
    assert page.approve_button.isVisible() and page.approve_button.isEnabled()


@pytest.mark.parametrize("job_type, progress, unit", [("alignment", "chunk 37 of 50", "chunk"),
                                                       ("training", "tree 14 of 50", "tree")])
def test_a_resume_request_shows_where_the_stopped_run_goes_on(linked, make_page, job_type,
                                                              progress, unit):
    """The approver decides a resume knowing where it continues; approving is one more run."""
    _, platform = linked
    ws = platform.workspace
    params = ({"rounds": 20} if job_type == "training" else
              {"id_type": "mobile", "chunk_size": 64, "max_items_proposer": 5000,
               "max_items_approver": 5000})
    job = remote_proposal(platform, job_type, params)
    # (the alignment's own check would want a dataset here; this test is about the panel)
    accepting = JOB_TYPES.replace("alignment", check_proposal=None)
    jobs.decide(platform, job.id, approve=True, job_types=accepting)
    jobs.transition(ws, job.id, "running")
    jobs.report_progress(ws, job.id, 37, 50, progress)
    jobs.transition(ws, job.id, "failed", error="The connection to the peer was lost.")
    page = make_page(platform)
    assert page.pending.rowCount() == 0
    # the proposer asks again for the same job: a resume request waiting for our decision
    jobs.receive_proposal(ws, "bank", job.id, job_type, params, JOB_TYPES)
    page.refresh()
    assert page.pending.rowCount() == 1 and cells(page.pending, 0)[4] == "Our decision"
    number = progress.split()[1]
    assert page.resume_line.isVisible()
    assert page.resume_line.text().startswith(f"Resume job {job.id} from {unit} {number}: ")
    assert jobs.resume_note(jobs.get(ws, job.id)) == f"resume job {job.id} from {unit} {number}"
    if job_type == "training":
        page.approve_button.click()
        assert jobs.get(ws, job.id).state == "approved" and page.pending.rowCount() == 0


def test_a_new_proposal_shows_no_resume_line(linked, make_page):
    _, platform = linked
    remote_proposal(platform)
    page = make_page(platform)
    assert page.pending.rowCount() == 1 and not page.resume_line.isVisible()
