from . import crm_responsibility_report
