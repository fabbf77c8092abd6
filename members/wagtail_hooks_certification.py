"""The certification body's part of the Wagtail admin, and the certification's audit actions.

Imported from `members/wagtail_hooks.py`. The "Certification" menu holds:

- the scheme (levels, fees, validity, thresholds, periods) and the norm versions
  with their competence areas and criteria: edited by deciders (the body);
- applications, queued by state: the secretariat records fees and assigns
  assessors, an assessor sees only the applications assigned to them and
  assesses them, a decider decides (never one who assessed);
- the certificate register with filters, and suspend / reinstate / withdraw.

Every action calls one service in `members/services/certification.py`; each
application's and certificate's history is read from the audit log.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.audit import LogFormatter

# --- Audit actions --------------------------------------------------------------------


def _who(data: dict) -> str:
    return data.get("assessor") or ""


class _Formatter(LogFormatter):
    def format_message(self, log_entry):
        return self.render(log_entry.data or {})

    def render(self, data: dict) -> str:
        return str(self.label)


def _formatter(label, render=None):
    attrs = {"label": label}
    if render is not None:
        attrs["render"] = lambda self, data: str(render(data))
    return type("CertificationLogFormatter", (_Formatter,), attrs)


def _outcome(data):
    from members.models import Decision

    return Decision.Outcome(data["outcome"]).label if data.get("outcome") in Decision.Outcome.values else ""


def _recommendation(data):
    from members.models import Assessment

    value = data.get("recommendation")
    return Assessment.Recommendation(value).label if value in Assessment.Recommendation.values else ""


LOG_ACTIONS = {
    "members.certification_application.started": _formatter(_("Certification application started")),
    "members.certification_application.evidence_added": _formatter(
        _("Evidence added"), lambda d: _("Evidence added: %(file)s") % {"file": d.get("file", "")}
    ),
    "members.certification_application.submitted": _formatter(
        _("Application submitted"),
        lambda d: _("Application submitted; assessed against norms %(version)s") % {"version": d.get("norm_version", "")},
    ),
    "members.certification_application.fee_paid": _formatter(
        _("Application fee received"),
        lambda d: _("Application fee of € %(amount)s received") % {"amount": d.get("amount", "")},
    ),
    "members.certification_application.assessor_assigned": _formatter(
        _("Assessor assigned"), lambda d: _("Assessor assigned: %(name)s") % {"name": _who(d)}
    ),
    "members.certification_application.conflict_declared": _formatter(
        _("Conflict of interest declared"),
        lambda d: _("%(name)s declared a relation with the applicant and stepped back") % {"name": _who(d)},
    ),
    "members.certification_application.no_conflict_declared": _formatter(
        _("No conflict of interest declared"),
        lambda d: _("%(name)s declared no conflict of interest") % {"name": _who(d)},
    ),
    "members.certification_application.scored": _formatter(
        _("Criteria scored"), lambda d: _("Criteria scored: %(codes)s") % {"codes": ", ".join(d.get("criteria", []))}
    ),
    "members.certification_application.interview_recorded": _formatter(
        _("Interview recorded"), lambda d: _("Interview of %(date)s recorded") % {"date": d.get("held_on", "")}
    ),
    "members.certification_application.recommended": _formatter(
        _("Recommendation made"), lambda d: _("Recommendation: %(outcome)s") % {"outcome": _recommendation(d)}
    ),
    "members.certification_application.decided": _formatter(
        _("Decision taken"), lambda d: _("Decision: %(outcome)s") % {"outcome": _outcome(d)}
    ),
    "members.certificate.issued": _formatter(
        _("Certificate issued"),
        lambda d: _("Certificate %(number)s issued, valid until %(until)s")
        % {"number": d.get("number", ""), "until": d.get("valid_until", "")},
    ),
    "members.certificate.suspended": _formatter(
        _("Certificate suspended"),
        lambda d: _("Suspended until %(until)s: %(reason)s") % {"until": d.get("until", ""), "reason": d.get("reason", "")},
    ),
    "members.certificate.reinstated": _formatter(_("Certificate reinstated")),
    "members.certificate.withdrawn": _formatter(
        _("Certificate withdrawn"), lambda d: _("Withdrawn: %(reason)s") % {"reason": d.get("reason", "")}
    ),
    "members.certificate.expired": _formatter(
        _("Certificate expired"), lambda d: _("Expired after %(until)s") % {"until": d.get("valid_until", "")}
    ),
    "members.certificate.renewed": _formatter(
        _("Certificate renewed"),
        lambda d: _("Renewed: valid from %(start)s until %(end)s")
        % {"start": d.get("valid_from", ""), "end": d.get("valid_until", "")},
    ),
}


@hooks.register("register_log_actions")
def register_certification_log_actions(actions):
    for action, formatter_class in LOG_ACTIONS.items():
        actions.register_action(action)(formatter_class)
