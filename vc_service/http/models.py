from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base

CLIENT_LENGTH = 64


class RateLimitWindow(Base):
    """Requests one client made to one limit in one fixed window: what several controllers on
    one PostgreSQL database count together."""

    __tablename__ = "rate_limit_windows"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)  # the limit's name
    client: Mapped[str] = mapped_column(String(CLIENT_LENGTH), primary_key=True)  # its address
    window_index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # start // period
    hits: Mapped[int] = mapped_column(Integer)
