"""Two party processes over real loopback TLS, for benchmarks that need one process per party.

Why processes: each party then has its own memory (peak RSS per party), its own crypto pool and,
if asked, its own core. The feature party listens, the label party connects with the feature
party's pinned certificate; each party reports one dict through a queue (or ``{"error": ...}``).
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import Callable

ROLES = ("feature", "label")  # the listener starts first


def on_link(role: str, link: tuple, work: Callable[[object], dict], out) -> None:
    """Inside a party process: open the TLS session, run ``work(channel)``, report its dict."""
    from app.net.identity import Identity, certificate_fingerprint
    from app.net.peer_session import ChannelOptions, connect, serve, session_codec
    from app.workflows.job_types import standard

    pems, peer_cert, ports = link
    identity = Identity(*pems)
    # the job types' messages, declared on the channel as the link service declares them
    options = ChannelOptions(codec=session_codec(standard().messages()))

    def run(channel) -> None:
        try:
            out.put({"role": role, **work(channel)})
        except BaseException as exc:  # reported to the parent, which raises it
            out.put({"role": role, "error": f"{type(exc).__name__}: {exc}"})

    if role == "feature":
        done = threading.Event()
        listener = serve("127.0.0.1", 0, identity, [peer_cert], lambda ch: (run(ch), done.set()),
                         party_name="feature", options=options)
        ports.put(listener.port)
        done.wait()
        listener.stop()
    else:
        port = ports.get(timeout=600)
        with connect("127.0.0.1", port, identity, certificate_fingerprint(peer_cert),
                     party_name="label", timeout=30, options=options) as channel:
            run(channel)


def run_parties(target: Callable, args: dict[str, tuple], timeout: float = 7200) -> dict[str, dict]:
    """Start ``target(role, *args[role], link, out)`` in one spawned process per role (``link`` is
    for ``on_link``) and return ``{role: report}``; a party's error is raised here."""
    from app.net.identity import generate_identity

    ids = {role: generate_identity(role) for role in ROLES}
    ctx = multiprocessing.get_context("spawn")
    ports, out = ctx.Queue(), ctx.Queue()
    procs = []
    for role in ROLES:
        other = ROLES[1 - ROLES.index(role)]
        link = ((ids[role].cert_pem, ids[role].key_pem), ids[other].cert_pem, ports)
        procs.append(ctx.Process(target=target, args=(role, *args[role], link, out)))
    for proc in procs:
        proc.start()
    reports = {}
    try:
        for _ in procs:
            report = out.get(timeout=timeout)
            reports[report["role"]] = report
    finally:
        for proc in procs:
            proc.join(timeout=60)
            if proc.is_alive():
                proc.terminate()
    errors = [r["error"] for r in reports.values() if "error" in r]
    if errors:
        raise RuntimeError("A party process failed: " + "; ".join(errors))
    return reports
