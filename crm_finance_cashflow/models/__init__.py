from . import crm_contract
from . import crm_contract_line
from . import crm_contract_schedule
from . import crm_lead
from . import crm_contract_alerts
from . import res_company_rates
from . import res_config_settings
