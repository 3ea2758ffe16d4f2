"""``align``: propose a private alignment to a peer, wait for its approval, run it;
``alignments``: list stored alignments (sizes only, never identifiers)."""

from __future__ import annotations

import sys

from app.commands._common import add_workspace_args, signed_in
from app.workflows.tasks import Task


def register(sub) -> None:
    align = sub.add_parser("align", help="align customers with a peer (private set intersection)")
    add_workspace_args(align)
    align.add_argument("--peer", required=True, help="the pinned peer's name")
    align.add_argument("--id-type", required=True, choices=["mobile", "id_card", "opaque"])
    align.add_argument("--dataset", help="our dataset (default: our only one with that ID type)")
    align.add_argument("--wait", type=float, default=600.0,
                       help="seconds to wait for the peer's approval (default 600)")
    align.add_argument("--job", help="run (or resume) this already proposed alignment job instead")
    align.add_argument("--chunk-size", type=int, default=None,
                       help="identifiers per chunk (default 4096); a resumed run continues from "
                            "the last finished chunk")
    align.set_defaults(handler=_align)

    lst = sub.add_parser("alignments", help="stored alignments: sizes and overlap, no IDs")
    add_workspace_args(lst)
    lst.set_defaults(handler=_list)


def _progress_printer() -> Task:
    """One line per 10 % on stderr (works in logs too, not only terminals)."""
    shown = [-1]

    def show(done, total, message, eta):
        step = 10 * done // total if total else 0
        if step != shown[0]:
            shown[0] = step
            left = f", about {eta:.0f} s left" if eta else ""
            print(f"aligning: {done}/{total} items{left}", file=sys.stderr, flush=True)
    return Task(show)


def _align(args) -> int:
    from app.workflows import alignment, jobs
    from app.workflows.peering.link import PeerService
    with signed_in(args) as session:
        service = PeerService(session)
        if args.job:
            job = jobs.show(session, args.job)
        else:
            job = alignment.propose_alignment(
                session, service, args.peer, args.dataset, args.id_type, wait=args.wait,
                **({} if args.chunk_size is None else {"chunk_size": args.chunk_size}))
            print(f"Proposed alignment job {job.id} to '{args.peer}': {job.state}.", flush=True)
        if job.state == "proposed":
            print(f"No decision yet. When '{args.peer}' approves (jobs approve {job.id}), run: "
                  f"align --job {job.id}", file=sys.stderr)
            return 1
        if job.state == "rejected":
            print(f"The peer rejected the alignment: {jobs.said(job.reason) or 'no reason given'}.",
                  file=sys.stderr)
            return 1
        done = service.run_or_resume(job.id, task=_progress_printer(), wait=args.wait)
        if done.state != "finished":
            print(f"Job {done.id} is {done.state}: '{args.peer}' has not approved resuming it yet "
                  f"(jobs approve {done.id} there), then run: align --job {done.id}",
                  file=sys.stderr)
            return 1
        r = done.result
        print(f"Alignment {done.id} finished: {r['size']} customers in common "
              f"({r['overlap_rate']:.1%} of our {r['own_count']}; the peer has {r['peer_count']}).")
        return 0


def _list(args) -> int:
    from app.workflows import alignment
    with signed_in(args) as session:
        rows = alignment.alignments(session)
    if not rows:
        print("No alignments yet.")
    for a in rows:
        print(f"{a['id']}\t{a['peer']}\t{a['dataset']}\t{a['id_type']}\tsize {a['size']}\t"
              f"overlap {a['overlap_rate']:.1%} of {a['own_count']}\tpeer {a['peer_count']}\t"
              f"{a['created_at']}")
    return 0
