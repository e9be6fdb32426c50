"""SIG Credentials: a FastAPI controller that issues and verifies badges through ACA-Py."""
