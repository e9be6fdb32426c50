"""The SIG's meetings, their talks and who attended."""
