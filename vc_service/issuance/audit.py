"""Every badge that becomes issued is in the audit log, whichever path issued it.

Badges reach "issued" on several paths (a webhook, the worker's reconciliation, a file download);
one flush hook sees them all, so no path can forget the record.
"""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..audit.models import AuditEvent
from ..badges.models import Badge


@event.listens_for(Session, "before_flush")
def record_issued_badges(session: Session, _flush_context, _instances) -> None:
    for badge in [*session.dirty, *session.new]:
        if isinstance(badge, Badge) and badge.state == "issued" and inspect(badge).attrs.state.history.added:
            session.add(
                AuditEvent(
                    sig_id=badge.sig_id,
                    actor="service",
                    action="credential.issued",
                    subject=badge.credential_id,
                    detail={
                        "badge_id": badge.id,
                        "kind": badge.kind,
                        "member_id": badge.member_id,
                        "delivery": badge.delivery,
                    },
                )
            )
