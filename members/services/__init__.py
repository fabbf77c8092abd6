"""Every write of the members app, one module per domain (as pretix's base/services/).

- `transitions`: lock a membership, check a move against the rules, record it;
- `membership`: applying, arrears, lapse, resignation, ending;
- `dues`: payments, receipt numbers, starting an online payment;
- `reminders`: reminder e-mails and the one-click resignation link;
- `daily`: the daily run that moves memberships on as time passes.

Callers import from the module that owns a function.
"""
