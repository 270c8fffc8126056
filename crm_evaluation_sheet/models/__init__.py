from . import product_recipe_line
from . import product_template
from . import crm_evaluation_sheet
from . import crm_evaluation_sheet_line
from . import sale_order
from . import crm_lead
from . import crm_lead_responsibility
