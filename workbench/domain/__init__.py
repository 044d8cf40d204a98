"""Pure rules: code validation, classification, working days, reference data. Imports nothing of ours."""
