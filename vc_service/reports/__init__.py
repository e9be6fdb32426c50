"""The SIG's health report: attendance, newcomers, badge pickup, talks and regions over a period."""
