"""Every write of the members app, one module per domain (as pretix's base/services/).

`membership` holds memberships, dues and reminders. Callers import from the
module that owns a function; this package re-exports the membership services
for the callers that predate the split.
"""

from members.services.membership import *  # noqa: F401,F403
from members.services.membership import (  # noqa: F401
    GRACE_DAYS,
    GRACE_NOTICE_DAYS,
    PRIVACY_VERSION,
    RENEWAL_NOTICE_DAYS,
    RESIGN_LINK_MAX_AGE,
    STATUTES_VERSION,
)
