"""Use cases: each takes a Session and returns plain data. No Textual, no Excel."""
