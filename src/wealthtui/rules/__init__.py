"""Pure rules: no database, no UI, no imports from the rest of wealthtui."""
