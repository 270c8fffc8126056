from . import test_security
from . import test_recipe
from . import test_sheet
from . import test_quotation
from . import test_access
from . import test_tour
from . import test_gate
from . import test_concurrency
