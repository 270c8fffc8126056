from . import crm_contract
