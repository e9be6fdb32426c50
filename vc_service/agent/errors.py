"""What can go wrong when the controller talks to its agent."""


class AgentError(Exception):
    """Any failure of a call to the agent's admin API (answered 502 by the API)."""


class AgentUnavailable(AgentError):
    """The agent could not be reached or did not answer in time (answered 503)."""


class AgentFailed(AgentError):
    """The agent answered with a server error (answered 502)."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class AgentRejected(AgentError):
    """The agent refused the request as invalid (4xx): its message says why."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class AgentStartError(AgentError):
    """The supervised agent process exited or did not become ready."""
