"""The ACA-Py agent: its typed admin API client and, in the embedded default, its supervisor."""
