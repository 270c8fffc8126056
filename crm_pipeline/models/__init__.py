from . import crm_responsibility_type
from . import crm_lead_responsibility
from . import crm_lead_responsibility_contact
from . import crm_lead
