"""Loading legacy user exports: read rows, validate them, upsert them atomically."""
