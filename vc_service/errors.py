"""The service's domain errors: a service raises the one that says what went wrong, and the app maps
each class to its HTTP status once (``main.py``), so routes need not translate them."""

from collections.abc import Mapping


class ServiceError(Exception):
    """A request the service refuses or cannot serve now; its message is the answer's ``detail``."""

    status_code = 500

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.headers = dict(headers or {})


class BadRequest(ServiceError):
    """The request is malformed where the API has always answered 400 (not FastAPI's 422)."""

    status_code = 400


class Unauthorized(ServiceError):
    status_code = 401


class Forbidden(ServiceError):
    status_code = 403


class NotFound(ServiceError):
    """No such thing, or it belongs to another SIG (never told apart)."""

    status_code = 404


class Conflict(ServiceError):
    """The thing exists but is not in a state that allows the request."""

    status_code = 409


class Gone(ServiceError):
    """It was there and is no longer (a door that closed)."""

    status_code = 410


class TooLarge(ServiceError):
    status_code = 413


class Invalid(ServiceError):
    """Well-formed but refused by the domain (an unknown presenter, a malformed credential, ...)."""

    status_code = 422


class TooManyRequests(ServiceError):
    status_code = 429


class BadGateway(ServiceError):
    """Something the service relies on (its agent) failed to answer properly."""

    status_code = 502


class Unavailable(ServiceError):
    """Something the service needs is not there now; ``retry_after`` says when to try again."""

    status_code = 503

    def __init__(
        self, message: str, *, retry_after: int | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        super().__init__(message, headers={**(headers or {}), **extra})
