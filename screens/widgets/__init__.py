"""Reusable widgets and dialogs of the workbench screens."""
