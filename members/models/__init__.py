from members.models.dues import (  # noqa: F401
    MEMBERSHIP_MOVES,
    Membership,
    MembershipAction,
    MembershipPlan,
    Payment,
    ReceiptSequence,
    StripeEvent,
)
from members.models.register import (  # noqa: F401
    AssignmentRecipient,
    AssignmentRequest,
    DayRateBand,
    Region,
    RegisterContactMessage,
    Sector,
)
from members.models.profiles import MemberProfile  # noqa: F401
from members.models.users import User, UserManager  # noqa: F401
from members.models.pages import MembershipFeesPage  # noqa: F401
from members.models.certification import (  # noqa: F401
    Assessment,
    Certificate,
    CertificatePeriod,
    CertificateSequence,
    CertificateStatusList,
    CertificationApplication,
    CertificationLevel,
    CertificationScheme,
    CompetenceArea,
    Criterion,
    CriterionScore,
    Decision,
    Evidence,
    NormVersion,
    PortfolioAssignment,
)
from members.models.certification_cases import (  # noqa: F401
    CaseStatus,
    CertificateReminder,
    Complaint,
    Objection,
    ObjectionEvidence,
)
from members.models.charges import Charge  # noqa: F401
