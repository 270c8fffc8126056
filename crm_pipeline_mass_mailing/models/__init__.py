from . import crm_lead
from . import utm_campaign
