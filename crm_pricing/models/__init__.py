from . import product_pricelist_item
from . import product_pricelist
from . import sale_order_line
from . import sale_order
from . import res_partner
from . import res_company
from . import res_config_settings
from . import product_template
