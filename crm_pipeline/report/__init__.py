from . import crm_responsibility_report
from . import crm_commission_report
