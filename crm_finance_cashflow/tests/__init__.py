from . import test_contract
from . import test_invoicing
from . import test_gate
from . import test_rates
from . import test_forecast
from . import test_forecast_report
from . import test_tour
from . import test_schedule_totals
