"""The desktop app's peer link while a workspace is open: a listener, and what each peer last said.

The GUI keeps one ``PeerLink`` per signed-in session: a ``PeerService`` listening in the background
(so the peer can reach us for proposals and job runs) plus a small board of the latest outcome per
peer (reachable with its round trip, unreachable, or answering with a key we did not pin). Plain
Python, so it is tested and reused without Qt; the pages only render it.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import datetime

from app import messages
from app.errors import PeerError, UserFacingError
from app.net.identity import format_fingerprint, parse_fingerprint, short_code
from app.net.tls import PinMismatch
from app.store import jobs as job_store
from app.store import peers as peer_store
from app.store.workspace import now_iso
from app.workflows.peering import peers
from app.workflows.peering.peers import listen_address  # noqa: F401  (the GUI reads it here)
from app.workflows.jobs import JOB_TYPES
from app.workflows.peering.link import PeerService
from app.workflows.session import Session

DEFAULT_LISTEN = "127.0.0.1:0"
_GROUPED_FP = re.compile(r"(?:[0-9A-F]{4} ){15}[0-9A-F]{4}")


@dataclass(frozen=True)
class Mismatch:
    """Both fingerprints of a pin mismatch, grouped hex plus the code read aloud."""

    pinned: str
    pinned_code: str
    presented: str | None  # None when the refusal did not name it
    presented_code: str | None


@dataclass(frozen=True)
class PeerState:
    """The latest outcome with one peer in this session: ``ok``, ``failed`` (unreachable or
    refused, see ``sentence``; ``error`` keeps the exception, so it can be said in the reader's
    language) or ``mismatch`` (it answered with a key we did not pin)."""

    kind: str
    at: str
    sentence: str = ""
    rtt_ms: float | None = None
    protocol_version: int | None = None
    party_name: str | None = None
    warnings: tuple[str, ...] = ()   # in English; ``said_warnings`` in the reader's language
    mismatch: Mismatch | None = None
    error: BaseException | None = None
    coded_warnings: tuple[tuple[str, dict], ...] = ()

    def said_warnings(self, language: str) -> list[str]:
        """The warnings (an audit chain rolled back) as sentences in ``language``."""
        return messages.render_all(list(self.coded_warnings), language)


def mismatch_of(exc: PinMismatch, pinned: bytes) -> Mismatch:
    """Read the presented fingerprint out of the refusal (the TLS layer names both in its text)."""
    pinned_text = format_fingerprint(pinned)
    others = [fp for fp in _GROUPED_FP.findall(str(exc)) if fp != pinned_text]
    presented = others[0] if others else None
    return Mismatch(pinned_text, short_code(pinned), presented,
                    short_code(parse_fingerprint(presented)) if presented else None)


class PeerLink:
    """A ``PeerService`` (listener optional) and the board of per-peer outcomes, for one session."""

    def __init__(self, session: Session, listen: str = DEFAULT_LISTEN):
        self.session = session
        self.listen = listen or DEFAULT_LISTEN
        self.error: BaseException | None = None  # why the listener is not running
        self._states: dict[str, PeerState] = {}
        self._lock = threading.Lock()
        host, port = peers.parse_address(self.listen, allow_any_port=True)
        self.service = PeerService(session, host=host, port=port)

    # -- listener ------------------------------------------------------------------------------
    def start(self) -> str | None:
        """Listen; on failure keep the sentence in ``error`` (the app works on without it)."""
        try:
            self.service.start()
        except (OSError, PeerError) as exc:
            self.error = exc
            return None
        self.error = None
        return self.address

    def stop(self) -> None:
        self.service.stop()

    @property
    def running(self) -> bool:
        return self.service.listener is not None

    @property
    def address(self) -> str | None:
        if not self.running:
            return None
        host = self.service.host
        return f"[{host}]:{self.service.port}" if ":" in host else f"{host}:{self.service.port}"

    # -- actions, called from worker threads -----------------------------------------------------
    def learn(self, name: str) -> PeerState:
        """Fetch the newly pinned peer's certificate; the outcome says whether it matches."""
        def fetch() -> dict:
            self.service.learn_certificate(name)
            return {}
        return self._record(name, fetch)

    def check(self, name: str) -> PeerState:
        return self._record(name, lambda: self.service.check(name))

    def _record(self, name: str, action) -> PeerState:
        try:
            result = action()
        except PinMismatch as exc:
            pinned = peers.get_peer(self.session.workspace, name)["fingerprint_bytes"]
            state = PeerState("mismatch", now_iso(), str(exc), mismatch=mismatch_of(exc, pinned),
                              error=exc)
        except PeerError as exc:
            state = PeerState("failed", now_iso(), str(exc), error=exc)
        else:
            state = PeerState("ok", now_iso(), rtt_ms=result.get("rtt_ms"),
                              protocol_version=result.get("protocol_version"),
                              party_name=result.get("party_name"),
                              warnings=tuple(result.get("warnings", ())),
                              coded_warnings=tuple(result.get("coded_warnings", ())))
        with self._lock:
            self._states[name] = state
        return state

    def forget(self, name: str, fingerprint: bytes) -> None:
        """After a peer is removed: drop its outcome and refuse its connections from now on."""
        with self._lock:
            self._states.pop(name, None)
        listener = self.service.listener
        if listener is not None:
            listener.forget(fingerprint)

    def state(self, name: str) -> PeerState | None:
        with self._lock:
            return self._states.get(name)


# -- the one link of each signed-in GUI session -------------------------------------------------
_links: dict[int, PeerLink] = {}


def start_link(session: Session, listen: str = DEFAULT_LISTEN) -> PeerLink:
    """Create and start the session's link (a bad listen address leaves it stopped, with why)."""
    stop_link(session)
    try:
        link = PeerLink(session, listen)
    except UserFacingError as exc:  # not HOST:PORT
        link = PeerLink(session, DEFAULT_LISTEN)
        link.error = exc
    else:
        link.start()
    _links[id(session)] = link
    return link


def stop_link(session: Session) -> None:
    link = _links.pop(id(session), None)
    if link is not None:
        link.stop()


def link_for(session: Session) -> PeerLink | None:
    link = _links.get(id(session))
    return link if link is not None and link.session is session else None


# -- small reads the pages need -------------------------------------------------------------------
def certificate_known(session: Session) -> set[str]:
    """Names of pinned peers whose certificate we hold (without it they cannot connect to us)."""
    return set(session.workspace.db.run(peer_store.certificates))


def auto_approve_policies(session: Session) -> dict[str, bool]:
    """Every job type with its auto-approve flag (absent from the table means off)."""
    stored = session.workspace.db.run(job_store.policies)
    return {t: stored.get(t, False) for t in JOB_TYPES}


def local_time(iso: str | None) -> str:
    """A stored UTC timestamp as local 'YYYY-MM-DD HH:MM:SS' ('' when absent or unreadable)."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso


__all__ = ["DEFAULT_LISTEN", "Mismatch", "PeerLink", "PeerState", "auto_approve_policies",
           "certificate_known", "link_for", "local_time", "mismatch_of", "start_link",
           "stop_link"]
