"""The store: engine factory, migrations, backup and integrity checks. Opens nothing at import."""
