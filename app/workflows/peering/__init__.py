"""Peers: pinned identities, the link service and its status, signed audit heads."""

from app.net.identity import parse_fingerprint, short_code  # noqa: F401 (what people compare)
from app.net.tls import PinMismatch  # noqa: F401 (a peer showed a certificate other than the pin)
