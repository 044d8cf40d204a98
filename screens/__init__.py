"""The Textual UI: one module per screen; talks to services only."""
