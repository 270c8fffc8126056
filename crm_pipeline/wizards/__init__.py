from . import crm_lead_responsibility_wizard_mixin
from . import crm_lead_activate_wizard
from . import crm_lead_responsibility_complete_wizard
from . import crm_lead_lost
from . import crm_lead_responsibility_correct_wizard
from . import crm_lead_import_wizard
from . import sale_order_line_import
from . import sale_order_offer_reject
