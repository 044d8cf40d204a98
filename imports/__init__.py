"""Excel/CSV in and out. No Textual."""
