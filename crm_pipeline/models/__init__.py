from . import crm_responsibility_type
from . import crm_lead_responsibility
from . import crm_lead_responsibility_contact
from . import crm_lead
from . import crm_interaction
from . import crm_task
from . import res_partner
from . import crm_lead_interaction
