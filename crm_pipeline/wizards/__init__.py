from . import crm_lead_activate_wizard
from . import crm_lead_responsibility_complete_wizard
from . import crm_lead_import_wizard
