"""Private alignment as a job between two workspaces over real loopback TLS: data imported through
import_dataset, proposed on one side, approved on the other, run, stored on both sides in the same
order; refusals, revocation after the fact, a hostile peer and a dropped link."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest

from app.data.generator import generate
from app.errors import JobRefused, PeerError, RemoteProtocolError, UserFacingError
from app.store import alignments as alignment_store
from app.workflows import alignment, jobs
from app.workflows.importing import data_import
from app.workflows.job_types import standard
from app.workflows.alignment.rows import usable_rows
from app.workflows.peering import link
from app.workflows.peering import peers
from app.workflows.tasks import Task
from linked import close, import_demo, pin, serve_and_pair, workspaces

JOB_TYPES = standard()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("align-demo")
    paths = generate(rows=3000, seed=3, out=str(out))
    profile = json.loads(open(paths["partner_profile"], encoding="utf-8").read())
    profile["identifier"]["type"] = "opaque"        # same file, other ID type: a mismatch
    paths["partner_profile_opaque"] = str(out / "partner_profile_opaque.json")
    (out / "partner_profile_opaque.json").write_text(json.dumps(profile), encoding="utf-8")
    return paths


def _link(tmp_path, demo, partner_profile="partner_profile"):
    admins, analysts = workspaces(tmp_path)
    import_demo(analysts, demo, partner_profile)
    return admins, analysts, serve_and_pair(admins, analysts)


@pytest.fixture
def linked(tmp_path, demo):
    admins, analysts, services = _link(tmp_path, demo)
    yield analysts, services
    close(services, admins)


def _approve_when_it_arrives(session, seen_problems: list):
    def approve():
        for _ in range(200):
            pending = [j for j in jobs.list_jobs(session) if j.state == "proposed"]
            if pending:
                seen_problems.append(alignment.check_proposal(session.workspace, pending[0]))
                jobs.decide(session, pending[0].id, approve=True, job_types=JOB_TYPES)
                return
            time.sleep(0.05)
    thread = threading.Thread(target=approve)
    thread.start()
    return thread


def _propose_approved(bank, platform, bank_link, **kw):
    problems: list = []
    approver = _approve_when_it_arrives(platform, problems)
    job = alignment.propose_alignment(bank, bank_link, "platform", None, "mobile", wait=10, **kw)
    approver.join()
    assert job.state == "approved"
    return job, problems


def _wait_state(workspace, job_id, states, seconds=10.0):
    deadline = time.monotonic() + seconds
    job = jobs.get(workspace, job_id)
    while job.state not in states and time.monotonic() < deadline:
        time.sleep(0.05)
        job = jobs.get(workspace, job_id)
    return job


def _eligible(session, id_type="mobile"):
    name = alignment.choose_dataset(session.workspace, id_type)[0]
    return data_import.load_eligible(session, name)


def test_both_sides_store_the_plain_intersection_in_the_same_order(linked, tmp_path):
    (bank, platform), (bank_link, _) = linked
    job, problems = _propose_approved(bank, platform, bank_link)
    assert problems == [[]]
    done = bank_link.run(job.id)
    theirs = _wait_state(platform.workspace, job.id, ("finished", "failed"))
    assert done.state == "finished" and theirs.state == "finished"

    bank_ids, platform_ids = _eligible(bank).ids, _eligible(platform).ids
    expected = set(bank_ids.tolist()) & set(platform_ids.tolist())
    assert 0 < len(expected) < min(len(bank_ids), len(platform_ids))
    assert done.result == {"size": len(expected), "own_count": len(bank_ids),
                           "peer_count": len(platform_ids),
                           "overlap_rate": round(len(expected) / len(bank_ids), 6)}
    assert theirs.result["size"] == len(expected)
    assert theirs.result["own_count"] == len(platform_ids)
    stored_bank = bank.workspace.db.run(alignment_store.load_alignment_ids, job.id).tolist()
    stored_platform = platform.workspace.db.run(alignment_store.load_alignment_ids, job.id).tolist()
    assert stored_bank == stored_platform and set(stored_bank) == expected

    listed = alignment.alignments(platform)
    assert [a["job_id"] for a in listed] == [job.id] and listed[0]["size"] == len(expected)
    assert not any(isinstance(v, (bytes, list, np.ndarray)) for v in listed[0].values())

    # A revocation imported afterwards removes those customers from every later use.
    victims = [i.decode() for i in stored_bank[:3]]
    path = tmp_path / "revoke.csv"
    path.write_text("customer_id,purpose,granted_at,expires_at,revoked_at\n" + "".join(
        f"{v},joint-marketing-model,2020-01-01 00:00:00,,2026-01-01 00:00:00\n" for v in victims))
    name = alignment.choose_dataset(bank.workspace, "mobile")[0]
    data_import.import_consent(bank, name, str(path))
    keep, rows = usable_rows(bank.workspace, job.id, _eligible(bank))
    assert keep.tolist() == [False] * 3 + [True] * (len(expected) - 3)
    assert _eligible(bank).ids[rows].tolist() == stored_bank[3:]


def test_mismatched_id_types_are_refused_at_proposal_and_approval(tmp_path, demo):
    admins, (bank, platform), services = _link(tmp_path, demo, "partner_profile_opaque")
    bank_link = services[0]
    try:
        with pytest.raises(UserFacingError, match="no dataset with id_card IDs"):
            alignment.propose_alignment(bank, bank_link, "platform", None, "id_card")
        name = alignment.choose_dataset(bank.workspace, "mobile")[0]
        with pytest.raises(UserFacingError, match="not opaque IDs"):
            alignment.propose_alignment(bank, bank_link, "platform", name, "opaque")
        # The platform holds opaque IDs only: approving is refused with the named problem, so its
        # analyst rejects, and the bank's proposal comes back rejected.
        refused: list = []

        def approver():
            for _ in range(200):
                pending = [j for j in jobs.list_jobs(platform) if j.state == "proposed"]
                if pending:
                    try:
                        jobs.decide(platform, pending[0].id, approve=True, job_types=JOB_TYPES)
                    except JobRefused as exc:
                        refused.append(str(exc))
                        jobs.decide(platform, pending[0].id, approve=False,
                                    reason="no mobile data", job_types=JOB_TYPES)
                    return
                time.sleep(0.05)
        thread = threading.Thread(target=approver)
        thread.start()
        job = alignment.propose_alignment(bank, bank_link, "platform", None, "mobile", wait=10)
        thread.join()
        assert refused and "no dataset with mobile IDs" in refused[0]
        assert job.state == "rejected" and job.reason == "no mobile data"
        assert bank.workspace.db.run(alignment_store.list_alignments) == []
    finally:
        close(services, admins)


def test_invalid_point_from_the_peer_fails_both_jobs(linked, monkeypatch):
    (bank, platform), (bank_link, _) = linked
    real_runner = alignment.run_alignment_job

    class Corrupting:
        """The platform's channel, sending a non-canonical point in its first blinded chunk."""
        def __init__(self, channel):
            self.channel = channel

        def send(self, msg_type, body):
            if msg_type == "lianmo.alignment.blinded" and body["chunk"] == 0:
                body = {**body, "points": b"\xff" * 32 + body["points"][32:]}
            self.channel.send(msg_type, body)

        def recv(self, timeout=None):
            return self.channel.recv(timeout)

    def runner(workspace, job, channel, initiator, task):
        if workspace is platform.workspace:
            channel = Corrupting(channel)
        return real_runner(workspace, job, channel, initiator, task)
    for service in linked[1]:  # both parties run the swapped runner
        monkeypatch.setattr(service, "job_types", JOB_TYPES.replace("alignment", runner=runner))

    job, _ = _propose_approved(bank, platform, bank_link)
    with pytest.raises(RemoteProtocolError, match="invalid point"):
        bank_link.run(job.id)
    ours = jobs.get(bank.workspace, job.id)
    theirs = _wait_state(platform.workspace, job.id, ("failed",))
    assert ours.state == "failed" and "'points' holds an invalid point" in ours.error
    assert theirs.state == "failed" and "stopped the alignment because of an error" in theirs.error
    assert bank.workspace.db.run(alignment_store.list_alignments) == []
    assert platform.workspace.db.run(alignment_store.list_alignments) == []


class DroppingTask(Task):
    """Cuts the link once, after the first chunk came back (as a network failure would)."""
    def __init__(self):
        super().__init__()
        self.dropped = False

    def progress(self, done, total, message=""):
        if done and not self.dropped:
            self.dropped = True
            raise PeerError("The connection to the peer was lost.")


def test_a_dropped_link_fails_both_sides_and_only_a_new_decision_runs_it_again(linked):
    (bank, platform), (bank_link, _) = linked
    job, _ = _propose_approved(bank, platform, bank_link, chunk_size=256)
    with pytest.raises(PeerError, match="lost"):
        bank_link.run(job.id, task=DroppingTask())
    assert _wait_state(platform.workspace, job.id, ("failed",)).state == "failed"
    assert jobs.get(bank.workspace, job.id).state == "failed"
    with pytest.raises(JobRefused, match="approval again"):
        bank_link.run(job.id)

    approver = _approve_when_it_arrives(platform, [])
    done = bank_link.run_or_resume(job.id, wait=10)   # the CLI's retry: resumes on the first try
    approver.join()
    theirs = _wait_state(platform.workspace, job.id, ("finished",))
    assert done.state == "finished" and theirs.state == "finished"
    expected = set(_eligible(bank).ids.tolist()) & set(_eligible(platform).ids.tolist())
    stored = [s.workspace.db.run(alignment_store.load_alignment_ids, job.id).tolist()
              for s in (bank, platform)]
    assert stored[0] == stored[1] and set(stored[0]) == expected
    started = [e for e in platform.workspace.audit.entries() if e["action"] == "job.running"]
    assert {e["actor"] for e in started} == {"peer:bank"}   # the peer started it, not our analyst


class Watched:
    """The bank's channel in a run: records the own chunks it sends, and drops the link instead
    of delivering reblinded reply number ``drop_at`` (as a network failure or a crash would)."""
    def __init__(self, channel, sent: list, drop_at=None):
        self.channel, self.sent, self.drop_at, self.replies = channel, sent, drop_at, 0

    def send(self, msg_type, body):
        if msg_type == "lianmo.alignment.blinded":
            self.sent.append(body["chunk"])
        self.channel.send(msg_type, body)

    def recv(self, timeout=None):
        msg_type, body = self.channel.recv(timeout)
        if msg_type == "lianmo.alignment.reblinded":
            self.replies += 1
            if self.replies == self.drop_at:
                raise PeerError("The connection to the peer was lost.")
        return msg_type, body


def test_an_interrupted_alignment_resumes_from_the_last_finished_chunk_on_both_sides(
        linked, monkeypatch):
    (bank, platform), (bank_link, _) = linked
    real_runner = alignment.run_alignment_job
    runs: list[list[int]] = []

    def runner(workspace, job, channel, initiator, task):
        if workspace is bank.workspace:
            runs.append([])
            channel = Watched(channel, runs[-1], drop_at=5 if len(runs) == 1 else None)
        return real_runner(workspace, job, channel, initiator, task)
    for service in linked[1]:
        monkeypatch.setattr(service, "job_types", JOB_TYPES.replace("alignment", runner=runner))
    job, _ = _propose_approved(bank, platform, bank_link, chunk_size=64)
    with pytest.raises(PeerError):
        bank_link.run(job.id)
    assert _wait_state(platform.workspace, job.id, ("failed",)).state == "failed"
    stopped = jobs.get(bank.workspace, job.id)
    total = -(-len(set(_eligible(bank).ids.tolist())) // 64)
    assert stopped.state == "failed" and stopped.progress_message == f"chunk 4 of {total}"
    for side in (bank, platform):   # the resume point (and its scalar) is in both workspaces
        assert alignment.resume_from(side.workspace, job.id) > 0

    notes = []
    approver = threading.Thread(target=lambda: notes.append(_approve_resume(platform, job.id)))
    approver.start()
    done = bank_link.run_or_resume(job.id, wait=10)   # the CLI's retry: resumes on the first try
    approver.join()
    assert notes[0].startswith(f"resume job {job.id} from chunk ") and notes[0][-1] != "0"
    assert done.state == "finished"
    assert _wait_state(platform.workspace, job.id, ("finished",)).state == "finished"
    assert runs[1] == [] or min(runs[1]) >= 4          # the chunk counter did not restart
    assert 0 not in runs[1] and len(runs[0]) + len(runs[1]) < 2 * total
    expected = set(_eligible(bank).ids.tolist()) & set(_eligible(platform).ids.tolist())
    stored = [s.workspace.db.run(alignment_store.load_alignment_ids, job.id).tolist()
              for s in (bank, platform)]
    assert stored[0] == stored[1] and set(stored[0]) == expected   # as an uninterrupted run
    assert stored[0] == sorted(stored[0])
    for side in (bank, platform):   # the job ended: its resume point and scalar are erased
        assert alignment.resume_from(side.workspace, job.id) is None


def _approve_resume(session, job_id: str) -> str:
    """The approver's users see the resume point, then approve the new run."""
    for _ in range(200):
        job = jobs.get(session.workspace, job_id)
        if job.state == "proposed":
            note = jobs.resume_note(job)
            jobs.decide(session, job_id, approve=True, job_types=JOB_TYPES)
            return note
        time.sleep(0.05)
    return ""


def test_cli_align_with_auto_approve_then_list(tmp_path, demo):
    import os
    import re
    import socket
    import subprocess
    import sys
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    paths = [tmp_path / "bank", tmp_path / "platform"]
    admins, analysts = workspaces(tmp_path, passphrase="ws-pass")
    import_demo(analysts, demo)
    jobs.set_policy(admins[1], "alignment", True)
    certs = [peers.identity(a.workspace).cert_pem for a in admins]
    pin(admins, "127.0.0.1:9", f"127.0.0.1:{port}")
    link.store_certificate(admins[0].workspace, "platform", certs[1])
    link.store_certificate(admins[1].workspace, "bank", certs[0])
    expected = len(set(_eligible(admins[0]).ids.tolist()) & set(_eligible(admins[1]).ids.tolist()))
    for a in admins:
        a.workspace.close()

    env = {**os.environ, "LIANMO_PASSWORD": "analyst-pass", "WS_PASS": "ws-pass",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    ws = lambda p: ["--workspace", str(p), "--passphrase-env", "WS_PASS", "--user", "ana"]  # noqa
    server = subprocess.Popen([sys.executable, "-m", "app", "serve", *ws(paths[1]), "--listen",
                               f"127.0.0.1:{port}"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert "Listening" in line, line or server.stderr.read()  # EOF: it exited, say why
        run = subprocess.run([sys.executable, "-m", "app", "align", *ws(paths[0]), "--peer",
                              "platform", "--id-type", "mobile", "--wait", "20"],
                             env=env, capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert f"{expected} customers in common" in run.stdout and "aligning:" in run.stderr
        listed = subprocess.run([sys.executable, "-m", "app", "alignments", *ws(paths[0])],
                                env=env, capture_output=True, text=True, timeout=60)
        job_id = re.search(r"alignment job (\S+) ", run.stdout).group(1)
        assert listed.returncode == 0 and job_id in listed.stdout
        assert f"size {expected}" in listed.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_pinned_peer_cannot_run_an_approved_alignment_twice_or_hang_up_to_keep_it_open(
        linked, monkeypatch):
    """The attack: approve once, then job_start again (new inputs each time), or hang up instead
    of job_end so the job stays running. Over real TLS, from the proposer's own link."""
    (bank, platform), (bank_link, _) = linked
    real_runner = alignment.run_alignment_job

    def hangs_up(workspace, job, channel, initiator, task):
        result = real_runner(workspace, job, channel, initiator, task)
        if workspace is bank.workspace:
            raise PeerError("The connection to the peer was lost.")  # no job_end from us
        return result
    for service in linked[1]:  # both parties run the swapped runner
        monkeypatch.setattr(service, "job_types", JOB_TYPES.replace("alignment", runner=hangs_up))
    job, _ = _propose_approved(bank, platform, bank_link, chunk_size=256)
    with pytest.raises(PeerError):
        bank_link.run(job.id)
    assert _wait_state(platform.workspace, job.id, ("failed",)).state == "failed"   # not running

    for service in linked[1]:
        monkeypatch.setattr(service, "job_types", JOB_TYPES)
    for _ in range(2):   # job_start straight away, without a new decision: refused each time
        with bank_link.connect("platform") as channel:
            channel.send(link.JOB_START, {"job_id": job.id})
            msg_type, body = channel.recv(timeout=10)
            assert msg_type == link.JOB_END and not body["ok"] and "one run" in body["error"]
            with pytest.raises(PeerError):   # and the session ends there
                channel.recv(timeout=10)
    refused = [e for e in platform.workspace.audit.entries() if e["action"] == "job.start_refused"]
    assert len(refused) == 2 and refused[0]["actor"] == "peer:bank"
    assert jobs.get(platform.workspace, job.id).state == "failed"
    assert alignment.alignments(platform) == []   # a run that did not finish leaves nothing usable


def test_each_side_brings_at_most_the_approved_number_of_identifiers(linked):
    (bank, platform), (bank_link, _) = linked
    job, _ = _propose_approved(bank, platform, bank_link, max_items_peer=10)
    assert job.params["max_items_approver"] == 10
    assert job.params["max_items_proposer"] == len(_eligible(bank).ids)
    with pytest.raises((PeerError, RemoteProtocolError, JobRefused)):
        bank_link.run(job.id)
    theirs = _wait_state(platform.workspace, job.id, ("failed",))
    assert theirs.state == "failed" and "approved for" in theirs.error
    assert jobs.get(bank.workspace, job.id).state == "failed"
    assert alignment.alignments(bank) == [] and alignment.alignments(platform) == []


class HoldsAtChunk:
    """The platform's channel in a run: holds the bank's blinded chunk number ``hold_at`` until
    the test releases it, so the bank's process is killed while it waits for that reply."""
    def __init__(self, channel, hold_at: int, reached: threading.Event,
                 release: threading.Event):
        self.channel, self.hold_at, self.reached, self.release = channel, hold_at, reached, release

    def send(self, msg_type, body):
        self.channel.send(msg_type, body)

    def recv(self, timeout=None):
        msg_type, body = self.channel.recv(timeout)
        if msg_type == "lianmo.alignment.blinded" and body["chunk"] == self.hold_at:
            self.reached.set()
            self.release.wait(30)
        return msg_type, body


def test_an_alignment_whose_process_was_killed_is_interrupted_and_resumes_from_its_chunk(
        tmp_path, demo):
    """The bank's `align` runs in its own process and is killed (SIGKILL) mid-run: its job is
    left `running` by a process that is gone, so the next command marks it `interrupted`; the
    platform approves the resume (it sees the chunk), `align --job` resumes on the first try
    from the stored chunk and stores what an uninterrupted run stores."""
    import os
    import re
    import signal
    import subprocess
    import sys
    from app.store.workspace import Workspace
    admins, (bank, platform) = workspaces(tmp_path, passphrase="ws-pass")
    import_demo((bank, platform), demo)
    expected = sorted(set(_eligible(bank).ids.tolist()) & set(_eligible(platform).ids.tolist()))
    reached, release = threading.Event(), threading.Event()
    runs = []

    def runner(workspace, job, channel, initiator, task):
        runs.append(job.id)
        if len(runs) == 1:
            channel = HoldsAtChunk(channel, 12, reached, release)
        return alignment.run_alignment_job(workspace, job, channel, initiator, task)
    service = link.PeerService(platform, decision_timeout=20,
                               job_types=JOB_TYPES.replace("alignment", runner=runner))
    port = service.start()
    pin(admins, "127.0.0.1:9", f"127.0.0.1:{port}")       # the bank only dials
    link.store_certificate(admins[0].workspace, "platform",
                           peers.identity(admins[1].workspace).cert_pem)
    service.accept_certificate("bank", peers.identity(admins[0].workspace).cert_pem)  # trusted now,
    admins[0].workspace.close()                     # not at the listener's next one-second look

    env = {**os.environ, "LIANMO_PASSWORD": "analyst-pass", "WS_PASS": "ws-pass",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    ws = ["--workspace", str(tmp_path / "bank"), "--passphrase-env", "WS_PASS", "--user", "ana"]

    def lianmo(*args):
        return subprocess.run([sys.executable, "-m", "app", *args], env=env,
                              capture_output=True, text=True, timeout=60)
    try:
        approver = _approve_when_it_arrives(platform, [])
        first = subprocess.Popen([sys.executable, "-m", "app", "align", *ws, "--peer", "platform",
                                  "--id-type", "mobile", "--chunk-size", "64", "--wait", "20"],
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        try:
            assert reached.wait(30), first.stderr.read() if first.poll() is not None else ""
            job_id = runs[0]
            os.kill(first.pid, signal.SIGKILL)       # the bank's process dies mid-run
            assert first.wait(10) == -signal.SIGKILL
        finally:
            release.set()
            approver.join()
        assert _wait_state(platform.workspace, job_id, ("failed",)).state == "failed"

        listed = lianmo("jobs", "list", *ws)         # opening the workspace finds it gone
        assert listed.returncode == 0, listed.stderr
        line = re.search(rf"{job_id}\talignment\tplatform\tlocal\tinterrupted.*", listed.stdout)
        stopped = int(re.search(r"\tstopped at chunk (\d+) of \d+; resume: align --peer "
                                rf"platform --id-type mobile --job {job_id}$", line[0]).group(1))
        assert 0 < stopped < 12       # chunks up to the held one came back before the kill

        notes = []
        approver = threading.Thread(target=lambda: notes.append(_approve_resume(platform,
                                                                                job_id)))
        approver.start()
        resumed = lianmo("align", *ws, "--peer", "platform", "--id-type", "mobile", "--job",
                         job_id, "--wait", "20")
        approver.join()
        assert resumed.returncode == 0, resumed.stderr        # on the first try
        assert f"{len(expected)} customers in common" in resumed.stdout
        assert re.fullmatch(rf"resume job {job_id} from chunk [1-9]\d*", notes[0])
        assert _wait_state(platform.workspace, job_id, ("finished",)).state == "finished"
        assert len(runs) == 2
    finally:
        service.stop()
    with Workspace.open(tmp_path / "bank", passphrase="ws-pass") as opened:
        stored = opened.db.run(alignment_store.load_alignment_ids, job_id).tolist()
        actions = [(e["actor"], e["action"]) for e in opened.audit.entries()]
        assert alignment.resume_from(opened, job_id) is None          # the scalar is erased
    assert stored == expected      # what an uninterrupted run stores (sorted plain intersection)
    assert platform.workspace.db.run(alignment_store.load_alignment_ids, job_id).tolist() == stored
    assert ("system", "job.interrupted") in actions and ("ana", "job.resume_requested") in actions
    assert ("peer:platform", "job.peer_approved") in actions
    close([], admins[1:])
