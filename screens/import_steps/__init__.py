"""The steps of the import wizard (screens.import_wizard), one widget per step."""
