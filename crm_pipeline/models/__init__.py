from . import crm_responsibility_type
