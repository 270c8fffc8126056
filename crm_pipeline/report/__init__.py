from . import crm_responsibility_report
from . import crm_commission_report
from . import sale_report
