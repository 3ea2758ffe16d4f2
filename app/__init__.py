"""Lianmo (联模): joint marketing models without raw customer data leaving its owner."""

__version__ = "0.1.0"
