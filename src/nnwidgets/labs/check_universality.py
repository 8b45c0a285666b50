"""Checks for lab 11 (universality): filled in by the lab's exercises."""

__all__: list[str] = []
