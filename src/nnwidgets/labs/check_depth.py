"""Checks for lab 12 (depth and the vanishing gradient): filled in by the lab's exercises."""

__all__: list[str] = []
