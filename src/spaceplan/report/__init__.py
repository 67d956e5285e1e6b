"""Reports: one plan's compliance, a whole solve, and the HTML page.

- :mod:`~spaceplan.report.wording`: how a rule reads (values, margins,
  verdicts, the area target); the one home of rule wording.
- :mod:`~spaceplan.report.plan`: one plan's compliance as Markdown, JSON
  and a terminal table.
- :mod:`~spaceplan.report.solve`: a whole result (candidates compared,
  each one's compliance, the diagnosis).
- :mod:`~spaceplan.report.html`: the self-contained HTML page.
- :mod:`~spaceplan.report.works`: a candidate's renovation works
  (partitions removed and built) as every output reads and words them,
  and the building as they leave it.

Nothing here writes a file (:mod:`spaceplan.export` does) or decides
compliance (:mod:`spaceplan.check` does).
"""

from __future__ import annotations

from spaceplan.report.plan import (
    compliance_json,
    compliance_markdown,
    compliance_table,
    failure_lines,
    plan_audit,
)
from spaceplan.report.wording import (
    accounting_lines,
    format_margin,
    format_value,
    target_arithmetic,
    verdict_line,
)

__all__ = [
    "accounting_lines",
    "compliance_json",
    "compliance_markdown",
    "compliance_table",
    "format_margin",
    "failure_lines",
    "format_value",
    "plan_audit",
    "target_arithmetic",
    "verdict_line",
]
