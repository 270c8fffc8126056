from . import test_turnover_report
from . import test_pricing_rules
from . import test_sale_order_pricing
from . import test_tour
from . import test_bypass
from . import test_configurator
from . import test_demo
from . import test_policy
