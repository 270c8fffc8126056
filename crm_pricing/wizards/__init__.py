from . import crm_client_pricelist_wizard
from . import base_partner_merge
