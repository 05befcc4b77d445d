"""The catalog contract: record types, closed vocabularies, DDL migrations and analysts' views."""
