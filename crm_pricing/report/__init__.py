from . import crm_turnover_report
