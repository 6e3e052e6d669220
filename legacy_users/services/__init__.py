"""Domain services: the only code that changes a legacy user's migration state."""
