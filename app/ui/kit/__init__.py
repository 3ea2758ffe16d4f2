"""Shared pieces of every window: widgets, tables, style, labels, progress and the Qt task bridge."""
