from . import crm_evaluation_sheet
