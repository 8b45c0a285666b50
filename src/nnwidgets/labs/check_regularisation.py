"""Checks for lab 9 (overfitting and regularisation): filled in by the lab's exercises."""

__all__: list[str] = []
