"""Checks of this family are added by their issue."""

CHECKS: list = []
