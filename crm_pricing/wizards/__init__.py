from . import crm_client_pricelist_wizard
