"""Helpers used only by tests and benchmarks."""
